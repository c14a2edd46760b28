# Sourced (never run) by scripts/build-images.sh and scripts/build-sluice-image.sh: what building Sluice's images
# has in common. Images come from the local base images with no registry (`docker build --network none`), and are
# rebuilt only when their inputs changed: each carries the digest of its inputs in the label io.sluice.digest.
# The caller sets IMAGES_SAY (the prefix of its output lines) and runs from the repository root.
export DOCKER_BUILDKIT=0

say() { printf '%s: %s\n' "$IMAGES_SAY" "$*"; }
fail() {
  printf '%s: error: %s\n' "$IMAGES_SAY" "$*" >&2
  exit 1
}

# dist/ must be built; a missing base image is built by scripts/docker-engine.sh (which starts the engine too).
require_build_inputs() {
  [ -f dist/runtime/launchers/builtin-connectors.js ] || fail 'dist/ is missing; run npm install first'
  local base
  for base in sluice/node-base:20 sluice/python-base:3; do
    docker image inspect "$base" >/dev/null 2>&1 || { scripts/docker-engine.sh; break; }
  done
}

# A short digest of the contents (and paths) of the files under the given paths, and of the lockfile.
inputs_digest() {
  (find "$@" -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package-lock.json) | sha256sum | cut -c1-16
}

# Whether IMAGE exists and was built from inputs with DIGEST.
image_current() {
  [ "$(docker image inspect -f '{{ index .Config.Labels "io.sluice.digest" }}' "$1" 2>/dev/null)" = "$2" ]
}

# Builds IMAGE from the directory CONTEXT (its Dockerfile), without network; prints one line, or the output and fails.
build_image() {
  local image=$1 context=$2 started=$SECONDS output
  output=$(docker build --quiet --network none -t "$image" "$context" 2>&1) || {
    printf '%s\n' "$output" >&2
    fail "building $image failed"
  }
  say "built $image ($((SECONDS - started))s)"
}

# A temporary directory for build contexts, $IMAGES_WORK, removed when the script exits.
make_work_dir() {
  IMAGES_WORK=$(mktemp -d "/tmp/sluice-$1.XXXXXX")
  trap 'rm -rf "$IMAGES_WORK"' EXIT
}

# Lays out the directory APP as Sluice runs from it: the given dist/ subdirectories, the schemas, the sample data in
# examples/, package.json and the production node_modules (no compiler, test runner or bundler).
stage_app() {
  local app=$1
  shift
  mkdir -p "$app/dist" "$app/schemas"
  cp -r "$@" "$app/dist/"
  cp schemas/*.json "$app/schemas/"
  cp -r examples "$app/examples"
  cp package.json package-lock.json "$app/"
  # -L: a checkout whose node_modules is a link to another (a git worktree) copies the files, not the link, which
  # `npm prune` would otherwise follow into the other checkout.
  cp -rL node_modules "$app/node_modules"
  # `npm prune` works offline on what is installed.
  (cd "$app" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || fail 'npm prune failed'
}

# Removes what building better-sqlite3's native addon left in APP's node_modules (the compiler's objects, the SQLite
# and addon sources, a test extension): about 25 MB that nothing loads; the addon is build/Release/better_sqlite3.node.
trim_native_build() {
  local addon=$1/node_modules/better-sqlite3
  rm -rf "$addon/deps" "$addon/src" "$addon/build/deps" "$addon/build/Release/obj" "$addon/build/Release/obj.target" \
    "$addon/build/Release/test_extension.node"
}
