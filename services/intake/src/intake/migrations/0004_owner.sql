-- depends: 0003_committee_decisions
-- The account (the identity provider's opaque subject) that created an application from an
-- applicant's or firm's own account: it may then follow and change it (staff-entered ones have none).
ALTER TABLE applications ADD COLUMN owner text;
