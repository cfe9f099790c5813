#!/usr/bin/env bash
# Starts (or stops) the infrastructure as local processes, for machines with no
# Docker engine: PostgreSQL from Debian's packages and Apache Kafka in KRaft mode
# from its jars on Maven Central. State lives under .local/ (git-ignored).
#
#   scripts/infra.sh install   # apt packages + Kafka jars (idempotent)
#   scripts/infra.sh up        # install, then start both; prints the env to use
#   scripts/infra.sh up-postgres  # PostgreSQL only (the test tiers without Kafka)
#   scripts/infra.sh up-keycloak  # Keycloak only (the identity provider, realm alize)
#   scripts/infra.sh down      # stop both
#   scripts/infra.sh reset     # stop, wipe their data (not the jars), start again
#   scripts/infra.sh env       # print KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL
#   scripts/infra.sh credentials  # make the services' PostgreSQL passwords (.local/credentials/)
#
# Ports: ALIZE_PG_PORT (default 55432) and ALIZE_KAFKA_PORT (default 59092),
# chosen away from the usual ones so a system PostgreSQL or Kafka can coexist.
#
# Keycloak (the identity provider) runs in dev mode from its distribution on
# Maven Central (deploy/keycloak/pom.xml), on 127.0.0.1:ALIZE_KEYCLOAK_PORT
# (default 58080; management port +1), with its H2 data in .local/keycloak/data
# and the realm deploy/keycloak/alize-realm.json with its demo users
# (deploy/keycloak/demo/alize-users-0.json, local runs only) imported at start
# (a changed file wipes Keycloak's data: it holds only the demo realm and test
# accounts). Its master-realm admin password is generated once into
# .local/credentials/keycloak-admin.password (mode 0600).
#
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres'
# system user, which may not be able to enter the checkout (a mode-0700
# directory, /root): its data then lives in /var/lib/alize-postgres/<hash of
# this checkout's state directory>/ (owned by postgres; `env` prints it as
# ALIZE_PG_DATA, `reset` wipes it). Run as another user, it lives in .local/pg/.
#
# Kafka is locked down like a production cluster: its client listener is
# SASL_PLAINTEXT with SCRAM-SHA-512, one principal per service (alize-intake,
# alize-committee, alize-missions, alize-metrics) plus alize-admin (the super
# user: provisioning and the tests' own clients), and the StandardAuthorizer
# refuses whatever the ACLs do not allow (allow.everyone.if.no.acl.found=false);
# the controller listener takes only the broker's own principal. Its configuration
# is compose's too: deploy/kafka/broker-properties.sh.
# Passwords are random, made once, in .local/credentials/<admin|service>/kafka.password
# (mode 0600); `up` runs alize-kafka-provision (topics and ACLs, alize_chassis.kafka_acls).
# A broker formatted without these users (an older, unsecured one) is wiped and
# formatted again: its data is disposable local state.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ALIZE_STATE_DIR:-$ROOT/.local}
PG_PORT=${ALIZE_PG_PORT:-55432}
KAFKA_PORT=${ALIZE_KAFKA_PORT:-59092}
CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_JARS=$STATE/kafka/jars
KEYCLOAK_PORT=${ALIZE_KEYCLOAK_PORT:-58080}
KEYCLOAK_DIR=$STATE/keycloak
KEYCLOAK_ADMIN=kc-admin
KEYCLOAK_ADMIN_PASSWORD_FILE=$STATE/credentials/keycloak-admin.password
KAFKA_CREDENTIALS=$STATE/credentials
KAFKA_PRINCIPALS=(admin intake committee missions metrics)
if [ "$(id -u)" = 0 ]; then
  PG_DIR=/var/lib/alize-postgres/$(printf '%s' "$(realpath -m "$STATE")" | sha256sum | head -c 16)
else
  PG_DIR=$STATE/pg
fi
PG_DATA=$PG_DIR/data
PG_SERVICES="intake committee missions metrics"

