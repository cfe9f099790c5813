"""Missions: skill-sponsorship missions, their days, and job declarations."""
