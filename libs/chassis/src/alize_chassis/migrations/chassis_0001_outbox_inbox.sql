-- Delivery tables every service has in its own schema.

-- Transactional outbox. Column names follow Debezium's outbox event router
-- (id, aggregatetype, aggregateid, type, payload) so a CDC connector could
-- replace the relay; `headers` holds the CloudEvents attributes and the trace
-- context of the request that caused the event.
CREATE TABLE outbox (
    seq           bigserial PRIMARY KEY,
    id            uuid        NOT NULL UNIQUE,
    aggregatetype text        NOT NULL,  -- the Kafka topic
    aggregateid   text        NOT NULL,  -- the Kafka key
    type          text        NOT NULL,  -- the CloudEvents type
    payload       jsonb       NOT NULL,  -- the event data (the Kafka value)
    headers       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- Idempotent consumers: one row per (consumer, event id), written in the same
-- transaction as the event's effect.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
