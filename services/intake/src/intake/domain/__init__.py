"""Intake's rules, with no I/O: calls for applications, applications and their screening.
Every change returns the new state and the contract events it raises."""
