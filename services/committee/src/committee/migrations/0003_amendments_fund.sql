-- depends: 0002_sessions_partners
ALTER TABLE docket ADD COLUMN baseline_headcount integer;

ALTER TABLE decisions DROP CONSTRAINT decisions_outcome_check,
    ADD CONSTRAINT decisions_outcome_check CHECK (outcome IN ('approved', 'rejected', 'deferred', 'amended'));

-- A territory's revolving fund of repayable advances.
CREATE TABLE advance_funds (
    territory  text PRIMARY KEY,
    fund_cents bigint NOT NULL CHECK (fund_cents >= 0)
);

-- Repayments, from the missions service's events: they refill the fund.
CREATE TABLE advance_repayments (
    repayment_id   uuid PRIMARY KEY,
    application_id uuid   NOT NULL,
    territory      text   NOT NULL,
    amount_cents   bigint NOT NULL
);
CREATE INDEX advance_repayments_territory ON advance_repayments (territory);

-- An amendment in a later year draws on that year's capacity.
ALTER TABLE assignments DROP CONSTRAINT assignments_pkey,
    ADD PRIMARY KEY (application_id, partner_id, competence, year);
