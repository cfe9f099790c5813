"""How every Kafka client of the platform connects and authenticates: one set of
settings (`KafkaClientSettings`, which `ServiceSettings` extends) and one function
turning them into the client's security arguments, for FastStream's broker
(`kafka_security`) and for raw aiokafka clients (`kafka_client_args`).

The local broker and compose listen on SASL_PLAINTEXT with SCRAM-SHA-512, one
principal per service (`alize-<service>`); a managed Kafka typically wants
SASL_SSL (a CA file if its certificate is not publicly trusted) or SSL with a
client certificate (mTLS).
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Literal

from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]


class KafkaClientSettings(BaseSettings):
    """Where Kafka is and who the client is (env: `KAFKA_*`)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:59092")
    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT",
        description="PLAINTEXT (no authentication: a throwaway broker only), SASL_PLAINTEXT (the local broker "
        "and compose), SASL_SSL or SSL (mTLS, with KAFKA_SSL_CERTFILE/KAFKA_SSL_KEYFILE).",
    )
    kafka_sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    kafka_username: str | None = Field(
        default=None, description="The SASL principal; a service's default is alize-<service>."
    )
    kafka_password: SecretStr | None = None
    kafka_password_file: Path | None = Field(
        default=None, description="A file holding the password (a mounted secret); read when KAFKA_PASSWORD is unset."
    )
    kafka_ssl_cafile: Path | None = Field(
        default=None, description="CA bundle to trust (SASL_SSL, SSL); default: the system's."
    )
    kafka_ssl_certfile: Path | None = Field(default=None, description="Client certificate (mTLS).")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="Client certificate's private key (mTLS).")

    @property
    def kafka_principal(self) -> str | None:
        return self.kafka_username

    def kafka_secret(self) -> str | None:
        if self.kafka_password is not None:
            return self.kafka_password.get_secret_value()
        if self.kafka_password_file is not None:
            return self.kafka_password_file.read_text().strip()
        return None


def _ssl_context(settings: KafkaClientSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)
    if settings.kafka_ssl_certfile is not None:
        context.load_cert_chain(
            str(settings.kafka_ssl_certfile), str(settings.kafka_ssl_keyfile) if settings.kafka_ssl_keyfile else None
        )
    return context


_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def kafka_security(settings: KafkaClientSettings) -> BaseSecurity | None:
    """FastStream's security object for these settings (None for PLAINTEXT)."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    use_ssl = protocol in ("SASL_SSL", "SSL")
    context = _ssl_context(settings) if use_ssl else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    username, password = settings.kafka_principal, settings.kafka_secret()
    if not username or password is None:
        raise ValueError(f"{protocol} needs KAFKA_USERNAME and KAFKA_PASSWORD (or KAFKA_PASSWORD_FILE)")
    return _SASL[settings.kafka_sasl_mechanism](username, password, ssl_context=context, use_ssl=use_ssl)


def kafka_client_args(settings: KafkaClientSettings) -> dict[str, Any]:
    """The keyword arguments of an aiokafka client (producer, consumer, admin) for these settings."""
    return {"bootstrap_servers": settings.kafka_bootstrap_servers, **parse_security(kafka_security(settings))}
