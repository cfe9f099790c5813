-- depends: chassis_0001_outbox_inbox
CREATE TABLE docket (
    application_id          uuid PRIMARY KEY,
    territory               text        NOT NULL,
    programme               text        NOT NULL,
    firm_id                 text,
    jobs_planned_created    integer     NOT NULL,
    jobs_planned_maintained integer     NOT NULL,
    submitted_at            timestamptz NOT NULL,
    status                  text        NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_at              timestamptz,
    skill_days              numeric(7, 1),
    advance_amount_cents    bigint,
    rejection_reason        text,
    trace_context           jsonb       NOT NULL DEFAULT '{}'  -- the application's journey
);
CREATE INDEX docket_territory_status ON docket (territory, status);
