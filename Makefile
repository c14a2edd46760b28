.PHONY: docker-engine test-images

# Install and start a local Docker engine and build Sluice's base images (idempotent).
docker-engine:
	scripts/docker-engine.sh

# Build the images the Docker tests run.
test-images: docker-engine
	scripts/build-test-images.sh
