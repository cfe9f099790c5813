-- depends: 0006_codes_in_byte_order
-- Which territories chose to publish their aggregate figures: the network's staff decides
-- (PUT /territories/{territory}/publication). Kept beside the active schema, so a replay
-- (which rebuilds the read models in a fresh schema) leaves the choice as it was.
CREATE TABLE IF NOT EXISTS metrics_control.publications (
    territory  text        PRIMARY KEY,
    public     boolean     NOT NULL,
    changed_at timestamptz NOT NULL
);
