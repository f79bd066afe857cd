"""Python checks: one module per rule family, registered on `checks.on`."""
