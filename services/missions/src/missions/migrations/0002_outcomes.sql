-- depends: 0001_missions
ALTER TABLE projects
    ADD COLUMN baseline_headcount integer,
    ADD COLUMN approved_on        date;

-- The mission window after approval, per territory (12 to 18 months).
CREATE TABLE territory_settings (
    territory             text PRIMARY KEY,
    mission_window_months integer NOT NULL CHECK (mission_window_months BETWEEN 12 AND 18)
);

-- Lent employees: personal data, kept here only.
CREATE TABLE experts (
    id        uuid PRIMARY KEY,
    full_name text NOT NULL,
    email     text NOT NULL,
    job_title text
);

ALTER TABLE missions
    ADD COLUMN partner_id         uuid,
    ADD COLUMN competence         text,
    ADD COLUMN window_ends_on     date,
    ADD COLUMN expert_id          uuid REFERENCES experts,
    ADD COLUMN starts_on          date,
    ADD COLUMN ends_on            date,
    ADD COLUMN signed_on          date,
    ADD COLUMN closed_on          date,
    ADD COLUMN satisfaction       integer CHECK (satisfaction BETWEEN 1 AND 5),
    ADD COLUMN evaluation_comment text;
UPDATE missions SET window_ends_on = (opened_at + interval '18 months')::date WHERE window_ends_on IS NULL;
ALTER TABLE missions ALTER COLUMN window_ends_on SET NOT NULL;
CREATE UNIQUE INDEX missions_assignment ON missions (application_id, partner_id, competence);

ALTER TABLE mission_days
    ADD COLUMN competence     text,
    ADD COLUMN status         text NOT NULL DEFAULT 'logged' CHECK (status IN ('logged', 'confirmed', 'disputed')),
    ADD COLUMN dispute_reason text,
    ADD COLUMN reviewed_at    timestamptz;

ALTER TABLE job_declarations
    ADD COLUMN headcount          integer CHECK (headcount >= 0),
    ADD COLUMN baseline_headcount integer;

CREATE TABLE advances (
    id                uuid PRIMARY KEY,
    application_id    uuid        NOT NULL,
    territory         text        NOT NULL,
    firm_id           text,
    amount_cents      bigint      NOT NULL CHECK (amount_cents > 0),
    granted_at        timestamptz NOT NULL,
    disbursed_on      date,
    written_off_on    date,
    written_off_cents bigint      NOT NULL DEFAULT 0,
    write_off_reason  text,
    trace_context     jsonb       NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX advances_application ON advances (application_id);

CREATE TABLE advance_installments (
    advance_id   uuid   NOT NULL REFERENCES advances,
    seq          integer NOT NULL,
    due_on       date   NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (advance_id, seq)
);

CREATE TABLE advance_repayments (
    id           uuid PRIMARY KEY,
    advance_id   uuid   NOT NULL REFERENCES advances,
    received_on  date   NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0)
);
CREATE INDEX advance_repayments_advance ON advance_repayments (advance_id);

-- Guidance counsellors: personal data, kept here only.
CREATE TABLE counsellors (
    id        uuid PRIMARY KEY,
    territory text NOT NULL,
    full_name text NOT NULL,
    email     text NOT NULL
);

CREATE TABLE guidance_sessions (
    id             uuid PRIMARY KEY,
    application_id uuid          NOT NULL REFERENCES projects,
    counsellor_id  uuid          NOT NULL REFERENCES counsellors,
    held_on        date          NOT NULL,
    days           numeric(2, 1) NOT NULL CHECK (days IN (0.5, 1))
);
CREATE INDEX guidance_sessions_track ON guidance_sessions (application_id);

CREATE TABLE participant_outcomes (
    application_id uuid PRIMARY KEY REFERENCES projects,
    outcome        text NOT NULL CHECK (outcome IN ('firm_created', 'employment', 'left_programme')),
    recorded_on    date NOT NULL,
    firm_id        text
);

CREATE TABLE businesses (
    firm_id        text PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES projects,
    created_on     date NOT NULL
);

CREATE TABLE survival_checks (
    firm_id    text    NOT NULL REFERENCES businesses,
    years      integer NOT NULL CHECK (years IN (1, 2, 3)),
    active     boolean NOT NULL,
    checked_on date    NOT NULL,
    PRIMARY KEY (firm_id, years)
);