log() { printf '[infra] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

install_packages() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  # The dashboard's browser tests and screenshots use Debian's Chromium.
  command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
  # The annual report's PDF (WeasyPrint needs Pango) and the PDF viewer of its test.
  ldconfig -p | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_postgres() {
  if [ -z "$(pg_bin)" ]; then
    log "installing postgresql from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

install_kafka() {
  if [ -f "$KAFKA_JARS/.complete" ] && cmp -s "$ROOT/deploy/kafka/pom.xml" "$KAFKA_JARS/.complete"; then
    return
  fi
  log "fetching the Kafka broker jars from Maven Central"
  rm -rf "$KAFKA_JARS" && mkdir -p "$KAFKA_JARS"
  mvn -q -B -f "$ROOT/deploy/kafka/pom.xml" dependency:copy-dependencies >&2 \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_JARS"
  cp "$ROOT/deploy/kafka/pom.xml" "$KAFKA_JARS/.complete"
}

# PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
as_pg_owner() {
  # From /: postgres may not enter the current directory.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  stop_legacy_postgres
  if [ "$(id -u)" = 0 ]; then
    install -d -m 0755 "$(dirname "$PG_DIR")"
    install -d -o postgres -g postgres -m 0700 "$PG_DIR"
    realpath -m "$STATE" > "$PG_DIR/checkout"  # whose cluster this is
  else
    mkdir -p "$PG_DIR"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising a PostgreSQL cluster in $PG_DATA"
    as_pg_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  write_pg_hba
  if as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "PostgreSQL already running on port $PG_PORT"
  else
    as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 start \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" >/dev/null
    log "PostgreSQL started on port $PG_PORT"
  fi
  if ! as_pg_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='alize'" | grep -q 1; then
    as_pg_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres alize
  fi
  provision_roles
}

# Who may connect how: the superuser 'postgres' without a password on loopback and
# the socket (the administrator: tests make databases with it, and provisioning runs
# as it), every other role only with its password (scram-sha-256), so a service reaches
# the database only as the role whose password it was given, as in a deployment.
PG_HBA='local all postgres trust
host  all postgres 127.0.0.1/32 trust
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256'

write_pg_hba() {
  local bin
  bin=$(pg_bin)
  if [ "$(cat "$PG_DATA/pg_hba.conf")" != "$PG_HBA" ]; then
    printf '%s\n' "$PG_HBA" > "$PG_DATA/pg_hba.conf"  # keeps its owner
    if as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" reload >/dev/null
    fi
  fi
}

# A random password per service, made once: .local/credentials/<service>/postgres.password.
pg_password_file() {
  local file=$STATE/credentials/$1/postgres.password
  if [ ! -s "$file" ]; then
    (umask 077 && mkdir -p "$(dirname "$file")" \
      && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file" && echo >> "$file")
  fi
  echo "$file"
}

# The services' roles and schemas on database 'alize', from the declaration
# (tools/devstack/src/devstack/pg_roles.py, rendered as deploy/postgres/roles.sql);
# idempotent. Passwords go to psql on its standard input, not its command line.
provision_roles() {
  local bin service
  bin=$(pg_bin)
  {
    for service in $PG_SERVICES; do
      echo "\\set ${service}_password '$(tr -d '\n' < "$(pg_password_file "$service")")'"
    done
    cat "$ROOT/deploy/postgres/roles.sql"
  } | as_pg_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d alize -v ON_ERROR_STOP=1 -q -f - >/dev/null
  log "PostgreSQL roles provisioned on database alize: $(for s in $PG_SERVICES; do printf 'alize_%s ' "$s"; done)"
}

# As root, earlier versions kept the cluster in .local/pg too: stop it if it
# still runs, so it does not hold the port (its data can be deleted).
stop_legacy_postgres() {
  local legacy=$STATE/pg/data bin
  bin=$(pg_bin || true)
  if [ "$legacy" != "$PG_DATA" ] && [ -n "$bin" ] && [ -f "$legacy/postmaster.pid" ]; then
    as_pg_owner "$bin/pg_ctl" -D "$legacy" -m fast stop >/dev/null 2>&1 \
      && log "stopped the PostgreSQL cluster in $legacy (data now in $PG_DATA)" || true
  fi
}

# A JVM this script started: SIGTERM, then up to 30 s for it to exit (its port is free after).
stop_process() {
  local name=$1 pid=$2
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    log "$name stopped"
  fi
}

# --- Keycloak -----------------------------------------------------------------

install_keycloak() {
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    log "installing openjdk-17-jre-headless and maven from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
  fi
  if [ -f "$KEYCLOAK_DIR/dist/.complete" ] && cmp -s "$ROOT/deploy/keycloak/pom.xml" "$KEYCLOAK_DIR/dist/.complete"; then
    return
  fi
  log "fetching the Keycloak distribution from Maven Central"
  rm -rf "$KEYCLOAK_DIR/dist" && mkdir -p "$KEYCLOAK_DIR/dist"
  mvn -q -B -f "$ROOT/deploy/keycloak/pom.xml" dependency:unpack -Dkeycloak.dir="$KEYCLOAK_DIR/dist" >&2
  cp "$ROOT/deploy/keycloak/pom.xml" "$KEYCLOAK_DIR/dist/.complete"
}

keycloak_home() { ls -d "$KEYCLOAK_DIR"/dist/keycloak-* 2>/dev/null | sort -V | tail -n 1; }
keycloak_pid() { cat "$KEYCLOAK_DIR/keycloak.pid" 2>/dev/null || true; }
keycloak_url() { echo "http://127.0.0.1:$KEYCLOAK_PORT"; }

keycloak_admin_password() {
  if [ ! -s "$KEYCLOAK_ADMIN_PASSWORD_FILE" ]; then
    install -d -m 0700 "$(dirname "$KEYCLOAK_ADMIN_PASSWORD_FILE")"
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > "$KEYCLOAK_ADMIN_PASSWORD_FILE")
  fi
  chmod 0600 "$KEYCLOAK_ADMIN_PASSWORD_FILE"
  cat "$KEYCLOAK_ADMIN_PASSWORD_FILE"
}

start_keycloak() {
  local pid home realm=$ROOT/deploy/keycloak/alize-realm.json users=$ROOT/deploy/keycloak/demo/alize-users-0.json
  local discovery
  discovery=$(keycloak_url)/realms/alize/.well-known/openid-configuration
  pid=$(keycloak_pid)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "Keycloak already running on port $KEYCLOAK_PORT"
    return
  fi
  home=$(keycloak_home)
  [ -n "$home" ] || { log "no Keycloak distribution in $KEYCLOAK_DIR/dist (run: $0 install)"; exit 1; }
  # The realm, and locally its demo users (never compose's: see docker-compose.yml), are imported
  # once into an empty database: a changed file starts from a fresh one (demo realm and test
  # accounts only, nothing to keep).
  if [ -d "$KEYCLOAK_DIR/data" ] && ! cat "$realm" "$users" | cmp -s - "$KEYCLOAK_DIR/data/imported-realm.json"; then
    log "deploy/keycloak's realm or demo users changed: wiping Keycloak's data to import them again"
    rm -rf "$KEYCLOAK_DIR/data"
  fi
  mkdir -p "$KEYCLOAK_DIR/data" "$home/data/import"
  rm -f "$home/data/import/"*.json
  cp "$realm" "$users" "$home/data/import/"
  cat "$realm" "$users" > "$KEYCLOAK_DIR/data/imported-realm.json"
  # The issuer is pinned (--hostname): the same `iss` whatever Host header is used.
  KC_BOOTSTRAP_ADMIN_USERNAME=$KEYCLOAK_ADMIN KC_BOOTSTRAP_ADMIN_PASSWORD=$(keycloak_admin_password) \
    JAVA_OPTS_KC_HEAP="${ALIZE_KEYCLOAK_HEAP:--Xms64m -Xmx384m}" \
    nohup "$home/bin/kc.sh" start-dev --import-realm \
      --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --hostname="$(keycloak_url)" \
      --health-enabled=true --http-management-port=$((KEYCLOAK_PORT + 1)) \
      --db-url="jdbc:h2:file:$KEYCLOAK_DIR/data/h2/keycloakdb;NON_KEYWORDS=VALUE" \
      >"$KEYCLOAK_DIR/keycloak.log" 2>&1 &
  echo $! > "$KEYCLOAK_DIR/keycloak.pid"
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "$discovery"; then
      log "Keycloak started on port $KEYCLOAK_PORT (realm alize, pid $(keycloak_pid))"
      return
    fi
    kill -0 "$(keycloak_pid)" 2>/dev/null || { tail -n 30 "$KEYCLOAK_DIR/keycloak.log" >&2; exit 1; }
    sleep 0.5
  done
  log "Keycloak did not serve $discovery in 300 s (log: $KEYCLOAK_DIR/keycloak.log)"; exit 1
}

stop_keycloak() { stop_process Keycloak "$(keycloak_pid)"; }

print_keycloak_env() {
  echo "export ALIZE_KEYCLOAK_PID=$(keycloak_pid)"
  echo "export ALIZE_KEYCLOAK_URL=$(keycloak_url)"
  echo "export OIDC_ISSUER=$(keycloak_url)/realms/alize"
  echo "export ALIZE_KEYCLOAK_ADMIN=$KEYCLOAK_ADMIN"
  echo "export ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE=$KEYCLOAK_ADMIN_PASSWORD_FILE"
}

# --- end of Keycloak ----------------------------------------------------------

kafka_pid() { cat "$STATE/kafka/kafka.pid" 2>/dev/null || true; }

kafka_password() { cat "$KAFKA_CREDENTIALS/$1/kafka.password"; }

# A random password per principal, made once and kept (mode 0600, never committed).
make_kafka_credentials() {
  local who
  for who in "${KAFKA_PRINCIPALS[@]}"; do
    if [ ! -s "$KAFKA_CREDENTIALS/$who/kafka.password" ]; then
      (umask 077 && mkdir -p "$KAFKA_CREDENTIALS/$who" \
        && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$KAFKA_CREDENTIALS/$who/kafka.password")
    fi
  done
  chmod 0700 "$KAFKA_CREDENTIALS"
}

# What the data directory was formatted with: the SCRAM users and their passwords.
kafka_security_stamp() {
  local who
  { echo "SASL_PLAINTEXT SCRAM-SHA-512 StandardAuthorizer"
    for who in "${KAFKA_PRINCIPALS[@]}"; do echo "alize-$who $(kafka_password "$who")"; done
  } | sha256sum | cut -d' ' -f1
}

stop_kafka() { stop_process Kafka "$(kafka_pid)"; }

start_kafka() {
  local pid cfg=$STATE/kafka/server.properties stamp who
  make_kafka_credentials
  stamp=$(kafka_security_stamp)
  pid=$(kafka_pid)
  if [ -f "$STATE/kafka/data/meta.properties" ] && [ "$(cat "$STATE/kafka/data/.alize-security" 2>/dev/null)" != "$stamp" ]; then
    log "the local Kafka was formatted without today's SCRAM users (unsecured, or other passwords): wiping its data"
    stop_kafka
    rm -rf "$STATE/kafka/data"
  elif [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    if [ "$(cat "$STATE/kafka/config.stamp" 2>/dev/null)" = "$(sha256sum < "$ROOT/deploy/kafka/broker-properties.sh")" ]; then
      log "Kafka already running on port $KAFKA_PORT"
      return
    fi
    log "the running Kafka was configured by another broker-properties.sh: restarting it (its data stays)"
    stop_kafka
  fi
  mkdir -p "$STATE/kafka/data"
  # shellcheck source=../deploy/kafka/broker-properties.sh
  . "$ROOT/deploy/kafka/broker-properties.sh"
  (umask 077 && broker_properties "127.0.0.1:$KAFKA_PORT" "127.0.0.1:$KAFKA_PORT" "127.0.0.1:$CONTROLLER_PORT" \
    "$STATE/kafka/data" "$(kafka_password admin)" > "$cfg")
  sha256sum < "$ROOT/deploy/kafka/broker-properties.sh" > "$STATE/kafka/config.stamp"
  cat > "$STATE/kafka/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$STATE/kafka/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$STATE/kafka/log4j.properties" -cp "$KAFKA_JARS/*")
  if [ ! -f "$STATE/kafka/data/meta.properties" ]; then
    # The SCRAM users go into the metadata log as it is formatted (KIP-900).
    local scram=()
    for who in "${KAFKA_PRINCIPALS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=alize-$who,password=$(kafka_password "$who")]")
    done
    java "${java_opts[@]}" kafka.tools.StorageTool format -t "$(cat /proc/sys/kernel/random/uuid | tr -d - | head -c 22)" \
      -c "$cfg" --ignore-formatted "${scram[@]}" >/dev/null
    (umask 077 && echo "$stamp" > "$STATE/kafka/data/.alize-security")
  fi
  nohup java "${java_opts[@]}" kafka.Kafka "$cfg" >"$STATE/kafka/stdout.log" 2>&1 &
  echo $! > "$STATE/kafka/kafka.pid"
  for _ in $(seq 1 120); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$KAFKA_PORT") 2>/dev/null; then
      log "Kafka started on port $KAFKA_PORT (KRaft, SASL_PLAINTEXT SCRAM-SHA-512, ACLs; pid $(kafka_pid))"
      return
    fi
    kill -0 "$(kafka_pid)" 2>/dev/null || { tail -n 30 "$STATE/kafka/stdout.log" "$STATE/kafka/server.log" >&2; exit 1; }
    sleep 0.5
  done
  log "Kafka did not open port $KAFKA_PORT in 60 s"; exit 1
}

# Topics and ACLs, declared in alize_chassis.kafka_acls, applied with the admin principal.
provision_kafka() {
  [ -x "$ROOT/.venv/bin/python" ] || bash "$ROOT/scripts/bootstrap.sh" python >&2
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT \
    KAFKA_SASL_MECHANISM=SCRAM-SHA-512 KAFKA_USERNAME=alize-admin \
    KAFKA_PASSWORD_FILE="$KAFKA_CREDENTIALS/admin/kafka.password" \
    "$ROOT/.venv/bin/python" -m alize_chassis.kafka_acls >&2
}

stop_all() {
  local bin
  stop_keycloak
  stop_kafka
  stop_legacy_postgres
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -f "$PG_DATA/PG_VERSION" ]; then
    as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 && log "PostgreSQL stopped" || true
  fi
}

# DATABASE_URL is the administrator's (tests make their databases with it); each
# service connects as its own role, with the password in its file.
print_postgres_env() {
  local service upper
  echo "export ALIZE_PG_DATA=$PG_DATA"
  echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/alize"
  echo "export ALIZE_PG_CREDENTIALS=$STATE/credentials"
  for service in $PG_SERVICES; do
    upper=$(printf '%s' "$service" | tr a-z A-Z)
    echo "export ALIZE_${upper}_DATABASE_URL=postgresql://alize_$service@127.0.0.1:$PG_PORT/alize"
  done
}

print_env() {
  echo "export ALIZE_KAFKA_PID=$(kafka_pid)"
  echo "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
  # Each service's password is in $ALIZE_KAFKA_CREDENTIALS/<service>/kafka.password (user alize-<service>).
  echo "export ALIZE_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"
  echo "export ALIZE_KAFKA_SASL_MECHANISM=SCRAM-SHA-512"
  echo "export ALIZE_KAFKA_CREDENTIALS=$KAFKA_CREDENTIALS"
  echo "export ALIZE_KAFKA_ADMIN_USERNAME=alize-admin"
  echo "export ALIZE_KAFKA_ADMIN_PASSWORD_FILE=$KAFKA_CREDENTIALS/admin/kafka.password"
  print_postgres_env
  print_keycloak_env
}

case "${1:-up}" in
  install) install_packages; install_kafka; install_keycloak ;;
  credentials) for service in $PG_SERVICES; do pg_password_file "$service"; done ;;
  up) install_packages; install_kafka; install_keycloak; start_postgres; start_kafka; provision_kafka; start_keycloak; print_env ;;
  up-postgres) install_postgres; start_postgres; print_postgres_env ;;
  up-keycloak) install_keycloak; start_keycloak; print_keycloak_env ;;
  down) stop_all ;;
  reset)
    stop_all
    rm -rf "$PG_DATA" "$STATE/kafka/data" "$KEYCLOAK_DIR/data"
    install_packages; install_kafka; install_keycloak; start_postgres; start_kafka; provision_kafka; start_keycloak; print_env ;;
  env) print_env ;;
  *) echo "usage: $0 install|up|up-postgres|up-keycloak|down|reset|env|credentials" >&2; exit 2 ;;
esac
