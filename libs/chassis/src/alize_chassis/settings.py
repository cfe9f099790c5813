"""Settings every service reads from its environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from alize_chassis.db import with_password
from alize_chassis.kafka_client import KafkaClientSettings
from alize_chassis.topics import TopicPolicy


class KafkaTopicSettings(KafkaClientSettings):
    """A Kafka client that creates platform topics: the policy it creates them with."""

    kafka_partitions: int = Field(default=3, ge=1, description="For topics this service creates.")
    kafka_replication_factor: int = Field(default=1, ge=1)
    kafka_retention_ms: int = Field(
        default=-1,
        ge=-1,
        description="How long topics keep events; -1 (the default) keeps them forever. A finite value "
        "means metrics-replay and subscribers joining later miss older events.",
    )
    kafka_max_message_bytes: int = Field(
        default=1_048_588, ge=64 * 1024, description="The largest record an event topic accepts."
    )

    @property
    def topic_policy(self) -> TopicPolicy:
        return TopicPolicy(
            partitions=self.kafka_partitions,
            replication_factor=self.kafka_replication_factor,
            retention_ms=self.kafka_retention_ms,
            max_message_bytes=self.kafka_max_message_bytes,
        )


class ServiceSettings(KafkaTopicSettings):
    """Common settings. Each service names its own `service_name` and `db_schema`.

    Telemetry is configured only through the standard `OTEL_*` variables. Kafka's
    connection and credentials are `KafkaClientSettings`' (the principal defaults
    to `alize-<service_name>`).
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    service_name: str
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:55432/alize",
        description="The service's own role on the database (it owns the service's schema and reads "
        "nothing else); its password here or in database_password_file.",
    )
    database_password_file: Path | None = Field(
        default=None,
        description="A file holding the password of database_url's user (a mounted secret); "
        "it replaces any password in database_url.",
    )
    db_schema: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    db_pool_max_size: int = 10
    relay_batch_size: int = 200
    outbox_retention_hours: float = Field(default=168, description="Published outbox rows are kept this long.")
    relay_poll_seconds: float = Field(default=1.0, description="Fallback poll when no NOTIFY arrives.")
    consumer_max_attempts: int = Field(
        default=5, ge=1, description="Attempts before a message goes to the dead-letter topic."
    )
    max_request_body_bytes: int = Field(
        default=1_048_576, ge=0, description="Larger request bodies are refused with 413, counted as they arrive."
    )
    oidc_issuer: str = Field(
        default="http://127.0.0.1:58080/realms/alize",
        description="The OpenID Connect issuer whose tokens the service accepts (its `iss`, as callers see it).",
    )
    oidc_audience: str | None = Field(default=None, description="The `aud` tokens must carry; 'alize-<service>'.")
    oidc_jwks_url: str | None = Field(
        default=None,
        description="Where the issuer's keys are fetched, when not where its discovery document says "
        "(e.g. the issuer's address inside a compose network).",
    )
    oidc_docs_client_id: str = Field(default="alize-docs", description="The public client /docs signs in with.")
    consumer_group_suffix: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Consumer groups are 'alize.<service>', or 'alize.<service>.<suffix>' with a suffix (tests): "
        "the service's principal may only use groups under the 'alize.<service>' prefix.",
    )

    @property
    def database_dsn(self) -> str:
        """database_url with the password of database_password_file, if any: what to connect with."""
        if self.database_password_file is None:
            return self.database_url
        password = self.database_password_file.read_text().strip()
        return with_password(self.database_url, password)

    @property
    def kafka_principal(self) -> str:
        return self.kafka_username or f"alize-{self.service_name}"

    @property
    def audience(self) -> str:
        return self.oidc_audience or f"alize-{self.service_name}"

    @property
    def consumer_group(self) -> str:
        group = f"alize.{self.service_name}"
        return f"{group}.{self.consumer_group_suffix}" if self.consumer_group_suffix else group
