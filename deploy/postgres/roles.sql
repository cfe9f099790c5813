-- Generated from tools/devstack/src/devstack/pg_roles.py (the declaration): do not edit,
-- run `uv run devstack pg-roles-sql` after changing it (tests/test_deploy.py checks).
-- Run by a superuser on the service database, idempotently, with the passwords as psql
-- variables intake_password, committee_password, missions_password, metrics_password
-- (scripts/infra.sh and deploy/postgres/init-roles.sh give them with \set on standard input).

SET client_min_messages = warning;
SELECT 'CREATE ROLE "alize_intake"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alize_intake')\gexec
ALTER ROLE "alize_intake" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD :'intake_password';
ALTER ROLE "alize_intake" SET search_path = "intake";
SELECT format('REVOKE %s FROM %I', m.roleid::regrole, r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'alize_intake'\gexec
SELECT 'CREATE ROLE "alize_committee"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alize_committee')\gexec
ALTER ROLE "alize_committee" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD :'committee_password';
ALTER ROLE "alize_committee" SET search_path = "committee";
SELECT format('REVOKE %s FROM %I', m.roleid::regrole, r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'alize_committee'\gexec
SELECT 'CREATE ROLE "alize_missions"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alize_missions')\gexec
ALTER ROLE "alize_missions" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD :'missions_password';
ALTER ROLE "alize_missions" SET search_path = "missions";
SELECT format('REVOKE %s FROM %I', m.roleid::regrole, r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'alize_missions'\gexec
SELECT 'CREATE ROLE "alize_metrics"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alize_metrics')\gexec
ALTER ROLE "alize_metrics" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD :'metrics_password';
ALTER ROLE "alize_metrics" SET search_path = "metrics";
SELECT format('REVOKE %s FROM %I', m.roleid::regrole, r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'alize_metrics'\gexec

REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO "alize_intake";
REVOKE CREATE, TEMPORARY ON DATABASE :"DBNAME" FROM "alize_intake";
CREATE SCHEMA IF NOT EXISTS "intake" AUTHORIZATION "alize_intake";
ALTER SCHEMA "intake" OWNER TO "alize_intake";
REVOKE ALL ON SCHEMA "intake" FROM PUBLIC;
REVOKE ALL ON SCHEMA "intake" FROM "alize_committee";
REVOKE ALL ON SCHEMA "intake" FROM "alize_missions";
REVOKE ALL ON SCHEMA "intake" FROM "alize_metrics";
GRANT CONNECT ON DATABASE :"DBNAME" TO "alize_committee";
REVOKE CREATE, TEMPORARY ON DATABASE :"DBNAME" FROM "alize_committee";
CREATE SCHEMA IF NOT EXISTS "committee" AUTHORIZATION "alize_committee";
ALTER SCHEMA "committee" OWNER TO "alize_committee";
REVOKE ALL ON SCHEMA "committee" FROM PUBLIC;
REVOKE ALL ON SCHEMA "committee" FROM "alize_intake";
REVOKE ALL ON SCHEMA "committee" FROM "alize_missions";
REVOKE ALL ON SCHEMA "committee" FROM "alize_metrics";
GRANT CONNECT ON DATABASE :"DBNAME" TO "alize_missions";
REVOKE CREATE, TEMPORARY ON DATABASE :"DBNAME" FROM "alize_missions";
CREATE SCHEMA IF NOT EXISTS "missions" AUTHORIZATION "alize_missions";
ALTER SCHEMA "missions" OWNER TO "alize_missions";
REVOKE ALL ON SCHEMA "missions" FROM PUBLIC;
REVOKE ALL ON SCHEMA "missions" FROM "alize_intake";
REVOKE ALL ON SCHEMA "missions" FROM "alize_committee";
REVOKE ALL ON SCHEMA "missions" FROM "alize_metrics";
GRANT CONNECT ON DATABASE :"DBNAME" TO "alize_metrics";
GRANT CREATE ON DATABASE :"DBNAME" TO "alize_metrics";
CREATE SCHEMA IF NOT EXISTS "metrics" AUTHORIZATION "alize_metrics";
ALTER SCHEMA "metrics" OWNER TO "alize_metrics";
REVOKE ALL ON SCHEMA "metrics" FROM PUBLIC;
REVOKE ALL ON SCHEMA "metrics" FROM "alize_intake";
REVOKE ALL ON SCHEMA "metrics" FROM "alize_committee";
REVOKE ALL ON SCHEMA "metrics" FROM "alize_missions";
CREATE SCHEMA IF NOT EXISTS "metrics_control" AUTHORIZATION "alize_metrics";
ALTER SCHEMA "metrics_control" OWNER TO "alize_metrics";
REVOKE ALL ON SCHEMA "metrics_control" FROM PUBLIC;
REVOKE ALL ON SCHEMA "metrics_control" FROM "alize_intake";
REVOKE ALL ON SCHEMA "metrics_control" FROM "alize_committee";
REVOKE ALL ON SCHEMA "metrics_control" FROM "alize_missions";
