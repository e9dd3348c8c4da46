#!/usr/bin/env bash
# action-install.sh: the one install step of plimsoll's GitHub actions
# (action.yml, actions/*/action.yml). It builds plimsoll from the action's
# own source (Go comes from actions/setup-go) and puts it on GITHUB_PATH.
# With PLIMSOLL_BUILDKIT=true it also installs runc and builds buildkitd and
# buildctl of go.mod's pinned version into $PLIMSOLL_CACHE (cache that
# folder with actions/cache), for daemonless `plimsoll build`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export PLIMSOLL_CACHE="${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}"
bindir="${RUNNER_TEMP:-/tmp}/plimsoll/bin"
path_file="${GITHUB_PATH:-/dev/null}"

mkdir -p "$bindir"
(cd "$root" && go build -trimpath -o "$bindir/plimsoll" ./cmd/plimsoll)
echo "$bindir" >>"$path_file"
"$bindir/plimsoll" version

if [ "${PLIMSOLL_BUILDKIT:-false}" = true ]; then
	"$root/scripts/test-deps.sh" runc buildkit
	version="$(cd "$root" && go list -m -f '{{.Version}}' github.com/moby/buildkit)"
	echo "$PLIMSOLL_CACHE/buildkit-$version" >>"$path_file"
fi
