#!/usr/bin/env bash
# Owns `make images`: a Docker image for every built-in connector, built from the local base image with no registry.
#   sluice/connectors-runtime:dev  sluice/node-base:20 + the compiled protocol/ and connectors/ + production node_modules
#   sluice/<connector>:dev         that runtime with the connector's entry point (ENTRYPOINT and AIRBYTE_ENTRYPOINT);
#                                  a connector written in Python is instead sluice/python-base:3 with its .py files
# `scripts/build-images.sh NAME...` builds only those connectors (and the runtime only if one of them needs it).
# Requires `npm install` (dist/ built) and a Docker engine (`make docker-engine`).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES_SAY=images
. scripts/image-lib.sh
require_build_inputs

version=$(node -p 'require("./package.json").version')
# Images are rebuilt only when what goes into them changed: the compiled code, the schemas, the lockfile.
digest=$(inputs_digest dist/protocol dist/connectors schemas examples)
current() { image_current "$1" "$digest"; }
make_work_dir images
work=$IMAGES_WORK

# The connectors to build: "name image entry interpreter" lines, all of them or those named on the command line.
connectors=$(node --input-type=module -e '
  const { builtinConnectors } = await import("./dist/runtime/launchers/builtin-connectors.js");
  const wanted = process.argv.slice(1);
  const unknown = wanted.filter((name) => !builtinConnectors.some((c) => c.name === name));
  if (unknown.length > 0) {
    console.error(`images: error: not a built-in connector: ${unknown.join(", ")}`);
    process.exit(1);
  }
  for (const c of builtinConnectors) {
    if (wanted.length === 0 || wanted.includes(c.name)) console.log(`${c.name} ${c.image} ${c.entry} ${c.interpreter ?? "node"}`);
  }
' "$@")

# The runtime image: what every built-in connector on Node needs at run time, nothing else.
if ! grep -q ' node$' <<<"$connectors"; then
  say "sluice/connectors-runtime:dev is not needed"
elif current sluice/connectors-runtime:dev; then
  say "sluice/connectors-runtime:dev is up to date"
else
stage_app "$work/app" dist/protocol dist/connectors
cat >"$work/Dockerfile" <<DOCKERFILE
FROM sluice/node-base:20
COPY app /app
WORKDIR /app
LABEL io.sluice.digest="$digest"
DOCKERFILE
build_image sluice/connectors-runtime:dev "$work"
fi

# One small image per connector on top of it (or, for Python, on the Python base image).
while read -r name image entry interpreter; do
  if current "$image"; then say "$image is up to date"; continue; fi
  mkdir -p "$work/$name"
  if [ "$interpreter" = python3 ]; then
    cp "dist/connectors/$(dirname "$entry")"/*.py "$work/$name/"
    cat >"$work/$name/Dockerfile" <<DOCKERFILE
FROM sluice/python-base:3
COPY *.py /airbyte/
LABEL io.airbyte.name="${image%%:*}" io.airbyte.version="$version" io.sluice.digest="$digest"
ENV AIRBYTE_ENTRYPOINT="python3 /airbyte/$(basename "$entry")"
ENTRYPOINT ["python3", "/airbyte/$(basename "$entry")"]
USER airbyte
DOCKERFILE
    build_image "$image" "$work/$name"
    continue
  fi
  cat >"$work/$name/Dockerfile" <<DOCKERFILE
FROM sluice/connectors-runtime:dev
LABEL io.airbyte.name="${image%%:*}" io.airbyte.version="$version" io.sluice.digest="$digest"
ENV AIRBYTE_ENTRYPOINT="node /app/dist/connectors/$entry"
ENTRYPOINT ["node", "/app/dist/connectors/$entry"]
USER airbyte
DOCKERFILE
  build_image "$image" "$work/$name"
done <<<"$connectors"
