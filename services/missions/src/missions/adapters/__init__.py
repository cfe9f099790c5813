"""Missions' repositories: its state in PostgreSQL, no rules and no events.

A locking read (`<thing>_for_update`) locks the row in one statement and reads the thing in
the next: what another command committed while this one waited for the lock (a day logged, a
repayment, an outcome, a survival check) is seen. Read in the locking statement itself, the
rows of other tables would be those of its snapshot, taken before the wait."""
