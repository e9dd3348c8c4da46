#!/usr/bin/env bash
# screenshots.sh: make docs/img/*.png, pictures of plimsoll's --format
# markdown output as a GitHub PR comment shows it. `make docs-images` runs it.
#
#   scripts/screenshots.sh [--no-refresh]
#
# 1. Refresh the inputs: docs/img/lint-terminal.txt, `plimsoll lint` of two
#    examples/ (ANSI colours), and the Markdown, docs/img/{analyze,compare}-
#    comment.md, from real images when they are here (else the committed
#    Markdown is kept):
#    - analyze: dive's fixture image, $DIVE_FIXTURE
#      (default ../shared/fixtures/dive/test-docker-image.tar);
#    - compare: the single- and multi-stage examples/ml-service images that
#      `make demo` leaves in $PLIMSOLL_CACHE/demo/images.
#    --no-refresh skips this step and renders the committed inputs.
# 2. Render each to an HTML page styled like a GitHub comment
#    (internal/tools/mdshot: goldmark + GFM, inline CSS, no network), and the
#    lint output as a terminal window (mdshot term).
# 3. Screenshot it with headless Chromium (installed from Debian if missing)
#    at 2x, crop to the content: NAME.png shows <details> closed, as GitHub
#    does; NAME-open.png has them expanded.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export PLIMSOLL_CACHE="${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}"
plimsoll="${PLIMSOLL:-bin/plimsoll}"
case "$plimsoll" in /*) ;; *) plimsoll="$root/$plimsoll" ;; esac
fixture="${DIVE_FIXTURE:-$root/../shared/fixtures/dive/test-docker-image.tar}"
demo="$PLIMSOLL_CACHE/demo"
img=docs/img
width=900   # CSS pixels: about a PR conversation column
height=6000 # tall enough for any of them; mdshot trim fails if not
scale=2
max_bytes=$((300 * 1024))

refresh=1
case "${1:-}" in
--no-refresh) refresh=0 ;;
"") ;;
*) echo "usage: scripts/screenshots.sh [--no-refresh]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Markdown. Run from the images' folder with relative references so the
# pictures show no machine-specific paths.
if [ "$refresh" = 1 ]; then
	if [ ! -x "$plimsoll" ]; then
		echo "screenshots: no $plimsoll: run make build" >&2
		exit 1
	fi
	lint_args=(examples/ml-service examples/gpu-torch)
	rc=0
	"$plimsoll" lint --color always "${lint_args[@]}" >"$tmp/lint.txt" || rc=$?
	if [ "$rc" -gt 1 ]; then # 1 is "found something", which is the point
		echo "screenshots: plimsoll lint failed (exit $rc)" >&2
		exit 1
	fi
	mv "$tmp/lint.txt" "$img/lint-terminal.txt"
	echo "plimsoll lint ${lint_args[*]}" >"$img/lint-terminal.cmd"
	echo "screenshots: refreshed $img/lint-terminal.txt"
	if [ -f "$fixture" ]; then
		(cd "$(dirname "$fixture")" &&
			"$plimsoll" analyze --format markdown "docker-archive://$(basename "$fixture")") >"$tmp/analyze.md"
		mv "$tmp/analyze.md" "$img/analyze-comment.md"
		echo "screenshots: refreshed $img/analyze-comment.md"
	else
		echo "screenshots: no $fixture (set DIVE_FIXTURE): keeping $img/analyze-comment.md" >&2
	fi
	if [ -f "$demo/images/index.json" ]; then
		(cd "$demo" && "$plimsoll" compare --format markdown \
			single=oci-layout://images:single multi=oci-layout://images:multi) >"$tmp/compare.md"
		mv "$tmp/compare.md" "$img/compare-comment.md"
		echo "screenshots: refreshed $img/compare-comment.md"
	else
		echo "screenshots: no $demo/images (run make demo): keeping $img/compare-comment.md" >&2
	fi
fi

# 2-3. Chromium, pages, pictures.
if ! command -v chromium >/dev/null; then
	if [ "$(id -u)" != 0 ]; then
		echo "screenshots: chromium is missing: apt-get install chromium fonts-liberation (as root)" >&2
		exit 1
	fi
	echo "screenshots: installing chromium from Debian" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
go build -o "$tmp/mdshot" ./internal/tools/mdshot

shoot() { # shoot PAGE.html OUT.png
	local profile
	profile=$(mktemp -d -p "$tmp")
	# The Debian wrapper and Chromium chatter on stderr (dbus): keep it for errors only.
	if ! chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor="$scale" \
		--window-size="$width,$height" --screenshot="$tmp/raw.png" "file://$1" >"$tmp/chromium.log" 2>&1 ||
		[ ! -s "$tmp/raw.png" ]; then
		cat "$tmp/chromium.log" >&2
		echo "screenshots: chromium made no screenshot of $1" >&2
		exit 1
	fi
	"$tmp/mdshot" trim -pad $((16 * scale)) "$tmp/raw.png" "$tmp/out.png"
	rm -f "$tmp/raw.png"
	local size
	size=$(stat -c %s "$tmp/out.png")
	if [ "$size" -gt "$max_bytes" ]; then
		echo "screenshots: $2 would be $size bytes, over $max_bytes: shorten the Markdown or lower scale" >&2
		exit 1
	fi
	mv "$tmp/out.png" "$2"
	echo "screenshots: wrote $2 ($((size / 1024)) KiB)"
}

for name in analyze-comment compare-comment; do
	"$tmp/mdshot" -o "$tmp/$name.html" "$img/$name.md"
	shoot "$tmp/$name.html" "$img/$name.png"
	"$tmp/mdshot" -open -o "$tmp/$name-open.html" "$img/$name.md"
	shoot "$tmp/$name-open.html" "$img/$name-open.png"
done
"$tmp/mdshot" term -prompt "$(cat "$img/lint-terminal.cmd")" -o "$tmp/lint-terminal.html" "$img/lint-terminal.txt"
shoot "$tmp/lint-terminal.html" "$img/lint-terminal.png"
