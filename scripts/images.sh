#!/usr/bin/env bash
# Builds the four service images (services/*/Dockerfile) on a machine with no
# Docker engine and no registry: Debian's buildah, chroot isolation, on a base
# image made here from Debian's packages. Docker hosts need none of this:
# `docker build -f services/<name>/Dockerfile .` (or `docker compose build`)
# uses the Dockerfiles' default base, the public python:3.11-slim.
#
#   scripts/images.sh          # base (cached) + the four images; prints each step's time
#   scripts/images.sh base     # only the base image; prints its name
#
# 1. mmdebstrap makes a bookworm rootfs with python3, python3-venv and
#    ca-certificates (plus the host's own CAs from /usr/local/share/ca-certificates,
#    so builds work behind a TLS-inspecting proxy). Cached in .local/images/
#    for a week, keyed by its package list.
# 2. podman imports it as localhost/alize-base:<key>.
# 3. buildah bud --isolation chroot --build-arg BASE_IMAGE=<that> builds
#    localhost/alize-<service>:$ALIZE_IMAGE_TAG (default "local"), keeping layers
#    so an unchanged image rebuilds in seconds.
# tests/test_images.py starts each image's CMD (pytest -m images).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ALIZE_STATE_DIR:-$ROOT/.local}/images
TAG=${ALIZE_IMAGE_TAG:-local}
SERVICES=(intake committee missions metrics)
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
BASE_PACKAGES=python3,python3-venv,ca-certificates,passwd
BASE_MAX_AGE_DAYS=7

log() { printf '[images] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%6.1f s", now - start }'; }

# Prints how long a step took: timed "label" command...
timed() {
  local label=$1 start
  shift
  start=$(date +%s.%N)
  "$@"
  log "$(printf '%-28s %s' "$label" "$(since "$start")")"
}

install_tools() {
  local missing=()
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v podman >/dev/null || missing+=(podman)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # Debian's default ulimits cannot be applied with chroot isolation.
  mkdir -p "$STATE"
  printf '[containers]\ndefault_ulimits = []\n' > "$STATE/containers.conf"
  export CONTAINERS_CONF=$STATE/containers.conf
}

base_key() {
  { echo "$SUITE $MIRROR $BASE_PACKAGES"; cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true; } \
    | sha256sum | head -c 12
}

build_rootfs() {
  local tar=$1 partial=${1%.tar}.partial.tar
  rm -rf "$tar" "$partial"
  # The host's extra CAs go into the rootfs' trust store (none on most machines).
  as_root mmdebstrap --quiet --variant=apt --include="$BASE_PACKAGES" \
    --customize-hook='if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/";
        chroot "$1" update-ca-certificates >/dev/null 2>&1; fi' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$SUITE" "$partial" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
    "deb http://deb.debian.org/debian-security $SUITE-security main" >&2
  mv "$partial" "$tar"
}

# Sets BASE to the local base image's name, building what is missing.
ensure_base() {
  local key tar
  key=$(base_key)
  tar=$STATE/base-$SUITE-$key.tar
  BASE=localhost/alize-base:$SUITE-$key
  if [ -f "$tar" ] && [ -n "$(find "$tar" -mtime +"$BASE_MAX_AGE_DAYS")" ]; then
    log "base rootfs older than $BASE_MAX_AGE_DAYS days: rebuilding it (security updates)"
    rm -f "$tar"
    podman rmi -f "$BASE" >/dev/null 2>&1 || true
  fi
  if [ -f "$tar" ]; then
    log "base rootfs: cached ($tar)"
  else
    rm -f "$STATE"/base-*.tar
    timed "base rootfs (mmdebstrap)" build_rootfs "$tar"
  fi
  if podman image exists "$BASE"; then
    log "base image: cached ($BASE)"
  else
    # Python finds pip's and uv's CA bundle through these on any base.
    timed "base image (podman import)" podman import --quiet \
      --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
      --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" \
      --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      "$tar" "$BASE" >/dev/null
  fi
}

build_image() {
  local name=$1 image=localhost/alize-$1:$TAG before
  before=$(buildah images --quiet --no-trunc "$image" 2>/dev/null || true)
  # Docker's format keeps the HEALTHCHECK (OCI's has no field for it).
  buildah bud --quiet --isolation chroot --layers --format docker \
    --build-arg BASE_IMAGE="$BASE" \
    -f "$ROOT/services/$name/Dockerfile" -t "$image" "$ROOT" \
    >"$STATE/build-$name.log" 2>&1 || { tail -n 40 "$STATE/build-$name.log" >&2; return 1; }
  # The image this one replaces (its layers stay cached while a newer build uses them).
  if [ -n "$before" ] && [ "$before" != "$(buildah images --quiet --no-trunc "$image")" ]; then
    buildah rmi "$before" >/dev/null 2>&1 || true
  fi
}

main() {
  local start name
  start=$(date +%s.%N)
  install_tools
  ensure_base
  [ "${1:-all}" = base ] && { echo "$BASE"; return; }
  for name in "${SERVICES[@]}"; do
    timed "image alize-$name:$TAG" build_image "$name"
  done
  log "$(printf '%-28s %s' total "$(since "$start")")"
}

main "$@"
