-- depends: chassis_0002_idempotency
-- Event ids and consumer names are identifiers, not words: compared byte by byte
-- (COLLATE "C") they index and look up without the locale's rules, whatever the
-- database's default collation.
ALTER TABLE processed_events
    ALTER COLUMN consumer TYPE text COLLATE "C",
    ALTER COLUMN event_id TYPE text COLLATE "C";
