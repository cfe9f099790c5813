"""Intake: receives applications from firms and project holders."""
