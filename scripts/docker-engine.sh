#!/usr/bin/env bash
# Owns making a Docker engine and Sluice's local base images available on a Debian-like machine with no image
# registry: (a) install docker.io, (b) start dockerd, (c) build sluice/node-base:20 and sluice/python-base:3 from the
# host's own binaries. Idempotent: every step that is already done is skipped, so a second run is a fast no-op.
# Non-interactive (works under CI=true with no stdin). One line per step on stdout; errors on stderr, exit 1.
#
# Environment:
#   SLUICE_DOCKERD_LOG      where dockerd logs (default /var/log/sluice-dockerd.log)
#   SLUICE_DOCKERD_TIMEOUT  seconds to wait for a started dockerd to answer (default 60)
#   SLUICE_REBUILD_IMAGES=1 rebuild the base images even when they exist
set -euo pipefail

readonly NODE_IMAGE=sluice/node-base:20
readonly PYTHON_IMAGE=sluice/python-base:3
readonly DOCKERD_LOG=${SLUICE_DOCKERD_LOG:-/var/log/sluice-dockerd.log}
readonly DOCKERD_TIMEOUT=${SLUICE_DOCKERD_TIMEOUT:-60}
# The legacy builder needs no buildx plugin and no network; our Dockerfiles only COPY and set metadata.
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

say() { printf 'docker-engine: %s\n' "$*"; }
die() {
  printf 'docker-engine: error: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly, or through passwordless sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "'$*' needs root (run this script as root or with passwordless sudo)"
  fi
}

find_dockerd() {
  command -v dockerd 2>/dev/null || { [ -x /usr/sbin/dockerd ] && echo /usr/sbin/dockerd; } || true
}

# --- (a) install ---------------------------------------------------------------------------------------------------
install_engine() {
  if [ -n "$(find_dockerd)" ] && command -v docker >/dev/null 2>&1; then
    say "install: docker.io already installed ($(find_dockerd)), skipped"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and apt-get is not available: install Docker yourself"
  say "install: installing docker.io with apt-get"
  as_root apt-get update -qq </dev/null >/dev/null || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends docker.io </dev/null >/dev/null ||
    die "apt-get install docker.io failed"
  [ -n "$(find_dockerd)" ] || die "docker.io was installed but dockerd is still not found"
}

# --- (b) start -----------------------------------------------------------------------------------------------------
start_engine() {
  if docker info >/dev/null 2>&1; then
    say "engine: already running (${DOCKER_HOST:-unix:///var/run/docker.sock}), skipped"
    return
  fi
  if docker info 2>&1 | grep -qi 'permission denied'; then
    die "an engine is running but $(id -un) may not use its socket: run as root or join the docker group"
  fi
  case "${DOCKER_HOST:-}" in
    "" | unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
    *) die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine, or unset DOCKER_HOST to use a local one" ;;
  esac
  local dockerd
  dockerd=$(find_dockerd)
  [ -n "$dockerd" ] || die "dockerd not found"
  as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
  # No bridge and no iptables: this kind of machine cannot create them; containers run with network mode none.
  as_root setsid nohup "$dockerd" --iptables=false --bridge=none --storage-driver=vfs \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local pid=$!
  local waited=0
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null && ! pgrep -x dockerd >/dev/null 2>&1; then
      tail -n 15 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited during start-up; see $DOCKERD_LOG"
    fi
    if [ "$waited" -ge "$DOCKERD_TIMEOUT" ]; then
      tail -n 15 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within ${DOCKERD_TIMEOUT}s; see $DOCKERD_LOG"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "engine: started dockerd in ${waited}s (log: $DOCKERD_LOG)"
}

# --- (c) base images -----------------------------------------------------------------------------------------------

TEMP_DIRS=()
cleanup() { if [ "${#TEMP_DIRS[@]}" -gt 0 ]; then rm -rf "${TEMP_DIRS[@]}"; fi; }
trap cleanup EXIT

new_rootfs() {
  ROOTFS=$(mktemp -d "/tmp/sluice-rootfs-$1.XXXXXX")
  TEMP_DIRS+=("$ROOTFS")
  # It becomes the image's `/`: mktemp's 0700 would lock every non-root user out of the whole filesystem.
  chmod 755 "$ROOTFS"
}

