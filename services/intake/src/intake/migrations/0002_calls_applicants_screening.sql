-- depends: 0001_applications
CREATE TABLE calls (
    id                    uuid PRIMARY KEY,
    territory             text          NOT NULL,
    programme             text          NOT NULL,
    opens_on              date          NOT NULL,
    closes_on             date          NOT NULL CHECK (closes_on >= opens_on),
    skill_days_budget     numeric(9, 1) NOT NULL CHECK (skill_days_budget >= 0),
    advances_budget_cents bigint        NOT NULL CHECK (advances_budget_cents >= 0),
    created_at            timestamptz   NOT NULL DEFAULT now(),
    closed_at             timestamptz
);
CREATE INDEX calls_open ON calls (closes_on) WHERE closed_at IS NULL;

-- Personal data lives here only, behind the opaque applicant id; an erasure
-- request blanks it and keeps the anonymous facts of the applications.
CREATE TABLE applicants (
    id                uuid PRIMARY KEY,
    full_name         text,
    email             text,
    phone             text,
    social_aid_status text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    erased_at         timestamptz
);

CREATE TABLE eligibility_rules (
    territory           text    NOT NULL,
    programme           text    NOT NULL,
    min_jobs_planned    integer NOT NULL CHECK (min_jobs_planned >= 0),
    max_headcount       integer CHECK (max_headcount >= 0),
    min_firm_age_months integer NOT NULL CHECK (min_firm_age_months >= 0),
    PRIMARY KEY (territory, programme)
);

ALTER TABLE applications
    ADD COLUMN call_id                 uuid REFERENCES calls,
    ADD COLUMN applicant_id            uuid REFERENCES applicants,
    ADD COLUMN status                  text NOT NULL DEFAULT 'submitted'
                                       CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    ADD COLUMN project_kind            text,
    ADD COLUMN project_summary         text,
    ADD COLUMN firm_size               text,
    ADD COLUMN sector                  text,
    ADD COLUMN firm_created_on         date,
    ADD COLUMN advance_requested_cents bigint CHECK (advance_requested_cents >= 0),
    ADD COLUMN created_at              timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN withdrawn_at            timestamptz,
    ADD COLUMN screened_at             timestamptz,
    ADD COLUMN screened_eligible       boolean,
    ADD COLUMN screening_reasons       text[] NOT NULL DEFAULT '{}',
    ALTER COLUMN submitted_at DROP NOT NULL;
ALTER TABLE applications ALTER COLUMN status SET DEFAULT 'draft';
CREATE INDEX applications_call ON applications (call_id);
