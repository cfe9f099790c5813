-- depends: chassis_0003_event_ids_in_byte_order
-- The digest of each processed event's body: the same event id arriving with
-- another body is a conflict, dead-lettered instead of silently skipped.
-- (NULL for events processed before this column existed.)
ALTER TABLE processed_events ADD COLUMN digest bytea;

-- Where a consumer parks a message it could publish to no dead-letter topic
-- (the topic unavailable, or refusing even a trimmed copy), so the partition
-- still moves on and nothing is lost.
CREATE TABLE dead_letters (
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    "partition"    integer     NOT NULL,
    "offset"       bigint      NOT NULL,
    key            bytea,
    headers        jsonb       NOT NULL,  -- the original headers and the kafka_dlt-* ones
    value          bytea       NOT NULL,
    parked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, "partition", "offset")
);
