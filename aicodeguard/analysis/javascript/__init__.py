"""What JavaScript and TypeScript rules need: names, values, string building, taint."""
