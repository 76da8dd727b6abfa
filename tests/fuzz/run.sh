#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each fuzzer for SECONDS (default 30) on a copy of its seed corpus, in a
# scratch directory.  Fails on any crash, leak, sanitizer report or timeout.
# usage: tests/fuzz/run.sh [SECONDS|ci|totals] [FUZZER...]
# "ci": a fixed seed and a fixed number of runs per fuzzer, so that a CI run
# repeats exactly what was run before (long random runs are for developers).
# "totals": each fuzzer until 10,000,000 executions or 4 hours, whichever
# comes first, FUZZ_JOBS of them at a time (default: one per core), then a
# table of what ran, on which commit, for the README (FUZZ_TOTAL_RUNS and
# FUZZ_TOTAL_SECONDS change the bounds).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${FUZZ_BUILD:-$(pwd)/tests/fuzz}
export MOESCOPE_PRESETS="$here/../../data/presets"

# One fuzzer: its corpus copied into $work/$f, its log in $work/fuzz_$f.log.
one() {
	f=$1
	mode=$2
	mkdir -p "$work/$f"
	cp "$here/corpus/$f"/* "$work/$f/" 2>/dev/null || true
	# a command line or a runs file of 1 KiB reaches every path; longer
	# inputs only slow the fuzzer down
	case $f in
	command | csv) maxlen="-max_len=1024" ;;
	# the readers of whole files: up to the limit they enforce (1 MiB),
	# so that nesting and key-count bombs are reachable
	yaml | hf | bench) maxlen="-max_len=1048576" ;;
	export) maxlen="-max_len=2000" ;;
	*) maxlen="" ;;
	esac
	if [ "$mode" = ci ]; then
		case $f in
		yaml) limit="-runs=150000" ;;
		command) limit="-runs=40000" ;;
		strategy) limit="-runs=400000" ;;
		hf) limit="-runs=100000" ;;
		engine) limit="-runs=100000" ;;
		export) limit="-runs=20000" ;;
		bench) limit="-runs=50000" ;;
		*) limit="-runs=30000" ;;
		esac
		limit="$limit -seed=1"
	elif [ "$mode" = totals ]; then
		limit="-runs=${FUZZ_TOTAL_RUNS:-10000000} -max_total_time=${FUZZ_TOTAL_SECONDS:-14400}"
	else
		limit="-max_total_time=$mode"
	fi
	echo "fuzz_$f: $limit"
	start=$(date +%s)
	# shellcheck disable=SC2086
	if ! (cd "$work" && "$build/fuzz_$f" $limit $maxlen -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work/$f" >"$work/fuzz_$f.log" 2>&1); then
		tail -40 "$work/fuzz_$f.log"
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null || true
		for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
			[ -f "$c" ] && { echo "input:"; od -c "$c" | head -20; }
		done
		echo "$f $(( $(date +%s) - start )) failed" >"$work/$f.result"
		return 1
	fi
	echo "$f $(( $(date +%s) - start )) clean" >"$work/$f.result"
	grep -E 'stat::number_of_executed_units' "$work/fuzz_$f.log" || true
}

# run.sh --one MODE FUZZER: one fuzzer in the work directory of a parent run
if [ "${1:-}" = --one ]; then
	work=$FUZZ_WORK
	one "$3" "$2"
	exit $?
fi

mode=${1:-30}
[ $# -gt 0 ] && shift
fuzzers=${*:-yaml command strategy csv hf engine export bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
if [ "$mode" != totals ]; then
	for f in $fuzzers; do
		one "$f" "$mode" || status=1
	done
	exit $status
fi

jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
export FUZZ_WORK="$work" FUZZ_BUILD="$build"
# shellcheck disable=SC2086
printf '%s\n' $fuzzers | xargs -P "$jobs" -I{} "$0" --one totals {} || status=1
commit=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if ! git -C "$here" diff --quiet HEAD -- "$here/../../src" "$here" 2>/dev/null; then
	commit="$commit with local changes"
fi
echo
echo "| harness | executions | seconds | result |"
echo "|---|---|---|---|"
for f in $fuzzers; do
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz_$f.log" 2>/dev/null)
	# shellcheck disable=SC2046
	set -- $(cat "$work/$f.result" 2>/dev/null || echo "$f - not-run")
	echo "| $f | ${n:--} | $2 | $3 |"
done
echo
echo "on commit $commit, $(date -u +%Y-%m-%d)"
exit $status
