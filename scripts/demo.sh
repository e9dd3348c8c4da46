#!/usr/bin/env bash
# demo.sh: build examples/ml-service's single-stage and multi-stage
# Dockerfiles with real BuildKit (a private buildkitd, no Docker), FROM the
# local debian bookworm base image, then print both sizes side by side.
# `make demo` runs it after `make test-deps build`.
set -euo pipefail
cd "$(dirname "$0")/.."

export PLIMSOLL_CACHE="${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}"
plimsoll="${PLIMSOLL:-bin/plimsoll}"
example=examples/ml-service
debian="$PLIMSOLL_CACHE/images/debian-v1"
out="$PLIMSOLL_CACHE/demo"

if [ ! -f "$debian/index.json" ]; then
	echo "demo: no base image at $debian: run make test-deps" >&2
	exit 1
fi
rm -rf "$out"
mkdir -p "$out"

# FROM debian:bookworm-slim resolves to the local layout through a named
# context, as `docker buildx build --build-context` would.
"$plimsoll" build \
	--variant "single=$example/Dockerfile.single" \
	--variant "multi=$example/Dockerfile" \
	--build-context "debian:bookworm-slim=oci-layout://$debian" \
	--output "oci-layout=$out/images" \
	--report "$out/build.json" \
	"$example"

echo
"$plimsoll" compare --top 5 \
	"single=oci-layout://$out/images:single" \
	"multi=oci-layout://$out/images:multi"
