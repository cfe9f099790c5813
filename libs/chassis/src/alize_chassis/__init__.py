"""Service chassis shared by the Alize services (never imported by contracts/)."""
