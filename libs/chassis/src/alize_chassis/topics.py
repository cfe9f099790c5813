"""Creates the platform's topics (and their dead-letter topics) at start-up, so
no service depends on the broker auto-creating them."""

from __future__ import annotations

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from alize_contracts import topics


async def ensure_topics(bootstrap_servers: str, partitions: int, replication_factor: int) -> None:
    names = [*topics.ALL, *(topics.dead_letter(t) for t in topics.ALL)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service won the race
                await admin.create_topics(
                    [
                        NewTopic(n, num_partitions=partitions, replication_factor=replication_factor)
                        for n in missing
                    ]
                )
    finally:
        await admin.close()