# Copies the shared libraries the given ELF files load into the root filesystem, at the same paths.
copy_libs() {
  local rootfs=$1
  shift
  local file lib
  for file in "$@"; do
    # `ldd` lines look like `libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)` or `/lib64/ld-linux-x86-64.so.2 (0x...)`.
    for lib in $(ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
      [ -e "$rootfs$lib" ] || cp -L --parents "$lib" "$rootfs"
    done
  done
}

# Copies host files into the root filesystem at the same paths (following symlinks), with their libraries.
copy_with_libs() {
  local rootfs=$1
  shift
  cp -L --parents "$@" "$rootfs"
  copy_libs "$rootfs" "$@"
}

# The few files every image needs: /tmp, root and a non-root `airbyte` user (uid 1000) with a home.
add_base_files() {
  local rootfs=$1
  mkdir -p "$rootfs/tmp" "$rootfs/etc" "$rootfs/home/airbyte" "$rootfs/root"
  chmod 1777 "$rootfs/tmp"
  chmod 700 "$rootfs/root"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nairbyte:x:1000:1000:airbyte:/home/airbyte:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nairbyte:x:1000:\n' >"$rootfs/etc/group"
  if [ "$(id -u)" = 0 ]; then chown 1000:1000 "$rootfs/home/airbyte"; fi
}

# Imports a root filesystem directory as an image, then runs a smoke test in it (no network); removes it on failure.
import_image() {
  local rootfs=$1 image=$2
  shift 2
  tar --numeric-owner -C "$rootfs" -c . |
    docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'WORKDIR /' \
      --message "sluice base image built from this host's binaries by scripts/docker-engine.sh" - "$image" >/dev/null
  if ! docker run --rm --network none "$image" "$@" >/dev/null; then
    docker image rm "$image" >/dev/null 2>&1 || true
    die "the smoke test of $image failed: $*"
  fi
}

image_present() {
  [ "${SLUICE_REBUILD_IMAGES:-}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1
}

build_node_base() {
  if image_present "$NODE_IMAGE"; then
    say "image: $NODE_IMAGE already present, skipped"
    return
  fi
  local node
  node=$(command -v node || true)
  [ -n "$node" ] || die "node is not installed on this host; $NODE_IMAGE is built from it"
  node=$(readlink -f "$node")
  local major
  major=$("$node" -p 'process.versions.node.split(".")[0]')
  [ "$major" = 20 ] || die "$node is Node $major, $NODE_IMAGE needs Node 20"
  new_rootfs node
  local rootfs=$ROOTFS
  add_base_files "$rootfs"
  copy_with_libs "$rootfs" "$node"
  if [ "$node" != /usr/bin/node ]; then
    mkdir -p "$rootfs/usr/bin"
    ln -sf "$node" "$rootfs/usr/bin/node"
  fi
  import_image "$rootfs" "$NODE_IMAGE" node -e 'require("node:fs").accessSync("/tmp")'
  say "image: built $NODE_IMAGE ($("$node" --version), $(du -sh "$rootfs" | cut -f1))"
}

build_python_base() {
  if image_present "$PYTHON_IMAGE"; then
    say "image: $PYTHON_IMAGE already present, skipped"
    return
  fi
  # Debian's own interpreter (not a pyenv or venv shim): its standard library lives at a fixed path.
  if [ ! -x /usr/bin/python3 ]; then
    say "image: installing python3-minimal with apt-get (needed to build $PYTHON_IMAGE)"
    as_root apt-get update -qq </dev/null >/dev/null || die "apt-get update failed"
    as_root apt-get install -y -qq --no-install-recommends python3-minimal </dev/null >/dev/null ||
      die "apt-get install python3-minimal failed"
  fi
  local python version stdlib
  python=$(readlink -f /usr/bin/python3)
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  stdlib=/usr/lib/python$version
  [ -f "$stdlib/os.py" ] || die "the standard library of $python is not at $stdlib"
  new_rootfs python
  local rootfs=$ROOTFS
  add_base_files "$rootfs"
  # The standard library without tests, GUI, build files and third-party packages.
  tar -C / -c \
    --exclude='test' --exclude='tests' --exclude='idle_test' --exclude='idlelib' --exclude='tkinter' \
    --exclude='turtledemo' --exclude='ensurepip' --exclude='lib2to3' --exclude='pydoc_data' \
    --exclude='config-*' --exclude='site-packages' --exclude='dist-packages' \
    --exclude='lib-dynload/_test*' --exclude='lib-dynload/xx*' --exclude='lib-dynload/_ctypes_test*' \
    "${stdlib#/}" | tar -C "$rootfs" -x
  # Debian points sitecustomize.py at /etc; bring the target along.
  if [ -d "/etc/python$version" ]; then cp -a --parents "/etc/python$version" "$rootfs"; fi
  copy_with_libs "$rootfs" "$python"
  copy_libs "$rootfs" "$rootfs$stdlib"/lib-dynload/*.so
  # A POSIX shell (dash, 120 kB): Airbyte images have one, and AIRBYTE_ENTRYPOINT is meant to be eval'd by it.
  copy_with_libs "$rootfs" "$(readlink -f /bin/sh)"
  mkdir -p "$rootfs/bin"
  ln -sf "$(readlink -f /bin/sh)" "$rootfs/bin/sh"
  ln -sf "$(basename "$python")" "$rootfs/usr/bin/python3"
  import_image "$rootfs" "$PYTHON_IMAGE" python3 -c 'import json, sys, argparse, time, os, subprocess; subprocess.run(["/bin/sh", "-c", "true"], check=True)'
  say "image: built $PYTHON_IMAGE (Python $version, $(du -sh "$rootfs" | cut -f1))"
}

main() {
  install_engine
  start_engine
  build_node_base
  build_python_base
}

main "$@"
