-- depends: 0003_amendments_fund
-- Erasure requests: a member's, or a partner company's contact person's, personal data is removed;
-- what the committee decided with them stays.
ALTER TABLE members ALTER COLUMN full_name DROP NOT NULL, ALTER COLUMN email DROP NOT NULL,
    ADD COLUMN erased_at timestamptz;
ALTER TABLE partners ADD COLUMN contact_erased_at timestamptz;
