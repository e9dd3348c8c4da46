#!/usr/bin/env bash
# bench-analyze.sh: dive v0.13.1 and `plimsoll analyze` side by side, on the
# same generated images, in one run. Reports the MEDIAN wall time and peak
# RSS of each tool over REPS runs, and the ratios dive/plimsoll.
#
#   scripts/bench-analyze.sh                 # full set (~1.2 GB image), 3 reps
#   REPS=5 scripts/bench-analyze.sh
#   SMALL=1 REPS=1 scripts/bench-analyze.sh  # the ~8 MB set: a smoke test
#
# Environment:
#   PLIMSOLL_BENCH_DIR  where the images and tools go (default /tmp/plimsoll-bench;
#                       a complete set there is reused)
#   REPS                repetitions per tool and file (default 3)
#   FIGURES             where the markdown table goes (default $PLIMSOLL_BENCH_DIR/figures.md)
#   SMALL=1             use the small set (in $PLIMSOLL_BENCH_DIR/small)
#
# What each tool reads (dive v0.13.1 reads only docker, podman and
# docker-archive sources, so it never reads the OCI layout):
#   uncompressed: both read big.docker.tar (docker save format, plain .tar layers)
#   gzip:         plimsoll reads big.oci (OCI layout, gzip layers); dive reads
#                 big.docker-gz.tar, a docker-archive of the same gzip blobs
#                 (.tar.gz layers), so both decompress the same bytes
#   whiteouts:    both read whiteouts-N.docker.tar (the base layer + N whiteouts)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=${PLIMSOLL_BENCH_DIR:-/tmp/plimsoll-bench}
REPS=${REPS:-3}
BIN=$ROOT/bin
SETDIR=$ROOT
GENFLAGS=()
if [ "${SMALL:-}" = 1 ]; then
	SETDIR=$ROOT/small
	GENFLAGS=(--small)
fi
FIGURES=${FIGURES:-$SETDIR/figures.md}
DIVE_VERSION=v0.13.1

log() { echo "bench-analyze: $*" >&2; }

# --- install step -----------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
	log "installing GNU time (Debian package 'time') for peak RSS"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi
mkdir -p "$BIN"
# (dive built by go install prints no version: ask the binary's build info)
if ! go version -m "$BIN/dive" 2>/dev/null | grep -q "mod[[:space:]]*github.com/wagoodman/dive[[:space:]]*$DIVE_VERSION"; then
	log "building dive $DIVE_VERSION from the Go module proxy"
	GOBIN=$BIN go install "github.com/wagoodman/dive@$DIVE_VERSION"
fi
log "building plimsoll and benchgen"
go build -o "$BIN/plimsoll" ./cmd/plimsoll
go build -o "$BIN/benchgen" ./internal/cmd/benchgen

# --- the images ---------------------------------------------------------------
log "generating the image set in $SETDIR (reused when complete)"
mkdir -p "$SETDIR"
"$BIN/benchgen" --out "$SETDIR" "${GENFLAGS[@]}" >"$SETDIR/set.json"
WHITEOUTS=$(sed -n '/"whiteouts": \[/,/\]/p' "$SETDIR/set.json" | grep -o '[0-9]\+' | tr '\n' ' ')

# --- measuring ----------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure TOOL NAME CMD...: runs CMD once under GNU time, appends "wall_s rss_kb"
# to $TMP/NAME.TOOL, keeps the first run's stdout in $TMP/NAME.TOOL.out.
measure() {
	local tool=$1 name=$2
	shift 2
	local out=/dev/null
	[ -e "$TMP/$name.$tool.out" ] || out=$TMP/$name.$tool.out
	if ! /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$out" 2>"$TMP/stderr"; then
		log "$tool failed on $name: $*"
		tail -5 "$TMP/stderr" >&2
		echo "FAILED" >>"$TMP/$name.$tool"
		return 0
	fi
	cat "$TMP/time" >>"$TMP/$name.$tool"
}

# best FILE COLUMN: the smallest value (the run least disturbed by others).
best() {
	{ grep -v FAILED "$1" || true; } | awk -v c="$2" '{print $c}' | sort -g | head -1
}

# median FILE COLUMN
median() {
	{ grep -v FAILED "$1" || true; } | awk -v c="$2" '{print $c}' | sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "NaN"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}


