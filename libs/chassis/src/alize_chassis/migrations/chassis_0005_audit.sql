-- depends: chassis_0004_digests_dead_letters
-- Who did what, when and from which request: one row per command a caller ran, written in the
-- command's own transaction (a refused or failed command leaves none). The subject is the token's
-- opaque `sub`, never a name; `target` holds the identifiers of the request's path, never its body.
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    subject    text        NOT NULL,
    acting_as  text,                  -- the grant the guard accepted, e.g. 'network-staff@indre'
    command    text        NOT NULL,  -- the command's type, e.g. 'RecordDecisions'
    route      text,                  -- e.g. 'POST /sessions/{session_id}/decisions'
    territory  text,
    target     jsonb       NOT NULL DEFAULT '{}',
    trace_id   text                   -- the request's trace (W3C trace id), to follow it in a tracing tool
);
CREATE INDEX audit_log_territory_at ON audit_log (territory, at DESC, id DESC);
