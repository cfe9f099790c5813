-- depends: chassis_0001_outbox_inbox
CREATE TABLE applications (
    id                      uuid PRIMARY KEY,
    territory               text        NOT NULL,
    programme               text        NOT NULL,
    firm_id                 text,
    submitted_at            timestamptz NOT NULL,
    jobs_planned_created    integer     NOT NULL CHECK (jobs_planned_created >= 0),
    jobs_planned_maintained integer     NOT NULL CHECK (jobs_planned_maintained >= 0),
    baseline_headcount      integer     NOT NULL CHECK (baseline_headcount >= 0),
    skills_needed           text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX applications_territory ON applications (territory);
