-- depends: 0002_outcomes
-- Erasure requests: an expert's or a counsellor's personal data, or a closure's evaluation comment
-- (which may name the expert), is removed; the missions, days and sessions stay.
ALTER TABLE experts ALTER COLUMN full_name DROP NOT NULL, ALTER COLUMN email DROP NOT NULL,
    ADD COLUMN erased_at timestamptz;
ALTER TABLE counsellors ALTER COLUMN full_name DROP NOT NULL, ALTER COLUMN email DROP NOT NULL,
    ADD COLUMN erased_at timestamptz;
ALTER TABLE missions ADD COLUMN evaluation_comment_erased_at timestamptz;
