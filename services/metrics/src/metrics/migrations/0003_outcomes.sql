-- depends: 0002_funnel
ALTER TABLE territory_activity
    ADD COLUMN advances_disbursed_cents   bigint  NOT NULL DEFAULT 0,
    ADD COLUMN advances_repaid_cents      bigint  NOT NULL DEFAULT 0,
    ADD COLUMN advances_written_off_cents bigint  NOT NULL DEFAULT 0,
    ADD COLUMN firms_created              integer NOT NULL DEFAULT 0,
    ADD COLUMN oriented_to_employment     integer NOT NULL DEFAULT 0,
    ADD COLUMN left_programme             integer NOT NULL DEFAULT 0,
    ADD COLUMN missions_closed            integer NOT NULL DEFAULT 0;

-- Jobs: in each territory, the latest declaration of each firm (or, with no
-- firm, each project) counts.
ALTER TABLE latest_job_declarations ADD COLUMN beneficiary text;
UPDATE latest_job_declarations SET beneficiary = application_id::text;
ALTER TABLE latest_job_declarations
    ALTER COLUMN beneficiary SET NOT NULL,
    DROP CONSTRAINT latest_job_declarations_pkey,
    ADD PRIMARY KEY (territory, beneficiary);

-- People guided: participants with at least one guidance session.
CREATE TABLE people_guided (
    application_id uuid PRIMARY KEY,
    territory      text NOT NULL
);

-- Survival of the firms created through guidance, by years since creation.
CREATE TABLE business_survival (
    territory text    NOT NULL,
    firm_id   text    NOT NULL,
    years     integer NOT NULL,
    active    boolean NOT NULL,
    PRIMARY KEY (territory, firm_id, years)
);
