#!/usr/bin/env bash
# Starts (or stops) the infrastructure as local processes, for machines with no
# Docker engine: PostgreSQL from Debian's packages and Apache Kafka in KRaft mode
# from its jars on Maven Central. State lives under .local/ (git-ignored).
#
#   scripts/infra.sh install   # apt packages + Kafka jars (idempotent)
#   scripts/infra.sh up        # install, then start both; prints the env to use
#   scripts/infra.sh up-postgres  # PostgreSQL only (the test tiers without Kafka)
#   scripts/infra.sh down      # stop both
#   scripts/infra.sh reset     # stop, wipe their data (not the jars), start again
#   scripts/infra.sh env       # print KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL
#
# Ports: ALIZE_PG_PORT (default 55432) and ALIZE_KAFKA_PORT (default 59092),
# chosen away from the usual ones so a system PostgreSQL or Kafka can coexist.
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
# refuses whatever the ACLs do not allow (allow.everyone.if.no.acl.found=false).
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
KAFKA_CREDENTIALS=$STATE/credentials
KAFKA_PRINCIPALS=(admin intake committee missions metrics)
if [ "$(id -u)" = 0 ]; then
  PG_DIR=/var/lib/alize-postgres/$(printf '%s' "$(realpath -m "$STATE")" | sha256sum | head -c 16)
else
  PG_DIR=$STATE/pg
fi
PG_DATA=$PG_DIR/data

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

stop_kafka() {
  local pid
  pid=$(kafka_pid)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    log "Kafka stopped"
  fi
}

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
    log "Kafka already running on port $KAFKA_PORT"
    return
  fi
  mkdir -p "$STATE/kafka/data"
  (umask 077 && cat > "$cfg") <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
# Clients authenticate with SCRAM-SHA-512; the controller listener stays on loopback.
listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alize-admin" password="$(kafka_password admin)";
# Only what alize_chassis.kafka_acls grants (alize-kafka-provision): nothing without an ACL.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# ANONYMOUS: the broker's own requests to its controller, on the loopback PLAINTEXT controller listener.
super.users=User:alize-admin;User:ANONYMOUS
log.dirs=$STATE/kafka/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Topics are created by their owner or by alize-kafka-provision, never by a stray read or write.
auto.create.topics.enable=false
# Events are kept forever (replay, lineage, late subscribers): topics default to no time limit.
log.retention.ms=-1
PROPS
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
  stop_kafka
  stop_legacy_postgres
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -f "$PG_DATA/PG_VERSION" ]; then
    as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 && log "PostgreSQL stopped" || true
  fi
}

print_postgres_env() {
  echo "export ALIZE_PG_DATA=$PG_DATA"
  echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/alize"
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
}

case "${1:-up}" in
  install) install_packages; install_kafka ;;
  up) install_packages; install_kafka; start_postgres; start_kafka; provision_kafka; print_env ;;
  up-postgres) install_postgres; start_postgres; print_postgres_env ;;
  down) stop_all ;;
  reset)
    stop_all
    rm -rf "$PG_DATA" "$STATE/kafka/data"
    install_packages; install_kafka; start_postgres; start_kafka; provision_kafka; print_env ;;
  env) print_env ;;
  *) echo "usage: $0 install|up|up-postgres|down|reset|env" >&2; exit 2 ;;
esac
