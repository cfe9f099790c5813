"""Topics keep the history: created with the platform's configuration, read back
from the broker, and corrected at start when someone changed them."""

from __future__ import annotations

import logging

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from alize_chassis.topics import TopicMisconfigured, TopicPolicy, ensure_topics, topic_configs
from alize_contracts.topics import dead_letter
from devstack.infra import Infra, admin_kafka
from devstack.testing import kafka_args

pytestmark = pytest.mark.infra

SEVEN_DAYS_MS = str(7 * 24 * 3600 * 1000)


async def _configs(bootstrap: str, names: list[str]) -> dict[str, dict[str, str]]:
    admin = AIOKafkaAdminClient(**kafka_args(bootstrap))
    await admin.start()
    try:
        return await topic_configs(admin, names)
    finally:
        await admin.close()


async def test_topics_keep_every_event_and_drifted_ones_are_corrected_at_start(
    infrastructure: Infra, isolation_id: str
) -> None:
    bootstrap = infrastructure.kafka_bootstrap_servers
    topic = f"test.topics.{isolation_id}"
    names = [topic, dead_letter(topic)]
    await ensure_topics(admin_kafka(bootstrap), names)

    configs = await _configs(bootstrap, names)
    for name in names:
        assert configs[name]["retention.ms"] == "-1"
        assert configs[name]["retention.bytes"] == "-1"
        assert configs[name]["cleanup.policy"] == "delete"
        assert configs[name]["min.insync.replicas"] == "1"
    assert configs[topic]["max.message.bytes"] == "1048588"
    # A dead letter is the original message plus headers: its topic takes more.
    assert int(configs[dead_letter(topic)]["max.message.bytes"]) > int(configs[topic]["max.message.bytes"])

    # Someone sets the broker's usual seven days on the topic: the next start corrects it.
    admin = AIOKafkaAdminClient(**kafka_args(bootstrap))
    await admin.start()
    try:
        await admin.alter_configs(
            [
                ConfigResource(
                    ConfigResourceType.TOPIC, topic, {"retention.ms": SEVEN_DAYS_MS, "compression.type": "gzip"}
                )
            ]
        )
    finally:
        await admin.close()
    assert (await _configs(bootstrap, [topic]))[topic]["retention.ms"] == SEVEN_DAYS_MS
    await ensure_topics(admin_kafka(bootstrap), names)
    corrected = (await _configs(bootstrap, [topic]))[topic]
    assert corrected["retention.ms"] == "-1"
    assert corrected["compression.type"] == "gzip"  # an operator's own setting is kept


async def test_a_finite_retention_is_applied_with_a_warning(
    infrastructure: Infra, isolation_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    topic = f"test.topics.finite.{isolation_id}"
    with caplog.at_level(logging.WARNING, logger="alize_chassis.topics"):
        await ensure_topics(infrastructure.kafka_admin(), [topic], TopicPolicy(retention_ms=86_400_000))
    assert (await _configs(infrastructure.kafka_bootstrap_servers, [topic]))[topic]["retention.ms"] == "86400000"
    assert any("metrics-replay" in r.getMessage() for r in caplog.records)


async def test_a_topic_with_fewer_replicas_than_required_stops_the_start(
    infrastructure: Infra, isolation_id: str
) -> None:
    topic = f"test.topics.replicas.{isolation_id}"
    await ensure_topics(infrastructure.kafka_admin(), [topic])  # one replica: the local broker
    with pytest.raises(TopicMisconfigured, match="replicas"):
        await ensure_topics(infrastructure.kafka_admin(), [topic], TopicPolicy(replication_factor=3))


def test_min_insync_replicas_leaves_room_for_one_replica_down() -> None:
    assert TopicPolicy(replication_factor=3).configs("t")["min.insync.replicas"] == "2"
    assert TopicPolicy(replication_factor=5).configs("t")["min.insync.replicas"] == "4"
    assert TopicPolicy(replication_factor=2).configs("t")["min.insync.replicas"] == "1"
    policy = TopicPolicy(max_message_bytes=2_000_000)
    assert policy.producer_max_request_bytes >= int(policy.configs(dead_letter("t"))["max.message.bytes"])
