-- depends: chassis_0001_outbox_inbox
-- Idempotency-Key of HTTP commands: the first response is stored in the
-- command's own transaction and replayed for a retry with the same key.
CREATE TABLE idempotency_keys (
    scope       text        NOT NULL,  -- the command, e.g. 'POST /applications'
    key         text        NOT NULL,
    fingerprint text        NOT NULL,  -- hash of the request body
    status_code integer     NOT NULL,
    response    jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
