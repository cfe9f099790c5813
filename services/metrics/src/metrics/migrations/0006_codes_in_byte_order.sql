-- depends: 0005_active_schema
-- Codes and identifiers compare byte by byte (COLLATE "C"): the same order for
-- these ASCII codes, and keys built and searched without the locale's rules (a
-- replay builds the facts' keys for millions of rows).
ALTER TABLE facts
    ALTER COLUMN event_id TYPE text COLLATE "C",
    ALTER COLUMN event_type TYPE text COLLATE "C",
    ALTER COLUMN territory TYPE text COLLATE "C",
    ALTER COLUMN indicator TYPE text COLLATE "C",
    ALTER COLUMN subject TYPE text COLLATE "C",
    ALTER COLUMN programme TYPE text COLLATE "C";
ALTER TABLE application_programmes ALTER COLUMN programme TYPE text COLLATE "C";
