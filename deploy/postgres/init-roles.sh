#!/bin/sh
# docker-compose's PostgreSQL runs this once, at its first start (/docker-entrypoint-initdb.d/):
# the services' roles and schemas of deploy/postgres/roles.sql, each role with the password
# of its secret (/run/secrets/pg_<service>_password). Passwords go to psql on its standard
# input, not its command line.
set -eu
{
  for service in intake committee missions metrics; do
    printf '%s\n' "\\set ${service}_password '$(tr -d '\n' < "/run/secrets/pg_${service}_password")'"
  done
  cat /etc/alize/roles.sql
} | psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f -
