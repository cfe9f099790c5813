"""Who may do what on the platform's Kafka, declared once, and the admin step that
applies it (`alize-kafka-provision`): every platform topic with its policy, and
the ACLs of each service's principal (`User:alize-<service>`).

- a topic's owner (`alize.<owner>.<stream>`, the service whose events it carries)
  is the only principal that may write it, and may create it and correct its
  configuration;
- a service reads the topics it subscribes to (`SUBSCRIPTIONS`, checked against
  the service's own `Subscription` when its app is built) and writes their
  dead-letter topics, where its consumer parks what it cannot process;
- a service joins only its own consumer groups, `alize.<service>` and
  `alize.<service>.<suffix>` (a PREFIXED pattern);
- producers are idempotent (IdempotentWrite on the cluster).

With `allow.everyone.if.no.acl.found=false` on the broker everything else is
refused: a JobDeclared forged by intake's or metrics' principal never reaches
`alize.missions.jobs`. Provisioning only adds ACLs (an ACL removed from this table
must be deleted on the broker by hand); it is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest
from alize_contracts import topics

from alize_chassis.kafka_client import kafka_client_args
from alize_chassis.settings import KafkaTopicSettings
from alize_chassis.topics import ensure_topics, platform_topics

log = logging.getLogger(__name__)

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "intake": (topics.PROJECTS,),
    "committee": (topics.CALLS, topics.APPLICATIONS, topics.ADVANCES),
    "missions": (topics.PROJECTS,),
    "metrics": topics.ALL,
}
"""The topics each service consumes (the services' `Subscription`s must stay inside these)."""

SERVICES: tuple[str, ...] = tuple(SUBSCRIPTIONS)


def principal(service: str) -> str:
    """A service's Kafka user name (SASL)."""
    return f"alize-{service}"


def owner(topic: str) -> str:
    """The service whose events a contract topic (or its dead-letter topic) carries."""
    return topic.split(".")[1]


def owned_topics(service: str) -> list[str]:
    """The contract topics a service publishes to, and their dead-letter topics."""
    owned = [t for t in topics.ALL if owner(t) == service]
    return [*owned, *(topics.dead_letter(t) for t in owned)]


def group_prefix(service: str) -> str:
    return f"alize.{service}"


ResourceType = Literal["TOPIC", "GROUP", "CLUSTER"]
Operation = Literal["READ", "WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE"]


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW binding: `principal` may `operation` on the resource (from any host)."""

    principal: str
    resource_type: ResourceType
    resource_name: str
    operation: Operation
    pattern: Literal["LITERAL", "PREFIXED"] = "LITERAL"

    def __str__(self) -> str:
        return (
            f"User:{self.principal} {self.operation} {self.resource_type}:{self.resource_name}"
            f"{' (prefixed)' if self.pattern == 'PREFIXED' else ''}"
        )


def service_acls(service: str) -> list[Acl]:
    user = principal(service)
    acls = [Acl(user, "CLUSTER", "kafka-cluster", "IDEMPOTENT_WRITE")]
    for topic in owned_topics(service):
        acls += [
            Acl(user, "TOPIC", topic, op) for op in ("WRITE", "DESCRIBE", "CREATE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS")
        ]
    for topic in SUBSCRIPTIONS[service]:
        acls += [Acl(user, "TOPIC", topic, op) for op in ("READ", "DESCRIBE", "DESCRIBE_CONFIGS")]
        acls += [Acl(user, "TOPIC", topics.dead_letter(topic), op) for op in ("WRITE", "DESCRIBE")]
    acls += [Acl(user, "GROUP", group_prefix(service), op, "PREFIXED") for op in ("READ", "DESCRIBE")]
    return sorted(set(acls))


def platform_acls(services: Iterable[str] = SERVICES) -> list[Acl]:
    return [acl for service in services for acl in service_acls(service)]


# Kafka's wire codes (org.apache.kafka.common.resource / acl).
_RESOURCE = {"TOPIC": 2, "GROUP": 3, "CLUSTER": 4}
_PATTERN = {"LITERAL": 3, "PREFIXED": 4}
_OPERATION = {
    "READ": 3,
    "WRITE": 4,
    "CREATE": 5,
    "DESCRIBE": 8,
    "DESCRIBE_CONFIGS": 10,
    "ALTER_CONFIGS": 11,
    "IDEMPOTENT_WRITE": 12,
}
_ALLOW = 3
_SECURITY_DISABLED = 54


class AclsRefused(RuntimeError):
    """The broker refused to create an ACL."""


async def apply_acls(admin_settings: KafkaTopicSettings, acls: Sequence[Acl]) -> bool:
    """Create the ACLs (existing ones are left as they are). False when the broker has
    no authorizer (a throwaway test broker): there is nothing to apply then."""
    admin = AIOKafkaAdminClient(**kafka_client_args(admin_settings))
    await admin.start()
    try:
        for acl in acls:
            request = CreateAclsRequest(
                _RESOURCE[acl.resource_type],
                acl.resource_name,
                _PATTERN[acl.pattern],
                f"User:{acl.principal}",
                "*",
                _OPERATION[acl.operation],
                _ALLOW,
            )
            response = await admin._send_request(request)
            for error_code, message in response.creation_responses:
                if error_code == _SECURITY_DISABLED:
                    log.warning("the broker has no authorizer: ACLs not applied")
                    return False
                if error_code:
                    raise AclsRefused(f"cannot create ACL {acl}: {message or error_code}")
    finally:
        await admin.close()
    return True


async def provision(admin_settings: KafkaTopicSettings) -> None:
    """The admin step: every platform topic with the policy, then every service's ACLs."""
    await ensure_topics(admin_settings, platform_topics(), admin_settings.topic_policy)
    acls = platform_acls()
    if await apply_acls(admin_settings, acls):
        log.info("%d ACLs in place for %s", len(acls), ", ".join(principal(s) for s in SERVICES))


def main() -> None:
    """`alize-kafka-provision`: run with an admin principal's KAFKA_* settings
    (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_USERNAME, KAFKA_PASSWORD_FILE…)
    and the topic policy's (KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR…); `--print` lists the
    ACLs instead (for a managed Kafka whose ACLs live elsewhere)."""
    import sys

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    if "--print" in sys.argv[1:]:
        for acl in platform_acls():
            print(acl)
        return
    asyncio.run(provision(KafkaTopicSettings()))


if __name__ == "__main__":
    main()
