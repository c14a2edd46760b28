#!/usr/bin/env bash
# Owns building the images the Docker tests run, from the local base images (no registry needed):
#   sluice-test/python-source:dev  the Python fixture source (tests/fixtures/connectors/python-source), on
#                                  sluice/python-base:3, which has /bin/sh: AIRBYTE_ENTRYPOINT is eval'd.
#   sluice-test/probe:dev          a tiny Node connector that reports what it sees (argv, user, files, env, network),
#                                  echoes stdin for `write` and misbehaves on request; on sluice/node-base:20, which
#                                  has no shell: AIRBYTE_ENTRYPOINT is split into an ENTRYPOINT. Runs as user airbyte.
#   sluice-test/probe-plain:dev    the probe without AIRBYTE_ENTRYPOINT: the image's ENTRYPOINT is used.
#   sluice-test/argv-sh:dev        an AIRBYTE_ENTRYPOINT only a shell can run (quotes, parentheses) that prints its
#                                  arguments as {"type":"ARGV","argv":[...]}: proves it is eval'd and "$@" is kept.
# Run once by `make test-images` (CI: .ci/run); the tests only check the images are there.
set -euo pipefail

cd "$(dirname "$0")/.."
export DOCKER_BUILDKIT=0

say() { printf 'test-images: %s\n' "$*"; }

for base in sluice/node-base:20 sluice/python-base:3; do
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    say "$base is missing, running scripts/docker-engine.sh"
    scripts/docker-engine.sh
    break
  fi
done

build() {
  local image=$1 context=$2 dockerfile=$3
  local started=$SECONDS
  local output
  if ! output=$(docker build --quiet --network none -t "$image" -f "$dockerfile" "$context" 2>&1); then
    printf '%s\n' "$output" >&2
    printf 'test-images: error: building %s failed\n' "$image" >&2
    exit 1
  fi
  say "built $image ($((SECONDS - started))s)"
}

work=$(mktemp -d /tmp/sluice-test-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- the Python fixture source -------------------------------------------------------------------------------------
fixture=tests/fixtures/connectors/python-source
if [ -f "$fixture/source.py" ]; then
  if [ -f "$fixture/Dockerfile" ]; then
    build sluice-test/python-source:dev "$fixture" "$fixture/Dockerfile"
  else
    cat >"$work/python-source.Dockerfile" <<'EOF'
FROM sluice/python-base:3
COPY source.py /airbyte/source.py
ENV AIRBYTE_ENTRYPOINT="python3 /airbyte/source.py"
ENTRYPOINT ["python3", "/airbyte/source.py"]
EOF
    build sluice-test/python-source:dev "$fixture" "$work/python-source.Dockerfile"
  fi
else
  say "skipped sluice-test/python-source:dev ($fixture/source.py does not exist yet)"
fi

# --- the probe -----------------------------------------------------------------------------------------------------
mkdir -p "$work/probe"
cat >"$work/probe/probe.mjs" <<'EOF'
// Test connector: reports what it sees as one {"type":"PROBE"} line and behaves as its config asks:
// {"stderr": [lines], "stdout": [lines], "allocate_mb": n, "sleep_ms": n, "exit_code": n, "ignore_sigterm": true}.
// `write` echoes every stdin line to stdout, then says on stderr how many it echoed.
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';

const [command, ...rest] = process.argv.slice(2);
const option = (name) => {
  const at = rest.indexOf(`--${name}`);
  return at === -1 ? undefined : rest[at + 1];
};
const describe = (path) => {
  if (path === undefined) return undefined;
  const stat = fs.statSync(path);
  return { path, mode: (stat.mode & 0o777).toString(8), uid: stat.uid, content: JSON.parse(fs.readFileSync(path, 'utf8')) };
};
const configPath = option('config');
const config = configPath ? JSON.parse(fs.readFileSync(configPath, 'utf8')) : {};
if (config.ignore_sigterm) process.on('SIGTERM', () => process.stderr.write('probe: ignoring SIGTERM\n'));

if (command === 'write') {
  let lines = 0;
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    process.stdout.write(line + '\n');
    lines += 1;
  }
  process.stderr.write(`probe: echoed ${lines} lines\n`);
} else {
  const probe = {
    argv: process.argv.slice(2),
    uid: process.getuid(),
    gid: process.getgid(),
    env: process.env,
    pid: process.pid,
    interfaces: Object.keys(os.networkInterfaces()),
    dir: configPath ? { mode: (fs.statSync('/tmp/sluice').mode & 0o777).toString(8) } : undefined,
    config: describe(configPath),
    catalog: describe(option('catalog')),
    state: describe(option('state')),
  };
  process.stdout.write(JSON.stringify({ type: 'PROBE', probe }) + '\n');
  for (const line of config.stdout ?? []) process.stdout.write(line + '\n');
  for (const line of config.stderr ?? []) process.stderr.write(line + '\n');
  const hoard = config.allocate_mb ? Buffer.alloc(config.allocate_mb * 1024 * 1024, 1) : undefined;
  if (hoard) process.stderr.write(`probe: allocated ${hoard.length} bytes\n`);
  if (config.sleep_ms) await new Promise((resolve) => setTimeout(resolve, config.sleep_ms));
}
process.exitCode = config.exit_code ?? 0;
EOF
cat >"$work/probe/Dockerfile" <<'EOF'
FROM sluice/node-base:20
COPY probe.mjs /airbyte/probe.mjs
USER airbyte
ENV AIRBYTE_ENTRYPOINT="node /airbyte/probe.mjs"
ENTRYPOINT ["node", "/airbyte/probe.mjs"]
EOF
build sluice-test/probe:dev "$work/probe" "$work/probe/Dockerfile"

cat >"$work/probe-plain.Dockerfile" <<'EOF'
FROM sluice-test/probe:dev
ENV AIRBYTE_ENTRYPOINT=""
EOF
build sluice-test/probe-plain:dev "$work/probe" "$work/probe-plain.Dockerfile"

cat >"$work/argv-sh.Dockerfile" <<'EOF'
FROM sluice/python-base:3
ENV AIRBYTE_ENTRYPOINT="python3 -c 'import json, sys; print(json.dumps({\"type\": \"ARGV\", \"argv\": sys.argv[1:]}))'"
ENTRYPOINT ["python3"]
EOF
build sluice-test/argv-sh:dev "$work/probe" "$work/argv-sh.Dockerfile"
