"""Creates the platform's topics (and their dead-letter topics) at start-up, so
no service depends on the broker auto-creating them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from alize_contracts import topics


def platform_topics() -> list[str]:
    """Every contract topic and its dead-letter topic."""
    return [*topics.ALL, *(topics.dead_letter(t) for t in topics.ALL)]


async def ensure_topics(
    bootstrap_servers: str, names: Iterable[str], partitions: int = 3, replication_factor: int = 1
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service won the race
                await admin.create_topics(
                    [NewTopic(n, num_partitions=partitions, replication_factor=replication_factor) for n in missing]
                )
    finally:
        await admin.close()
