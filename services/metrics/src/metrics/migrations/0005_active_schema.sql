-- depends: 0004_facts
-- Which schema holds the live read models: a replay builds a fresh schema from
-- the topics and then points this at it (see replay.py). The first schema
-- migrated becomes the live one; a replayed schema's migration leaves it be.
CREATE SCHEMA IF NOT EXISTS metrics_control;
CREATE TABLE IF NOT EXISTS metrics_control.active_schema (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    schema_name text        NOT NULL,
    switched_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO metrics_control.active_schema (schema_name) VALUES (current_schema()) ON CONFLICT DO NOTHING;
