"""The committee's repositories: its tables in PostgreSQL, one module per area (SQL only: no
events, no rules). Locking reads are named `<thing>_for_update`."""
