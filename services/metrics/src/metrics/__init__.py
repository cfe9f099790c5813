"""Metrics: projects every event into read models per territory and serves them."""
