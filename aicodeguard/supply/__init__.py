"""Supply-chain checks: hallucinated, typosquatted and unvetted packages (AIG6xx)."""
