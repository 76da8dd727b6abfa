#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The command line end to end: options, exit codes, error positions, stdin.
# Speaks TAP.
: "${MOESCOPE:=./moescope}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {   # ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/log" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$tmp/log"
		failed=$((failed + 1))
	fi
}

# run EXPECTED_STATUS ARGS...: output in $tmp/out and $tmp/err
run() {
	want=$1
	shift
	"$MOESCOPE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; cat "$tmp/err"; return 1; }
}

has() { grep -qF -- "$1" "$2" || { echo "missing '$1' in $2:"; cat "$2"; return 1; }; }

t_show() { run 0 -e show && has "GPUs        64 on 8 nodes" "$tmp/out" && has "E_TARGET_IMPOSSIBLE" "$tmp/out"; }
t_json() { run 0 -o json -e show && has '{"schema": "moescope/1"' "$tmp/out" && has '"ttft_s": 0.054820435948137' "$tmp/out"; }
t_csv() { run 0 -o csv -e show && [ "$(wc -l <"$tmp/out")" -eq 2 ]; }
t_set_ep() { run 0 -e 'set ep 8; show' && has "ep 8  etp 4 (auto)  edp 2" "$tmp/out" && has "diagnostics" "$tmp/out"; }
t_opt_set() { run 0 --set tp=8 --set strategy.dp=8 -e 'get tp dp' && has "strategy.tp                          8" "$tmp/out"; }
t_bad_set_opt() { run 2 --set tp=3 -e show && has "moescope: --set tp=3: heads (16) must be divisible by tp" "$tmp/err"; }
t_bad_format() { run 2 -o yaml -e show && has "expected text, json or csv" "$tmp/err"; }
t_bad_option() { run 2 --frobnicate; }
t_failed_cmd() { run 1 -e 'set tp 3; show' && has "moescope: -e:1:8: set: heads (16) must be divisible by tp; valid: 1 2 4 8 16" "$tmp/err" && [ ! -s "$tmp/out" ]; }
t_script() {
	printf 'set ep 8\n# a comment\nset pp 99\nshow\n' >"$tmp/plan.txt"
	run 1 -f "$tmp/plan.txt" && has "plan.txt:3:8: set: pp 99 exceeds the 16 layers" "$tmp/err"
}
t_missing_script() { run 2 -f "$tmp/nonexistent" && has "No such file" "$tmp/err"; }
t_stdin() {
	printf 'set batch 64\nget batch\n' | "$MOESCOPE" >"$tmp/out" 2>"$tmp/err" && has "64" "$tmp/out"
}
t_stdin_dash() {
	printf 'strategy EP16_TP4_PP1\nget dp\n' | "$MOESCOPE" -f - >"$tmp/out" 2>"$tmp/err" && has "4" "$tmp/out"
}
t_version() { run 0 -V && has "moescope " "$tmp/out" && has "GPL-3.0-or-later" "$tmp/out"; }
t_help() { run 0 -h && has "--exec" "$tmp/out"; }
t_help_keys() { run 0 -e 'help keys' && has "hardware.mem_gib" "$tmp/out" && has "strategy.etp" "$tmp/out"; }

ok "show prints the default scenario" t_show
ok "-o json prints schema moescope/1" t_json
ok "-o csv prints a header and a row" t_csv
ok "set ep 8; show" t_set_ep
ok "--set applies before commands" t_opt_set
ok "--set with a bad value exits 2" t_bad_set_opt
ok "unknown format exits 2" t_bad_format
ok "unknown option exits 2" t_bad_option
ok "failed command exits 1 with position" t_failed_cmd
ok "script errors name file and line" t_script
ok "unreadable script exits 2" t_missing_script
ok "commands from a non-tty stdin" t_stdin
ok "-f - reads stdin" t_stdin_dash
ok "--version names the license" t_version
ok "--help" t_help
ok "help keys lists the table" t_help_keys

echo "1..$n"
[ "$failed" -eq 0 ]
