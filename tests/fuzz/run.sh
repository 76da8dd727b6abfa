#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each fuzzer for SECONDS (default 30) on a copy of its seed corpus, in a
# scratch directory.  Fails on any crash, leak, sanitizer report or timeout.
# usage: tests/fuzz/run.sh [SECONDS|ci] [FUZZER...]
# "ci": a fixed seed and a fixed number of runs per fuzzer, so that a CI run
# repeats exactly what was run before (long random runs are for developers).
set -eu
seconds=${1:-30}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
build=${FUZZ_BUILD:-$(pwd)/tests/fuzz}
fuzzers=${*:-yaml command strategy csv hf engine}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MOESCOPE_PRESETS="$here/../../data/presets"
status=0
for f in $fuzzers; do
	mkdir -p "$work/$f"
	cp "$here/corpus/$f"/* "$work/$f/" 2>/dev/null || true
	# a command line or a runs file of 1 KiB reaches every path; longer
	# inputs only slow the fuzzer down
	case $f in
	command | csv) maxlen="-max_len=1024" ;;
	# the readers of whole files: up to the limit they enforce (1 MiB),
	# so that nesting and key-count bombs are reachable
	yaml | hf) maxlen="-max_len=1048576" ;;
	*) maxlen="" ;;
	esac
	if [ "$seconds" = ci ]; then
		case $f in
		yaml) limit="-runs=150000" ;;
		command) limit="-runs=40000" ;;
		strategy) limit="-runs=400000" ;;
		hf) limit="-runs=100000" ;;
		engine) limit="-runs=100000" ;;
		*) limit="-runs=30000" ;;
		esac
		limit="$limit -seed=1"
	else
		limit="-max_total_time=$seconds"
	fi
	echo "fuzz_$f: $limit"
	# shellcheck disable=SC2086
	if ! (cd "$work" && "$build/fuzz_$f" $limit $maxlen -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work/$f" >"$work/fuzz_$f.log" 2>&1); then
		tail -40 "$work/fuzz_$f.log"
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null || true
		for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
			[ -f "$c" ] && { echo "input:"; od -c "$c" | head -20; }
		done
		status=1
	fi
	grep -E 'stat::number_of_executed_units' "$work/fuzz_$f.log" || true
done
exit $status
