-- depends: 0001_read_models
ALTER TABLE territory_activity
    ADD COLUMN screened_eligible   integer NOT NULL DEFAULT 0,
    ADD COLUMN screened_ineligible integer NOT NULL DEFAULT 0,
    ADD COLUMN deferred            integer NOT NULL DEFAULT 0,
    ADD COLUMN withdrawn           integer NOT NULL DEFAULT 0,
    ADD COLUMN sessions_held       integer NOT NULL DEFAULT 0;
