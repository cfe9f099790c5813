#!/usr/bin/env bash
# The compose broker (apache/kafka image), configured as scripts/infra.sh's is
# (broker-properties.sh, mounted beside this script): SCRAM-SHA-512 clients,
# ACLs, alize-admin the super user; the controller listener is bound to the
# container's loopback, out of the other containers' reach.
# The SCRAM users (alize-admin and one per service) are added as the storage is
# formatted (KIP-900), with the passwords the kafka-credentials service made.
set -euo pipefail
CREDENTIALS=/run/alize/credentials
PRINCIPALS=(admin intake committee missions metrics)
DATA=/var/lib/kafka/data
CONFIG=/tmp/alize/server.properties

password() { cat "$CREDENTIALS/$1/kafka.password"; }

umask 077
mkdir -p /tmp/alize
. /opt/alize/broker-properties.sh
broker_properties :9092 kafka:9092 localhost:9093 "$DATA" "$(password admin)" > "$CONFIG"
# The healthcheck's client configuration.
cat > /tmp/alize/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alize-admin" password="$(password admin)";
PROPS

if [ ! -f "$DATA/meta.properties" ]; then
  scram=()
  for who in "${PRINCIPALS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=alize-$who,password=$(password "$who")]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c "$CONFIG" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"
