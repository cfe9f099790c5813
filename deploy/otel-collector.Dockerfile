# The OpenTelemetry collector with something to run its healthcheck: the
# official image is FROM scratch (no shell, no HTTP client), so a static
# busybox is copied in and docker-compose.yml's healthcheck runs
# `/busybox wget` against the health_check extension (:13133, see
# otel-collector.yaml). Build context: deploy/.
ARG COLLECTOR_IMAGE=otel/opentelemetry-collector-contrib:0.115.0
ARG BUSYBOX_IMAGE=busybox:1.37.0-musl

FROM ${BUSYBOX_IMAGE} AS busybox

FROM ${COLLECTOR_IMAGE}
COPY --from=busybox /bin/busybox /busybox
