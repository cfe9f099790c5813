#!/usr/bin/env bash
# The compose broker (apache/kafka image), locked down like scripts/infra.sh's:
# a SASL_PLAINTEXT listener with SCRAM-SHA-512, the StandardAuthorizer refusing
# whatever has no ACL, alize-admin as the super user. The controller listener
# is bound to the container's loopback, out of the other containers' reach.
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
cat > "$CONFIG" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=SASL_PLAINTEXT://:9092,CONTROLLER://localhost:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alize-admin" password="$(password admin)";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:alize-admin;User:ANONYMOUS
log.dirs=$DATA
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.ms=-1
PROPS
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
