-- depends: chassis_0001_outbox_inbox
CREATE TABLE territory_activity (
    territory               text PRIMARY KEY,
    applications            integer        NOT NULL DEFAULT 0,
    approved                integer        NOT NULL DEFAULT 0,
    rejected                integer        NOT NULL DEFAULT 0,
    days_contracted         numeric(12, 1) NOT NULL DEFAULT 0,
    days_delivered          numeric(12, 1) NOT NULL DEFAULT 0,
    jobs_planned_created    integer        NOT NULL DEFAULT 0,
    jobs_planned_maintained integer        NOT NULL DEFAULT 0,
    advances_granted        integer        NOT NULL DEFAULT 0,
    advances_granted_cents  bigint         NOT NULL DEFAULT 0
);

CREATE TABLE firms_supported (
    territory         text        NOT NULL,
    firm_id           text        NOT NULL,
    first_approved_at timestamptz NOT NULL,
    PRIMARY KEY (territory, firm_id)
);

CREATE TABLE latest_job_declarations (
    application_id  uuid PRIMARY KEY,
    territory       text        NOT NULL,
    as_of           date        NOT NULL,
    declared_at     timestamptz NOT NULL,
    declaration_id  uuid        NOT NULL,
    jobs_created    integer     NOT NULL,
    jobs_maintained integer     NOT NULL
);
CREATE INDEX latest_job_declarations_territory ON latest_job_declarations (territory);
