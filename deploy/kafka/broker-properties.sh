# The broker's configuration, written once for both brokers: the local one
# (scripts/infra.sh) and compose's (start-broker.sh) source this file and call
#   broker_properties CLIENT_LISTENER ADVERTISED CONTROLLER DATA_DIR ADMIN_PASSWORD
# e.g. broker_properties 127.0.0.1:59092 127.0.0.1:59092 127.0.0.1:59093 /data "$pw" > server.properties
#
# Locked down like a production cluster: clients authenticate with SCRAM-SHA-512
# on the one client listener; the StandardAuthorizer refuses whatever no ACL
# (alize_chassis.kafka_acls) allows; alize-admin is the super user. The KRaft
# controller listener is bound to loopback and authenticates too: SASL/PLAIN
# for alize-controller, the broker's own principal towards its controller, with
# a password made afresh at each start (only this process knows it). No
# connection is ever ANONYMOUS.
broker_properties() {
  local client=$1 advertised=$2 controller=$3 data=$4 admin=$5 internal
  internal=$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)
  cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$controller
listeners=SASL_PLAINTEXT://$client,CONTROLLER://$controller
advertised.listeners=SASL_PLAINTEXT://$advertised
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alize-admin" password="$admin";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alize-controller" password="$internal" user_alize-controller="$internal";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:alize-admin;User:alize-controller
log.dirs=$data
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
}
