.PHONY: install build test demo bench bench-tools docker-engine test-images images image postgres-logical chromium

# Install the dependencies (this also builds dist/).
install:
	npm install

build:
	npm run build

# The test suite (the command CI runs, after test-images, images and image).
test:
	npm test

# A real sync on the embedded defaults: source-faker into .sluice/demo-output/.
demo:
	npm run demo

# The runtime against a direct pipe, measured in the same run (BENCH_RECORDS, BENCH_RUNS); the database part against
# pgloader and pgcopydb (bench-tools); the scale-out figure with 1 and 3 workers; the commit-to-visible latency of a
# following PostgreSQL CDC sync under 1,000 changes/s (needs wal_level = logical: postgres-logical).
bench: bench-tools postgres-logical
	npm run bench

# Install Debian's pgloader and pgcopydb, the tools the database bench compares with, unless they are there.
bench-tools:
	@if command -v pgloader >/dev/null && command -v pgcopydb >/dev/null; then echo "bench-tools: $$(command -v pgloader) $$(command -v pgcopydb)"; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgloader pgcopydb; fi

# Install and start a local Docker engine and build Sluice's base images (idempotent).
docker-engine:
	scripts/docker-engine.sh

# Build the images the Docker tests run.
test-images: docker-engine
	scripts/build-test-images.sh

# A Docker image for every built-in connector (sluice/<name>:dev), from the local base image, no registry.
images: docker-engine
	scripts/build-images.sh

# Sluice itself as a Docker image (sluice/sluice:dev: `docker run sluice/sluice:dev worker`), from the local base image,
# no registry; rebuilt only when dist/ changed. deploy/compose.yaml runs it.
image: docker-engine
	scripts/build-sluice-image.sh

# Set the local PostgreSQL's wal_level to logical (a restart) for source-postgres CDC; idempotent.
postgres-logical:
	scripts/postgres-logical.sh

# Install Debian's Chromium for the dashboard's browser tests (tests/web/), unless it is there (or SLUICE_CHROMIUM names one).
chromium:
	@if [ -x "$${SLUICE_CHROMIUM:-/usr/bin/chromium}" ]; then echo "chromium: $${SLUICE_CHROMIUM:-/usr/bin/chromium}"; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi
