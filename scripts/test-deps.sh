#!/usr/bin/env bash
# test-deps.sh: install and build what plimsoll's tests and demo need, into
# one cache folder keyed by version. Idempotent; a second run takes seconds.
#
#   runc, debootstrap, busybox-static,  from Debian (apt-get), if missing
#   debian-archive-keyring
#   buildkitd, buildctl                 built from the buildkit version go.mod pins,
#                                       into $PLIMSOLL_CACHE/buildkit-<version>/
#   base images (busybox, debian)       OCI layouts in $PLIMSOLL_CACHE/images/
#
# Usage: scripts/test-deps.sh [apt|runc|buildkit|images]...   (default: apt buildkit images)
#   runc: only runc from apt (what a daemonless `plimsoll build` needs besides buildkitd)
set -euo pipefail
cd "$(dirname "$0")/.."

export PLIMSOLL_CACHE="${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
mkdir -p "$PLIMSOLL_CACHE"

log() { printf 'test-deps: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps_apt() {
	local missing=() pkg
	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
			missing+=("$pkg")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		log "apt: $* already installed"
		return
	fi
	log "apt: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Update the package lists only when there are none, or when the
	# install fails with the lists there are.
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		as_root apt-get update -qq
	fi
	if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
		as_root apt-get update -qq
		as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi
}

deps_buildkit() {
	local version dir tmp
	version="$(go list -m -f '{{.Version}}' github.com/moby/buildkit)"
	dir="$PLIMSOLL_CACHE/buildkit-$version"
	if [ -x "$dir/buildkitd" ] && [ -x "$dir/buildctl" ]; then
		log "buildkit: $version in $dir"
		return
	fi
	log "buildkit: building buildkitd and buildctl $version (go.mod's pin; about 2 minutes cold)"
	tmp="$(mktemp -d "$PLIMSOLL_CACHE/.buildkit-$version.XXXXXX")"
	trap 'rm -rf "$tmp"' RETURN
	CGO_ENABLED=0 go build -trimpath -o "$tmp/" \
		-ldflags "-s -w -X github.com/moby/buildkit/version.Version=$version -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
		github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl
	rm -rf "$dir"
	mv "$tmp" "$dir"
	chmod 755 "$dir"
	log "buildkit: $("$dir/buildkitd" --version)"
}

deps_images() {
	# mkbase skips the images that are already there.
	go run ./internal/tools/mkbase -cache "$PLIMSOLL_CACHE" >/dev/null
	log "images: $(cd "$PLIMSOLL_CACHE/images" && echo */)"
}

steps=("$@")
[ "${#steps[@]}" -gt 0 ] || steps=(apt buildkit images)
for s in "${steps[@]}"; do
	case "$s" in
	apt) deps_apt runc debootstrap busybox-static debian-archive-keyring ;;
	runc) deps_apt runc ;;
	buildkit) deps_buildkit ;;
	images) deps_images ;;
	*) echo "test-deps: unknown step $s (want apt, runc, buildkit or images)" >&2; exit 2 ;;
	esac
done
