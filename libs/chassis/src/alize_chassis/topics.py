"""Creates the platform's topics (and their dead-letter topics) at start-up with the
configuration the platform relies on, and corrects existing ones, so no service
depends on the broker's defaults.

The topics are the system of record for the read models (`metrics-replay`
rebuilds them from the topics) and for every subscriber joining later: by
default they keep every event forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError
from alize_contracts import topics

from alize_chassis.kafka_client import KafkaClientSettings, kafka_client_args

log = logging.getLogger(__name__)

DEAD_LETTER_HEADROOM_BYTES = 64 * 1024
"""How much larger a dead-letter topic's messages may be than its source topic's:
room for the kafka_dlt-* headers added to a message that was at the limit."""


def platform_topics() -> list[str]:
    """Every contract topic and its dead-letter topic."""
    return [*topics.ALL, *(topics.dead_letter(t) for t in topics.ALL)]


def is_dead_letter(topic: str) -> bool:
    return topic.endswith(topics.dead_letter(""))


class TopicMisconfigured(RuntimeError):
    """An existing topic the platform cannot correct by itself (the service refuses to start)."""


@dataclass(frozen=True)
class TopicPolicy:
    """What every platform topic is created with and corrected to at start."""

    partitions: int = 3
    replication_factor: int = 1
    retention_ms: int = -1
    """-1 keeps every event forever (the default): replay and late subscribers need the history."""
    max_message_bytes: int = 1_048_588
    """The largest record an event topic accepts (Kafka's own default); producers are
    sized to it (`producer_max_request_bytes`)."""

    def configs(self, topic: str) -> dict[str, str]:
        max_bytes = self.max_message_bytes + (DEAD_LETTER_HEADROOM_BYTES if is_dead_letter(topic) else 0)
        return {
            "cleanup.policy": "delete",
            "retention.ms": str(self.retention_ms),
            "retention.bytes": "-1",
            # With three replicas or more, an acknowledged write survives losing one.
            "min.insync.replicas": str(self.replication_factor - 1 if self.replication_factor >= 3 else 1),
            "max.message.bytes": str(max_bytes),
        }

    @property
    def producer_max_request_bytes(self) -> int:
        """A producer's limit: the largest record it may send (a dead letter)."""
        return self.max_message_bytes + DEAD_LETTER_HEADROOM_BYTES


async def ensure_topics(client: KafkaClientSettings, names: Iterable[str], policy: TopicPolicy | None = None) -> None:
    """Create the missing topics and correct the configuration of existing ones
    (the client's principal needs CREATE, DESCRIBE_CONFIGS and ALTER_CONFIGS on them).

    A topic with fewer replicas than the policy asks for cannot be corrected here:
    the service refuses to start rather than run with weaker durability.
    """
    policy = policy or TopicPolicy()
    names = list(names)
    if policy.retention_ms >= 0:
        log.warning(
            "topics keep events for %d ms only (retention.ms): metrics-replay and subscribers joining later "
            "will miss older events",
            policy.retention_ms,
        )
    admin = AIOKafkaAdminClient(**kafka_client_args(client))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        if missing := [n for n in names if n not in existing]:
            response = await admin.create_topics(
                [
                    NewTopic(
                        n,
                        num_partitions=policy.partitions,
                        replication_factor=policy.replication_factor,
                        topic_configs=policy.configs(n),
                    )
                    for n in missing
                ]
            )
            for topic, error_code, *_ in response.topic_errors:
                # Already there: another service (or the broker's auto-creation) won the race;
                # its configuration is checked below like any other.
                if error_code not in (0, TopicAlreadyExistsError.errno):
                    raise TopicMisconfigured(f"cannot create topic {topic} (Kafka error {error_code})")
        # Replicas of topics created just now may not be in the metadata yet; they have the policy's.
        if present := [n for n in names if n in existing]:
            await _check_replicas(admin, present, policy)
        await _correct_configs(admin, names, policy)
    finally:
        await admin.close()


async def check_topics(client: KafkaClientSettings, names: Iterable[str], policy: TopicPolicy | None = None) -> None:
    """Check that topics another service owns exist, with enough replicas (a service
    may read them, not create them: `alize-kafka-provision` or their owner does)."""
    policy = policy or TopicPolicy()
    names = list(names)
    admin = AIOKafkaAdminClient(**kafka_client_args(client))
    await admin.start()
    try:
        for attempt in range(50):
            missing = sorted(set(names) - set(await admin.list_topics()))
            if not missing:
                break
            if attempt == 0:
                log.info("waiting for topics %s (created by their owner or by alize-kafka-provision)", missing)
            await asyncio.sleep(0.2)
        else:
            raise TopicMisconfigured(
                f"topics {missing} do not exist or this principal may not see them: run alize-kafka-provision"
            )
        await _check_replicas(admin, names, policy)
    finally:
        await admin.close()


async def _check_replicas(admin: AIOKafkaAdminClient, names: list[str], policy: TopicPolicy) -> None:
    for described in await admin.describe_topics(names):
        partitions = described["partitions"]
        replicas = min((len(p["replicas"]) for p in partitions), default=0)
        if replicas < policy.replication_factor:
            raise TopicMisconfigured(
                f"topic {described['topic']} has {replicas} replicas, the platform requires "
                f"{policy.replication_factor} (KAFKA_REPLICATION_FACTOR): reassign its partitions first"
            )
        if len(partitions) < policy.partitions:
            # Adding partitions would move keys to other partitions and break their order.
            log.warning(
                "topic %s has %d partitions, fewer than %d: left as it is",
                described["topic"],
                len(partitions),
                policy.partitions,
            )


_DYNAMIC_TOPIC_CONFIG = 1
"""DescribeConfigs' config_source for a value set on the topic itself (an override)."""


async def _describe(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, tuple[str, bool]]]:
    """Each topic's configuration: key -> (value, set on the topic itself)."""
    for _ in range(20):
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
        found: dict[str, dict[str, tuple[str, bool]]] = {}
        for response in responses:
            for error_code, _message, _type, name, entries in (r[:5] for r in response.resources):
                if error_code not in (0, UnknownTopicOrPartitionError.errno):
                    raise TopicMisconfigured(f"cannot read the config of topic {name} (Kafka error {error_code})")
                if error_code == 0:
                    # entry[3]: is_default (a bool, DescribeConfigs v0) or config_source (v1 and later)
                    found[name] = {
                        e[0]: (e[1], (not e[3]) if isinstance(e[3], bool) else e[3] == _DYNAMIC_TOPIC_CONFIG)
                        for e in entries
                    }
        if len(found) == len(set(names)):
            return found
        await asyncio.sleep(0.2)  # created a moment ago, not known to this broker yet
    raise TopicMisconfigured(f"topics {sorted(set(names) - set(found))} are unknown to the broker")


async def topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """The configuration the broker reports for each topic (every key, defaults included)."""
    return {name: {k: v for k, (v, _) in entries.items()} for name, entries in (await _describe(admin, names)).items()}


async def _correct_configs(admin: AIOKafkaAdminClient, names: list[str], policy: TopicPolicy) -> None:
    described = await _describe(admin, names)
    corrections = []
    for name in names:
        actual = {k: v for k, (v, _) in described[name].items()}
        drift = {k: actual.get(k) for k, v in policy.configs(name).items() if actual.get(k) != v}
        if not drift:
            continue
        log.warning("topic %s: correcting %s", name, ", ".join(f"{k}={v}" for k, v in drift.items()))
        # AlterConfigs replaces a topic's whole set of overrides: keep the others (say, an
        # operator's compression.type) and put the policy's over them.
        overrides = {k: v for k, (v, on_topic) in described[name].items() if on_topic}
        corrections.append(ConfigResource(ConfigResourceType.TOPIC, name, {**overrides, **policy.configs(name)}))
    if not corrections:
        return
    for response in await admin.alter_configs(corrections):
        for error_code, message, _type, name, *_ in response.resources:
            if error_code:
                raise TopicMisconfigured(f"cannot correct the configuration of topic {name}: {message or error_code}")
