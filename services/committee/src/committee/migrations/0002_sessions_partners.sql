-- depends: 0001_docket
-- Calls and their budgets, as intake announces them.
CREATE TABLE calls (
    id                     uuid PRIMARY KEY,
    territory              text          NOT NULL,
    programme              text          NOT NULL,
    skill_days_budget      numeric(9, 1) NOT NULL,
    advances_budget_cents  bigint        NOT NULL,
    closed_at              timestamptz
);

ALTER TABLE docket
    ADD COLUMN call_id                 uuid,
    ADD COLUMN skills_needed           text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN advance_requested_cents bigint,
    ADD COLUMN eligible                boolean,
    ADD COLUMN screening_reasons       text[]  NOT NULL DEFAULT '{}',
    DROP CONSTRAINT docket_status_check,
    ADD CONSTRAINT docket_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'deferred', 'withdrawn'));
CREATE INDEX docket_call ON docket (call_id);

-- Committee members: personal data, kept here only.
CREATE TABLE members (
    id           uuid PRIMARY KEY,
    territory    text        NOT NULL,
    full_name    text        NOT NULL,
    email        text        NOT NULL,
    organisation text,
    partner_id   uuid,  -- when the member works for a partner company
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE member_conflicts (
    id          bigserial PRIMARY KEY,
    member_id   uuid        NOT NULL REFERENCES members,
    firm_id     text,
    partner_id  uuid,
    declared_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((firm_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX member_conflicts_member ON member_conflicts (member_id);

CREATE TABLE sessions (
    id        uuid PRIMARY KEY,
    territory text        NOT NULL,
    held_on   date        NOT NULL,
    quorum    integer     NOT NULL CHECK (quorum >= 1),
    held_at   timestamptz
);

CREATE TABLE session_members (
    session_id uuid NOT NULL REFERENCES sessions,
    member_id  uuid NOT NULL REFERENCES members,
    PRIMARY KEY (session_id, member_id)
);

-- Every decision, deferrals included (the docket holds the current status).
CREATE TABLE decisions (
    id                   bigserial PRIMARY KEY,
    application_id       uuid          NOT NULL REFERENCES docket,
    session_id           uuid          NOT NULL REFERENCES sessions,
    outcome              text          NOT NULL CHECK (outcome IN ('approved', 'rejected', 'deferred')),
    decided_at           timestamptz   NOT NULL,
    voters               uuid[]        NOT NULL,
    skill_days           numeric(7, 1),
    advance_amount_cents bigint,
    reason               text
);
CREATE INDEX decisions_application ON decisions (application_id);

-- Partner companies; their contact is personal data and stays here.
CREATE TABLE partners (
    id            uuid PRIMARY KEY,
    company_name  text        NOT NULL,
    territory     text        NOT NULL,
    contact_name  text,
    contact_email text,
    joined_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partner_sites (
    id         uuid PRIMARY KEY,
    partner_id uuid NOT NULL REFERENCES partners,
    territory  text NOT NULL,
    city       text
);
CREATE INDEX partner_sites_partner ON partner_sites (partner_id);

CREATE TABLE partner_competences (
    partner_id    uuid          NOT NULL REFERENCES partners,
    site_id       uuid          NOT NULL REFERENCES partner_sites,
    competence    text          NOT NULL,
    year          integer       NOT NULL,
    capacity_days numeric(7, 1) NOT NULL CHECK (capacity_days >= 0),
    PRIMARY KEY (partner_id, site_id, competence, year)
);

CREATE TABLE assignments (
    application_id uuid          NOT NULL REFERENCES docket,
    partner_id     uuid          NOT NULL REFERENCES partners,
    competence     text          NOT NULL,
    year           integer       NOT NULL,
    days           numeric(7, 1) NOT NULL CHECK (days > 0),
    PRIMARY KEY (application_id, partner_id, competence)
);
CREATE INDEX assignments_capacity ON assignments (partner_id, competence, year);
