"""Kafka is locked down: each service authenticates as its own principal and the
broker's ACLs (alize_chassis.kafka_acls, applied by alize-kafka-provision) let it write
only its own topics, read only what it subscribes to and join only its own
consumer groups. A forged event — a JobDeclared sent straight to Kafka by another
principal than missions' — is refused by the broker and never reaches a reader."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.conn import create_conn
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    UnsupportedSaslMechanismError,
)
from aiokafka.protocol.admin import DescribeConfigsRequest
from alize_chassis import kafka_acls
from alize_chassis.kafka_client import KafkaClientSettings, kafka_client_args
from alize_chassis.wire import to_kafka
from alize_contracts import JobDeclared, Jobs, topics
from devstack.infra import Infra
from devstack.testing import read_topic, unavailable

BROKER_RESOURCE = 4  # DescribeConfigs' resource type for a broker


def _as(infrastructure: Infra, service: str) -> KafkaClientSettings:
    return KafkaClientSettings(**infrastructure.kafka_settings(service))


@pytest.fixture
def secured(infrastructure: Infra) -> Infra:
    if infrastructure.kafka_security_protocol == "PLAINTEXT":
        unavailable("this broker has no authentication nor ACLs (a throwaway container): nothing to prove here")
    return infrastructure


def _job_declared(territory: str) -> JobDeclared:
    return JobDeclared(
        territory=territory,
        declaration_id=uuid4(),
        application_id=uuid4(),
        firm_id="404833048",
        as_of=date.today(),
        jobs=Jobs(created=500, maintained=0),
    )


async def _publish(client: KafkaClientSettings, event: JobDeclared, event_id: UUID) -> None:
    message = to_kafka(event, event_id=event_id, service="missions", time=datetime.now(UTC))
    key = message.key.encode() if isinstance(message.key, str) else message.key
    producer = AIOKafkaProducer(**kafka_client_args(client), enable_idempotence=True, request_timeout_ms=10_000)
    await producer.start()
    try:
        await producer.send_and_wait(event.TOPIC, message.value, key=key, headers=list(message.headers.items()))
    finally:
        await producer.stop()


@pytest.mark.parametrize("forger", ["intake", "metrics", "committee"])
async def test_a_job_declaration_forged_by_another_principal_is_refused_and_never_read(
    secured: Infra, territory: str, forger: str
) -> None:
    forged, genuine = uuid4(), uuid4()
    with pytest.raises(TopicAuthorizationFailedError):
        await _publish(_as(secured, forger), _job_declared(territory), forged)
    # The owner's own principal may: the refusal above is the ACL's, not a broken client.
    await _publish(_as(secured, "missions"), _job_declared(territory), genuine)

    ids = {h.get("ce_id") for h, _ in await read_topic(secured.kafka_bootstrap_servers, topics.JOBS)}
    assert str(genuine).encode() in ids
    assert str(forged).encode() not in ids


async def test_a_service_reads_only_the_topics_it_subscribes_to(secured: Infra) -> None:
    # Intake reads the committee's projects, not missions' jobs.
    reader = AIOKafkaConsumer(topics.JOBS, **kafka_client_args(_as(secured, "intake")), enable_auto_commit=False)
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await reader.start()
            await reader.getmany(timeout_ms=2000)
    finally:
        await reader.stop()


async def test_a_service_cannot_join_another_services_consumer_group(secured: Infra) -> None:
    # Missions' group would commit offsets for missions: intake may not use it, even on a topic both read.
    reader = AIOKafkaConsumer(
        topics.PROJECTS, **kafka_client_args(_as(secured, "intake")), group_id=f"alize.missions.{uuid4().hex[:8]}"
    )
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            await reader.start()
            await reader.getmany(timeout_ms=2000)
    finally:
        await reader.stop()


async def test_an_unauthenticated_client_or_a_wrong_password_is_refused(secured: Infra) -> None:
    wrong = KafkaClientSettings(**{**secured.kafka_settings("missions"), "kafka_password": "not-the-password"})
    for client in (KafkaClientSettings(kafka_bootstrap_servers=secured.kafka_bootstrap_servers), wrong):
        producer = AIOKafkaProducer(**kafka_client_args(client), request_timeout_ms=5000)
        try:
            with pytest.raises(KafkaConnectionError):
                await producer.start()
        finally:
            await producer.stop()


async def test_the_controller_listener_answers_no_one_but_the_broker(secured: Infra) -> None:
    """The KRaft controller's listener (scripts/infra.sh: the client port + 1, on loopback) takes only the
    broker's own principal: an anonymous connection asking it for the broker's configuration (a request
    controllers answer, KIP-919) is closed; a service's credentials are refused (SCRAM is not offered there,
    and PLAIN knows only the broker's own principal)."""
    host, port = secured.kafka_bootstrap_servers.rsplit(":", 1)
    service = kafka_client_args(_as(secured, "missions"))
    sasl = {k: v for k, v in service.items() if k.startswith("sasl_") or k == "security_protocol"}
    refused = (KafkaConnectionError, UnsupportedSaslMechanismError, SaslAuthenticationFailed)
    for credentials in ({}, sasl, {**sasl, "sasl_mechanism": "PLAIN"}):
        connection = None
        with pytest.raises(refused) as raised:
            connection = await create_conn(host, int(port) + 1, request_timeout_ms=5000, **credentials)
            await connection.send(DescribeConfigsRequest([(BROKER_RESOURCE, "1", None)]))
        if connection is not None:
            connection.close()
        assert credentials or raised.type is KafkaConnectionError


@pytest.mark.parametrize("service", ["intake", "committee", "missions", "metrics"])
def test_each_service_subscribes_to_what_its_acls_let_it_read(service: str) -> None:
    app = importlib.import_module(f"{service}.app").create_app()
    subscription = app.state.runtime.subscription
    assert sorted(subscription.topics) == sorted(kafka_acls.SUBSCRIPTIONS[service])


def _writers(topic: str) -> set[str]:
    return {
        acl.principal
        for acl in kafka_acls.platform_acls()
        if acl.resource_type == "TOPIC"
        and acl.operation in ("WRITE", "ALL")
        and (topic == acl.resource_name or (acl.pattern == "PREFIXED" and topic.startswith(acl.resource_name)))
    }


def test_only_a_topics_owner_may_write_it() -> None:
    for topic in topics.ALL:
        assert _writers(topic) == {kafka_acls.principal(kafka_acls.owner(topic))}, topic
    # A dead-letter topic takes what its topic's readers could not process.
    assert _writers(topics.dead_letter(topics.JOBS)) == {"alize-missions", "alize-metrics"}
    groups = {
        (a.principal, a.resource_name, a.pattern) for a in kafka_acls.platform_acls() if a.resource_type == "GROUP"
    }
    assert groups == {(kafka_acls.principal(s), f"alize.{s}", "PREFIXED") for s in kafka_acls.SERVICES}
