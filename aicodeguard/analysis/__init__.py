"""What checks need beyond raw syntax: names, values, string building, taint."""
