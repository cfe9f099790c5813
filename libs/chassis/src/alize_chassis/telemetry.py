"""OpenTelemetry tracing, configured only through the standard OTEL_* variables.

- OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES name the service;
- OTEL_TRACES_EXPORTER=otlp (default when OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT is
  set) or none; OTEL_EXPORTER_OTLP_* configure the OTLP/HTTP exporter;
- OTEL_SDK_DISABLED=true turns tracing off; OTEL_BSP_* tune batching.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def _exporter_wanted() -> bool:
    choice = os.environ.get("OTEL_TRACES_EXPORTER")
    if choice is not None:
        return choice.strip().lower() == "otlp"
    return any(os.environ.get(v) for v in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def configure_tracing(default_service_name: str) -> TracerProvider | None:
    """Install a global tracer provider once per process; None when disabled."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    if "service.name=" not in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", ""):
        os.environ.setdefault("OTEL_SERVICE_NAME", default_service_name)
    resource = Resource.create()
    provider = TracerProvider(resource=resource)
    if _exporter_wanted():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    return provider


def instrument(app: FastAPI, provider: TracerProvider | None) -> list[KafkaTelemetryMiddleware]:
    """Instrument the HTTP app; return the Kafka middlewares to give the broker."""
    if provider is None:
        return []
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, exclude_spans=["receive", "send"])
    return [KafkaTelemetryMiddleware(tracer_provider=provider)]
