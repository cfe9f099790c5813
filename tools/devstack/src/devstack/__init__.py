"""Local development stack, demo scenario and test infrastructure."""
