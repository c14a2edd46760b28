#!/usr/bin/env bash
# Owns `make image`: sluice/sluice:dev, Sluice itself as a Docker image, built from the local base image with no
# registry: sluice/node-base:20 + the compiled dist/ (CLI, control plane, runtime, built-in connectors, dashboard),
# the schemas and production node_modules; no sources, tests or dev dependencies. Its ENTRYPOINT is the CLI, run as
# the unprivileged user airbyte (uid 1000) in /home/airbyte: `docker run sluice/sluice:dev worker`. The built-in
# connectors run inside it as local processes; the one written in Python (source-sqlite-py) does not, having no
# interpreter there.
# Rebuilt only when its inputs (dist/, schemas, examples, package files, this script) changed.
# `scripts/build-sluice-image.sh --check` builds nothing: exits 0 when the image is up to date, 1 when not.
# Requires `npm install` (dist/ built) and a Docker engine (`make docker-engine`).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES_SAY=image
. scripts/image-lib.sh
readonly IMAGE=sluice/sluice:dev

[ -f dist/web/index.html ] || fail 'dist/web is missing (the dashboard); run npm run build first'
digest=$(inputs_digest dist schemas examples package.json scripts/build-sluice-image.sh scripts/image-lib.sh)
if image_current "$IMAGE" "$digest"; then
  say "$IMAGE is up to date"
  exit 0
fi
if [ "${1:-}" = --check ]; then
  say "$IMAGE is missing or older than dist/: build it with make image"
  exit 1
fi
require_build_inputs
version=$(node -p 'require("./package.json").version')
make_work_dir image
stage_app "$IMAGES_WORK/app" dist/*
trim_native_build "$IMAGES_WORK/app"
# The node flags of the CLI's shebang (the base image has no /usr/bin/env to read it).
node_flags=$(head -1 dist/cli/main.js | sed -n 's|^#!/usr/bin/env -S node||p' | awk '{ for (i = 1; i <= NF; i++) printf "\"%s\", ", $i }')
cat >"$IMAGES_WORK/Dockerfile" <<DOCKERFILE
FROM sluice/node-base:20
COPY app /app
LABEL org.opencontainers.image.title="sluice" org.opencontainers.image.version="$version" io.sluice.digest="$digest"
USER airbyte
# The workspace directory (a SQLite workspace's database and key), the spec cache and relative paths live here.
WORKDIR /home/airbyte
EXPOSE 8080
ENTRYPOINT ["node", $node_flags"/app/dist/cli/main.js"]
CMD ["--help"]
DOCKERFILE
build_image "$IMAGE" "$IMAGES_WORK"
say "$IMAGE: $(docker image inspect -f '{{ .Size }}' "$IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }')"