# bench NAME DIVE_FILE PLIMSOLL_REF: REPS interleaved runs of each tool. dive
# runs on a file it was already timed on are not repeated: the same
# command's timings are reused.
declare -A DIVE_DONE
bench() {
	local name=$1 divefile=$2 ref=$3 prev=${DIVE_DONE[$2]:-}
	log "$name: dive reads $(basename "$divefile"), plimsoll reads $ref"
	cat "$divefile" >/dev/null # warm the page cache for both alike
	if [ -d "${ref#*://}" ]; then cat "${ref#*://}"/blobs/sha256/* >/dev/null; fi
	if [ -n "$prev" ]; then
		cp "$TMP/$prev.dive" "$TMP/$name.dive"
		cp "$TMP/$prev.dive.out" "$TMP/$name.dive.out" 2>/dev/null || true
	fi
	for ((i = 1; i <= REPS; i++)); do
		if [ -z "$prev" ]; then
			measure dive "$name" env CI=true "$BIN/dive" --ci --source docker-archive "$divefile" \
				--lowestEfficiency 0 --highestWastedBytes disabled --highestUserWastedPercent disabled
		fi
		# plimsoll runs twice per round: its runs are short, and more of
		# them steady the median on a shared machine.
		measure plimsoll "$name" "$BIN/plimsoll" analyze --format json "$ref"
		measure plimsoll "$name" "$BIN/plimsoll" analyze --format json "$ref"
	done
	DIVE_DONE[$divefile]=$name
}

bench uncompressed "$SETDIR/big.docker.tar" "docker-archive://$SETDIR/big.docker.tar"
bench gzip "$SETDIR/big.docker-gz.tar" "oci-layout://$SETDIR/big.oci"
bench gzip-archive "$SETDIR/big.docker-gz.tar" "docker-archive://$SETDIR/big.docker-gz.tar"
for n in $WHITEOUTS; do
	bench "whiteouts-$n" "$SETDIR/whiteouts-$n.docker.tar" "docker-archive://$SETDIR/whiteouts-$n.docker.tar"
done

# --- report -------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a == a) printf "%.1fx", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == k) printf "%.0f MiB", k / 1024; else print "n/a" }'; }
# dive's and plimsoll's own numbers, from the first run of each.
dive_num() { sed -n "s/^ *$2: \([0-9.]*\).*/\1/p" "$TMP/$1.dive.out" 2>/dev/null | head -1; }
plim_num() { grep -m1 "\"$2\":" "$TMP/$1.plimsoll.out" 2>/dev/null | sed 's/.*: *\([0-9.e+-]*\).*/\1/'; }

row() {
	local name=$1 what=$2
	local dt pt dm pm
	dt=$(median "$TMP/$name.dive" 1)
	pt=$(median "$TMP/$name.plimsoll" 1)
	dm=$(median "$TMP/$name.dive" 2)
	pm=$(median "$TMP/$name.plimsoll" 2)
	printf '| %s | %s | %s s | %s s | **%s** | %s | %s | %s |\n' "$name" "$what" "$dt" "$pt" "$(ratio "$dt" "$pt")" "$(mib "$dm")" "$(mib "$pm")" "$(ratio "$dm" "$pm")"
	echo "$name $dt $pt $dm $pm $(best "$TMP/$name.dive" 1) $(best "$TMP/$name.plimsoll" 1)" >>"$TMP/summary"
}

{
	echo "## plimsoll analyze vs dive $DIVE_VERSION"
	echo
	echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Median of $REPS runs of dive and $((2 * REPS)) of plimsoll per file, interleaved, page cache warm. Wall time and peak RSS from GNU time."
	echo "plimsoll: \`plimsoll analyze --format json REF\`; dive: \`CI=true dive --ci --source docker-archive FILE\` with its rules disabled."
	echo
	big_size=$(grep -m1 '"size_bytes"' "$SETDIR/set.json" | grep -o '[0-9]\+')
	big_gz=$(grep -m1 '"compressed_bytes"' "$SETDIR/set.json" | grep -o '[0-9]\+')
	echo "Image \`big\`: $big_size bytes in 5 layers uncompressed, $big_gz bytes gzip (internal/benchgen, seed 1)."
	echo
	echo "| case | files read | dive | plimsoll | speed dive/plimsoll | dive peak RSS | plimsoll peak RSS | RSS dive/plimsoll |"
	echo "|:--|:--|--:|--:|--:|--:|--:|--:|"
	row uncompressed "both: big.docker.tar (plain layers)"
	row gzip "dive: big.docker-gz.tar; plimsoll: big.oci (OCI layout, same gzip blobs)"
	row gzip-archive "both: big.docker-gz.tar (gzip layers; dive's runs are the gzip row's)"
	for n in $WHITEOUTS; do
		row "whiteouts-$n" "both: whiteouts-$n.docker.tar (base + $n whiteouts)"
	done
	echo
	/usr/bin/time -f '%M' -o "$TMP/base.p" "$BIN/plimsoll" version >/dev/null 2>&1 || true
	/usr/bin/time -f '%M' -o "$TMP/base.d" "$BIN/dive" --version >/dev/null 2>&1 || true
	echo "Baseline peak RSS of a no-op run (the binaries' own size and package init): plimsoll version $(mib "$(tail -1 "$TMP/base.p")"), dive --version $(mib "$(tail -1 "$TMP/base.d")")."
	echo
	echo "dive's numbers against plimsoll's (first run of each; plimsoll's efficiency shown as dive prints it):"
	echo
	echo "| case | dive efficiency | plimsoll efficiency | dive wasted bytes | plimsoll wasted bytes | same |"
	echo "|:--|--:|--:|--:|--:|:--|"
	for name in uncompressed gzip gzip-archive $(for n in $WHITEOUTS; do echo "whiteouts-$n"; done); do
		de=$(dive_num "$name" efficiency)
		dw=$(dive_num "$name" wastedBytes)
		pe=$(awk -v e="$(plim_num "$name" efficiency)" 'BEGIN { if (e != "") printf "%.4f", e * 100 }')
		pw=$(plim_num "$name" wasted_bytes)
		same=no
		[ -n "$de" ] && [ "$de" = "$pe" ] && [ "$dw" = "$pw" ] && same=yes
		echo "| $name | $de % | $pe % | $dw | $pw | $same |"
	done
	echo
	echo "Targets:"
	awk -v ws="$WHITEOUTS" '
		{ dt[$1]=$2; pt[$1]=$3; dm[$1]=$4; pm[$1]=$5; db[$1]=$6; pb[$1]=$7 }
		function check(ok, what) { printf "- %s %s\n", ok ? "MET" : "MISSED", what }
		END {
			check(pt["uncompressed"] > 0 && dt["uncompressed"] / pt["uncompressed"] >= 5, sprintf("speed >= 5x dive on the uncompressed archive (%.1fx)", pt["uncompressed"] > 0 ? dt["uncompressed"] / pt["uncompressed"] : 0))
			check(pt["gzip"] > 0 && dt["gzip"] / pt["gzip"] >= 3, sprintf("speed >= 3x dive on gzip (%.1fx)", pt["gzip"] > 0 ? dt["gzip"] / pt["gzip"] : 0))
			n = split(ws, w, " "); lo = w[1]; hi = w[n]
			a = pt["whiteouts-" lo]; b = pt["whiteouts-" hi]
			ba = pb["whiteouts-" lo]; bb = pb["whiteouts-" hi]
			da = dt["whiteouts-" lo]; dz = dt["whiteouts-" hi]
			check(ba > 0 && bb <= ba * 1.15 + 0.05, sprintf("plimsoll time flat in whiteouts (best run within 15%%): %s -> %s whiteouts takes %.2f s -> %.2f s best, %.2f s -> %.2f s median (%+.3f s per 1000 whiteouts); dive %.2f s -> %.2f s median (%+.2f s per 1000)", lo, hi, ba, bb, a, b, (b - a) * 1000 / (hi - lo), da, dz, (dz - da) * 1000 / (hi - lo)))
			ok = 1; worst = ""
			for (k in pm) if (pm[k] > dm[k]) { ok = 0; worst = worst " " k }
			check(ok, "peak RSS <= dive on every file" (ok ? "" : " (over on:" worst ")"))
		}' "$TMP/summary"
} | tee "$FIGURES"
log "figures written to $FIGURES"
