-- depends: 0004_erasure
-- Members' own ballots on their sessions' agenda items; the latest choice counts until the session is held.
CREATE TABLE ballots (
    session_id     uuid        NOT NULL,
    application_id uuid        NOT NULL,
    member_id      uuid        NOT NULL,
    choice         text        NOT NULL CHECK (choice IN ('approve', 'reject', 'defer', 'abstain')),
    cast_at        timestamptz NOT NULL,
    PRIMARY KEY (session_id, application_id, member_id),
    FOREIGN KEY (session_id, member_id) REFERENCES session_members
);
