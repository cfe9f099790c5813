-- depends: 0003_outcomes
-- The facts ledger replaces the per-indicator counters: every figure is an
-- aggregation of facts, each traceable to its event. The metrics schema is a
-- read model: rebuild it from the topics (a fresh consumer group) to fill it.
DROP TABLE territory_activity, firms_supported, latest_job_declarations, people_guided, business_survival;

CREATE TABLE facts (
    event_id       text          NOT NULL,
    event_type     text          NOT NULL,
    event_time     timestamptz,
    territory      text          NOT NULL,
    indicator      text          NOT NULL,
    value          numeric(18, 2) NOT NULL,
    occurred_on    date          NOT NULL,  -- the domain date the fact belongs to
    year           integer       GENERATED ALWAYS AS (extract(year FROM occurred_on)::integer) STORED,
    subject        text          NOT NULL DEFAULT '',  -- key of distinct and latest aggregations
    application_id uuid,
    programme      text,                    -- when the event carries it; else application_programmes
    PRIMARY KEY (event_id, indicator, subject)
);
CREATE INDEX facts_indicator ON facts (indicator, territory, year);
CREATE INDEX facts_application ON facts (application_id);

CREATE TABLE application_programmes (
    application_id uuid PRIMARY KEY,
    programme      text NOT NULL
);
