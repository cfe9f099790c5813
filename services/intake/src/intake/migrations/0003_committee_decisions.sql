-- depends: 0002_calls_applicants_screening
-- The committee's decisions on each application, as learnt from its events (one row per
-- decision event, in the order they arrive: a deferral, then an approval or a rejection).
CREATE TABLE committee_decisions (
    seq            bigserial   PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id),
    decision       text        NOT NULL CHECK (decision IN ('approved', 'rejected', 'deferred')),
    decided_at     timestamptz NOT NULL
);
CREATE INDEX committee_decisions_application ON committee_decisions (application_id, seq);
