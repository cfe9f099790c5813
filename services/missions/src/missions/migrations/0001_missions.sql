-- depends: chassis_0001_outbox_inbox
CREATE TABLE projects (
    application_id uuid PRIMARY KEY,
    territory      text  NOT NULL,
    programme      text  NOT NULL,
    firm_id        text,
    trace_context  jsonb NOT NULL DEFAULT '{}'  -- the application's journey
);

CREATE TABLE missions (
    id             uuid PRIMARY KEY,
    application_id uuid          NOT NULL REFERENCES projects,
    days_budget    numeric(7, 1) NOT NULL CHECK (days_budget > 0),
    opened_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX missions_application ON missions (application_id);

CREATE TABLE mission_days (
    id         uuid PRIMARY KEY,
    mission_id uuid          NOT NULL REFERENCES missions,
    worked_on  date          NOT NULL,
    days       numeric(2, 1) NOT NULL CHECK (days IN (0.5, 1)),
    logged_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX mission_days_mission ON mission_days (mission_id, worked_on);

CREATE TABLE job_declarations (
    id              uuid PRIMARY KEY,
    application_id  uuid        NOT NULL REFERENCES projects,
    as_of           date        NOT NULL,
    jobs_created    integer     NOT NULL CHECK (jobs_created >= 0),
    jobs_maintained integer     NOT NULL CHECK (jobs_maintained >= 0),
    declared_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_declarations_application ON job_declarations (application_id, as_of);
