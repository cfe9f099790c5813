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
# 1. mmdebstrap makes a bookworm rootfs with python3, python3-venv, passwd (the
#    images add their user) and ca-certificates (plus the host's own CAs from /usr/local/share/ca-certificates,
#    so builds work behind a TLS-inspecting proxy). Cached in .local/images/,
#    keyed by its package list and the week (renewed weekly for security updates).
# 2. podman imports it as localhost/alize-base:<key> (once there, the tar is not read).
# 3. buildah bud --isolation chroot --build-arg BASE_IMAGE=<that> builds
#    localhost/alize-<service>:$ALIZE_IMAGE_TAG (default "local"), keeping layers
#    so an unchanged image rebuilds in seconds.
# tests/test_images.py starts each image's CMD (pytest -m images).
# Runs as root (through sudo otherwise): the images go to root's storage, where
# the test, which needs root for chroot, opens them.
set -euo pipefail
[ "$(id -u)" = 0 ] || exec sudo --preserve-env=ALIZE_STATE_DIR,ALIZE_IMAGE_TAG bash "$0" "$@"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ALIZE_STATE_DIR:-$ROOT/.local}/images
TAG=${ALIZE_IMAGE_TAG:-local}
SERVICES=(intake committee missions metrics)
SUITE=bookworm
BASE_PACKAGES=python3,python3-venv,ca-certificates,passwd

log() { printf '[images] %s\n' "$*" >&2; }

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
    apt-get update -qq
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # Debian's default ulimits cannot be applied with chroot isolation.
  mkdir -p "$STATE"
  printf '[containers]\ndefault_ulimits = []\n' > "$STATE/containers.conf"
  export CONTAINERS_CONF=$STATE/containers.conf
}

# The machine's own apt sources (deb822 or one-line style): the base comes from
# wherever this machine's Debian packages come from.
host_sources() {
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [ -s "$f" ]; then echo "$f"; return; fi
  done
  log "no apt sources found on this machine"; exit 1
}

base_key() {
  { echo "$SUITE $BASE_PACKAGES"; cat "$(host_sources)"; cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true; } \
    | sha256sum | head -c 12
}

build_rootfs() {
  local tar=$1 partial=${1%.tar}.partial.tar
  rm -rf "$tar" "$partial"
  # The host's extra CAs go into the rootfs' trust store (none on most machines).
  mmdebstrap --quiet --variant=apt --include="$BASE_PACKAGES" \
    --customize-hook='if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/";
        chroot "$1" update-ca-certificates >/dev/null 2>&1; fi' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$SUITE" "$partial" "$(host_sources)" >&2
  mv "$partial" "$tar"
}

# Sets BASE to the local base image's name, building what is missing. The name
# carries the week, so the base (and its security updates) is renewed weekly.
ensure_base() {
  local key tar old
  key=$SUITE-$(base_key)-$(date +%G-w%V)
  BASE=localhost/alize-base:$key
  tar=$STATE/base-$key.tar
  if podman image exists "$BASE"; then
    log "base image: cached ($BASE)"
    return
  fi
  if [ -f "$tar" ]; then
    log "base rootfs: cached ($tar)"
  else
    rm -f "$STATE"/base-*.tar
    timed "base rootfs (mmdebstrap)" build_rootfs "$tar"
  fi
  # Python finds pip's and uv's CA bundle through these on any base.
  timed "base image (podman import)" podman import --quiet \
    --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
    --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "$tar" "$BASE" >/dev/null
  # Earlier bases lose their name; their storage goes with the last image built on them.
  for old in $(podman images --format '{{.Repository}}:{{.Tag}}' localhost/alize-base); do
    [ "$old" = "$BASE" ] || podman untag "$old" >/dev/null 2>&1 || true
  done
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
  # Layer caches of builds older than the weekly base are dead weight (untagged,
  # unused): dropped, so repeated builds do not fill the disk.
  podman image prune --force --filter until=192h >/dev/null 2>&1 || true
  log "$(printf '%-28s %s' total "$(since "$start")")"
}

main "$@"
