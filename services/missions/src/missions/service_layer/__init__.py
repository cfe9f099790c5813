"""Missions' handlers: each command's and each incoming event's work, in a unit of work
(app.py lists which command and which event goes where). Work on an existing aggregate
continues its application's journey (the trace started by the application's submission)."""
