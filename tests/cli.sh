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
t_json() { run 0 -o json -e show && has '{"schema": "moescope/1"' "$tmp/out" && has '"ttft_s": 0.0538604359481371' "$tmp/out"; }
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

scen="$abs_top_srcdir/data/presets/scenarios"
t_check_seed() {
	run 1 "$scen/seed-report-001.yaml" -e check &&
		has "gpus                          128         16  8x too high" "$tmp/out" &&
		has "the compute ceiling is 94.1 tok/ms/GPU" "$tmp/out"
}
t_check_json() { run 1 -o json "$scen/seed-report-000.yaml" -e check && has '"contradicted": 3' "$tmp/out"; }
t_check_clean() { run 0 -e 'set claims.gpus 64; check' && has "holds" "$tmp/out"; }
t_presets() { run 0 --presets && has "h100-sxm" "$tmp/out" && has "deepseek-v3" "$tmp/out" && has "scenarios:" "$tmp/out"; }
t_load_name() { run 0 -e 'load mixtral-8x7b; get model.experts' && has "8" "$tmp/out"; }
t_positional_preset() { run 0 h200 deepseek-r1 -e 'get hardware.mem_gib model.layers' && has "141" "$tmp/out" && has "61" "$tmp/out"; }
t_bad_yaml() {
	printf 'strategy:\n  epp: 8\n' >"$tmp/bad.yaml"
	run 2 "$tmp/bad.yaml" -e show && has "moescope: $tmp/bad.yaml:2:3: unknown key 'epp' in strategy; did you mean 'ep'?" "$tmp/err"
}
t_load_error_in_script() {
	printf 'hardware: {mfu: 2}\n' >"$tmp/bad2.yaml"
	run 1 -e "set tp 2; load $tmp/bad2.yaml; show" && has "bad2.yaml:1:17: hardware.mfu" "$tmp/err"
}
t_save_load() {
	run 0 -e "set ep 8; set batch 96; save $tmp/plan.yaml" &&
		run 0 "$tmp/plan.yaml" -e 'get ep batch' && has "96" "$tmp/out" &&
		head -1 "$tmp/plan.yaml" | grep -q '^# moescope '
}

ok "check on seed report 001 exits 1 and explains" t_check_seed
ok "check -o json" t_check_json
ok "check with claims that hold exits 0" t_check_clean
ok "--presets lists every kind" t_presets
ok "load by preset name" t_load_name
ok "positional preset names merge left to right" t_positional_preset
ok "a bad YAML file exits 2 with line and column" t_bad_yaml
ok "a bad file in a script exits 1" t_load_error_in_script
ok "save then load" t_save_load
t_keys_csv() { run 0 -o csv -e 'help keys' && has 'strategy.ep,ep,strategy,,' "$tmp/out" && [ "$(wc -l <"$tmp/out")" -gt 60 ]; }
t_completion() { bash -n "$abs_top_srcdir/completion/moescope.bash"; }
ok "help keys -o csv lists the key table" t_keys_csv
ok "the bash completion parses" t_completion
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

# engine launch commands: the golden commands, a script back in, refusals
t_export_golden() {
	for g in "r1-dp8-ep8:deepseek-r1:DP8 TP1 EP8" "r1-tp8-ep8:deepseek-r1:DP1 TP8 EP8" "llama70b-tp4:llama-3.1-70b:DP1 TP4"; do
		name=${g%%:*}; rest=${g#*:}; model=${rest%%:*}; strat=${rest#*:}
		for e in vllm sglang trtllm; do
			run 0 -e "set requirements.tokens_per_ms_per_gpu none; load h200; strategy $strat; load $model; export $e" &&
				diff -u "$abs_top_srcdir/tests/golden/export/$name.$e.sh" "$tmp/out" || return 1
		done
	done
}
t_export_import_script() {
	run 0 -e "load h200; load deepseek-r1; strategy DP8 TP1 EP8; export trtllm $tmp/r1.sh" &&
		has "wrote $tmp/r1.sh" "$tmp/err" && [ ! -s "$tmp/out" ] && head -1 "$tmp/r1.sh" | grep -q '^#!/bin/sh' &&
		run 0 -e "import $tmp/r1.sh; get dp tp ep etp workload.engine workload.mode model.name" &&
		has "strategy.dp                          8" "$tmp/out" && has "strategy.ep                          8" "$tmp/out" &&
		has "workload.engine                      trtllm" "$tmp/out" && has "model.name                           deepseek-r1" "$tmp/out"
}
t_import_refused() {
	run 1 -e "load llama-3.1-70b; set tp 2; import 'vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 3'; get tp" &&
		has "-e:1:38: import: vLLM: Total number of attention heads (64) must be divisible by tensor parallel size (3)" "$tmp/err" &&
		run 1 -e "load h200; load deepseek-r1; strategy DP2 TP4 EP2 ETP4; export vllm" &&
		has "export: vLLM: a MoE layer spans all dp x tp = 8 GPUs" "$tmp/err"
}
t_export_json() {
	run 0 -o json -e "load h200; load llama-3.1-70b; strategy TP4; export vllm" &&
		has '"argv": ["vllm", "serve", "meta-llama/Llama-3.1-70B-Instruct", "--tensor-parallel-size", "4",' "$tmp/out" &&
		has '"options_file": null' "$tmp/out"
}
# stdout carries only the output asked for: notes (a dropped target, a
# file written, what an import read) go to stderr in every -o mode
t_clean_streams() {
	run 0 -e "load h200 deepseek-r1; strategy DP8_TP1_EP8; export vllm" &&
		has "load: dropped the throughput target" "$tmp/err" && ! grep -q "load:" "$tmp/out" &&
		cp "$tmp/out" "$tmp/launch.sh" && bash -n "$tmp/launch.sh" &&
		run 0 -e "load h200; import $tmp/launch.sh; get strategy.dp strategy.ep" &&
		has "imported vLLM" "$tmp/err" && ! grep -q "imported" "$tmp/out" &&
		has "strategy.dp                          8" "$tmp/out" &&
		run 0 -o json -e "load h200 deepseek-r1; strategy TP8 EP8; export sglang $tmp/e.sh" &&
		[ "$(head -c 11 "$tmp/out")" = '{"schema": ' ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
		has '"file": "'"$tmp/e.sh"'"' "$tmp/out" && has "wrote $tmp/e.sh" "$tmp/err" &&
		run 0 -o csv -e "load h200; import 'vllm serve deepseek-ai/DeepSeek-R1 -tp 8 --enable-expert-parallel'" &&
		[ "$(sed -n 1p "$tmp/out")" = "engine,model,model_from,strategy,gpus,ignored" ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
		run 0 -o csv -e "load h200 deepseek-r1; set engine trtllm; recommend rate 5 max-gpus 8" &&
		has "rate,evaluated,stopped,found,strategy," "$tmp/out" && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
		run 0 -o csv -e "load h200 deepseek-r1; pin; save -f $tmp/s.yaml; reload; dag $tmp/d.dot" &&
		[ ! -s "$tmp/out" ] && has "saved $tmp/s.yaml" "$tmp/err" && has "pinned" "$tmp/err"
}
# JSON and CSV keep valid UTF-8 whole through the terminal filter; a bound
# is a string; a formula-like cell is neutralised; presets quote their cells
t_escaping() {
	run 0 -o json -e "set name 'p€'; get name" && [ "$(cat "$tmp/out")" = '{"name": "p€"}' ] &&
		run 0 -o json -e "set claims.ttft_s '<= 0.1'; get claims.ttft_s" &&
		[ "$(cat "$tmp/out")" = '{"claims.ttft_s": "<= 0.1"}' ] &&
		run 0 -o csv -e "set name '=1+1'; get name" && [ "$(sed -n 2p "$tmp/out")" = "name,\"'=1+1\"" ] &&
		run 0 -o csv -e "set name 'a,b €'; get name" && [ "$(sed -n 2p "$tmp/out")" = 'name,"a,b €"' ] &&
		run 0 -o csv -e "set strategy.imbalance 1.5; get strategy.imbalance" &&
		[ "$(sed -n 2p "$tmp/out")" = "strategy.imbalance,1.5" ]
}
ok "export: golden commands for R1 DP8 EP8, R1 TP8 EP8, Llama-70B TP4 in three engines" t_export_golden
ok "JSON and CSV: UTF-8 whole, bounds as strings, formulas neutralised" t_escaping
ok "stdout carries only the output asked for, in every mode" t_clean_streams
ok "export to a script, import the script back" t_export_import_script
ok "import and export refuse with the engine's rule and change nothing" t_import_refused
ok "export -o json gives the argv" t_export_json

# Ctrl-C stops a long search with what it found (the command fails, the
# program ends as interrupted); waiting for a script line, it ends at once.
# env --default-signal: a background job of a script starts with SIGINT ignored
t_interrupt() {
	env --default-signal=INT "$MOESCOPE" -e 'load h200 deepseek-r1; frontier max-gpus 512 mode disagg; get name' \
		>"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	sleep 1
	kill -INT "$pid"
	wait "$pid"
	got=$?
	[ "$got" -eq 130 ] || { echo "exit status $got, expected 130"; cat "$tmp/err"; return 1; }
	has "frontier: stopped after" "$tmp/err" && has "stopped before the end" "$tmp/out" && ! grep -q "^name" "$tmp/out" || return 1
	mkfifo "$tmp/never"
	env --default-signal=INT "$MOESCOPE" -f "$tmp/never" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	exec 9<>"$tmp/never"   # a writer that never writes: the script waits
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	got=$?
	exec 9>&-
	[ "$got" -eq 130 ] || { echo "exit status $got, expected 130"; return 1; }
}
# the frontier's columns stay aligned under labels longer than 12 (a
# disaggregated pair): every strategy starts under "strategy"
t_frontier_columns() {
	run 0 -e 'load h200 deepseek-r1; frontier max-gpus 32 mode both' &&
		awk '/^label /{ at = index($0, "strategy"); next }
			at && /_PP/ { rows++; if (substr($0, at, 2) != "DP" || substr($0, at - 1, 1) != " ") bad++ }
			END { if (!at || rows < 5 || bad) { print "at", at, "rows", rows, "bad", bad; exit 1 } }' "$tmp/out" &&
		grep -q "^[0-9]x[^ ]\{12,\} " "$tmp/out"
}
ok "frontier columns are as wide as the longest label" t_frontier_columns
# one GPU is one GPU, in show, the diagnostics, recommend and search
t_one_gpu() {
	run 0 -e 'load h100-sxm llama-3.1-8b; strategy TP1; set engine vllm; show; recommend rate 1 max-gpus 1; search max-gpus 1' &&
		has "1 distinct shard," "$tmp/out" && has "(1 expert, 1 GPU)" "$tmp/out" &&
		has "replicas of at most 1 GPU" "$tmp/out" && has "  1 GPU on 1 host of 8: 1 replica of" "$tmp/out" &&
		has "at most 1 GPU, objective" "$tmp/out" && ! grep -q " 1 GPUs" "$tmp/out"
}
ok "one GPU is said in the singular" t_one_gpu
ok "Ctrl-C stops a long search with a partial front, and a waiting script at once" t_interrupt

# batch mode under a decimal-comma locale (built here: the system may have none)
t_decimal_comma() (
	mkdir -p "$tmp/loc" && localedef -i de_DE -f UTF-8 "$tmp/loc/de_DE.UTF-8" >/dev/null 2>&1 ||
		{ echo "localedef could not build de_DE.UTF-8 (Debian: the locales package)"; return 1; }
	LOCPATH="$tmp/loc" LC_ALL=de_DE.UTF-8
	export LOCPATH LC_ALL
	run 0 -o json -e "set mfu 0.5; load h200; set reserved_gib 1.25; save $tmp/de.yaml; show" &&
		has '"ttft_s": 0.' "$tmp/out" && grep -q '^  reserved_gib: 1.25$' "$tmp/de.yaml" &&
		run 0 "$tmp/de.yaml" -e 'get reserved_gib' && has "1.25" "$tmp/out"
)
ok "a decimal-comma locale changes no number" t_decimal_comma

# hostile streams: a directory as a script, /dev/zero, a NUL byte, a
# newline inside -e, an escape sequence in a name
t_hostile_streams() {
	run 2 -f "$tmp" && has "a directory, not a script" "$tmp/err" &&
		run 1 -f /dev/zero && has "/dev/zero:1:1: a line longer than 1 MiB" "$tmp/err" &&
		{ printf 'set tp 2\0junk\nshow\n' | "$MOESCOPE" >"$tmp/out" 2>"$tmp/err"; [ $? -eq 1 ]; } &&
		has "stdin:1:9: a NUL byte" "$tmp/err" &&
		run 0 -e "$(printf 'set tp 2\nget tp')" && has "2" "$tmp/out" &&
		run 2 "$(printf 'ev\033[2Jil')" && has 'ev\x1B[2Jil' "$tmp/err"
}
ok "hostile streams are refused or read whole, never misread" t_hostile_streams

# an open stream faster than the deployment serves: named, in every mode
t_validate_overload() {
	sed 's/"request_rate": "inf"/"request_rate": 500/; s/"max_concurrency": 64, //' \
		"$abs_top_srcdir/tests/data/bench/vllm-result.json" >"$tmp/over.json" &&
		run 0 -e "load h200 deepseek-r1; strategy DP8 EP8; validate $tmp/over.json" &&
		has "line 1 (DeepSeek-R1): no TTFT predicted: E_OVERLOAD: 500 requests/s arrive" "$tmp/out" &&
		! grep -q 'inf' "$tmp/out" &&
		run 0 -o json -e "load h200 deepseek-r1; strategy DP8 EP8; validate $tmp/over.json" &&
		has '"predicted_ttft_ms": null, "measured_tpot_ms": 38.9' "$tmp/out" && has '"diagnostic": "E_OVERLOAD"' "$tmp/out" &&
		run 0 -o csv -e "load h200 deepseek-r1; strategy DP8 EP8; validate $tmp/over.json" &&
		has ',812.4,,38.9,' "$tmp/out" && has 'E_OVERLOAD: 500 requests/s' "$tmp/out"
}
ok "validate names an overloaded stream in text, JSON and CSV" t_validate_overload

# import: speculative decoding read back, a misspelt flag refused with a hint
t_import_spec_typo() {
	run 0 -e "load h200 deepseek-r1; strategy DP8 EP8; set workload.spec_tokens 2; export sglang $tmp/s.sh" &&
		bash -n "$tmp/s.sh" && run 0 -e "load h200 deepseek-r1; import $tmp/s.sh; get workload.spec_tokens" &&
		has "2" "$tmp/out" &&
		run 1 -e 'load h200 deepseek-r1; import "vllm serve deepseek-ai/DeepSeek-R1 --tensor-paralel-size 4"' &&
		has "col 36: --tensor-paralel-size is no vLLM flag; did you mean --tensor-parallel-size?" "$tmp/err" &&
		run 0 -e 'load h200 deepseek-r1; import --lenient "vllm serve deepseek-ai/DeepSeek-R1 --tensor-paralel-size 4"' &&
		has "not read (no effect on the figures): --tensor-paralel-size 4" "$tmp/err"
}
ok "import reads speculative flags back and refuses a misspelt flag" t_import_spec_typo

# a plan over several hosts: each engine's launch, run per host with stub engines
t_multi_host() {
	mkdir -p "$tmp/bin" &&
		for e in vllm python3 srun; do
			printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]" "$a"; done; echo\n' >"$tmp/bin/$e" &&
				chmod +x "$tmp/bin/$e" || return 1
		done &&
		run 0 -e "load gb200-nvl72 deepseek-r1; strategy DP16 EP16; export vllm $tmp/v.sh; export sglang $tmp/s.sh; export trtllm $tmp/t.sh" &&
		for f in v s t; do bash -n "$tmp/$f.sh" || return 1; done &&
		has "# 4 hosts of 4 GPUs: run it on each with NODE_RANK=0 to 3" "$tmp/v.sh" &&
		(cd "$tmp" && PATH="$tmp/bin:$PATH" NODE_RANK=3 HEAD_ADDR=10.0.0.1 sh v.sh) >"$tmp/run.out" &&
		has "[--data-parallel-size-local][4][--data-parallel-start-rank][12][--data-parallel-address][10.0.0.1][--data-parallel-rpc-port][13345][--headless]" "$tmp/run.out" &&
		(cd "$tmp" && PATH="$tmp/bin:$PATH" NODE_RANK=0 HEAD_ADDR=10.0.0.1 sh v.sh) >"$tmp/run.out" &&
		! grep -q headless "$tmp/run.out" &&
		(cd "$tmp" && PATH="$tmp/bin:$PATH" NODE_RANK=2 HEAD_ADDR=h0 sh s.sh) >"$tmp/run.out" &&
		has "[--nnodes][4][--node-rank][2][--dist-init-addr][h0:20000]" "$tmp/run.out" &&
		(cd "$tmp" && PATH="$tmp/bin:$PATH" sh t.sh) >"$tmp/run.out" &&
		has "[--nodes=4][--ntasks=16][--ntasks-per-node=4][--mpi=pmix][trtllm-llmapi-launch][trtllm-serve]" "$tmp/run.out" &&
		{ (cd "$tmp" && PATH="$tmp/bin:$PATH" sh v.sh) 2>"$tmp/run.err"; [ $? -ne 0 ]; } &&
		has "set NODE_RANK to the rank of this host, 0 to 3" "$tmp/run.err" &&
		for f in v s t; do
			run 0 -e "load gb200-nvl72 deepseek-r1; import $tmp/$f.sh; get strategy.dp strategy.ep" &&
				has "strategy.dp                          16" "$tmp/out" || return 1
		done
}
ok "a plan over several hosts launches on each, and imports back" t_multi_host

t_batch_step() {
	run 0 -e 'load h200 deepseek-r1; frontier gpus 8 batch 16..32 step 4' && has "concurrency 16..32 step 4, on 8 GPUs" "$tmp/out" &&
		run 1 -e 'frontier batch 1..4096 step 1' && has "batch 1..4096 step 1 lists 4096 concurrencies; at most 1024" "$tmp/err" &&
		run 1 -e 'search step 4' && has "step needs a range: batch FROM..TO step N" "$tmp/err"
}
ok "a concurrency grid of a step, bounded" t_batch_step

t_apply() {
	run 1 -e 'apply search' && has "no search result to apply: run search first" "$tmp/err" &&
		run 0 -e 'search max-gpus 8; apply search 2; get strategy.dp strategy.ep' && has "applied search rank 2: " "$tmp/err" &&
		run 1 -e 'frontier max-gpus 8; apply frontier 999' && has "expected 1 to" "$tmp/err" &&
		run 1 -e 'apply frobnicate' && has "'frobnicate': expected search, frontier or recommend" "$tmp/err"
}
ok "apply takes a search, frontier or recommend answer into the scenario" t_apply

# the work of a run is estimated before it starts: past the bound, refused at once
t_work_bound() {
	run 1 -e 'load h200 deepseek-r1; frontier max-gpus 1024 mode disagg' &&
		has "a frontier over up to 1024 GPUs at 13 concurrencies is about 540M evaluations" "$tmp/err" &&
		has "a smaller max-gpus or a narrower batch range" "$tmp/err" && [ ! -s "$tmp/out" ] &&
		run 1 -e 'load h200 deepseek-r1; recommend rate 1000 max-gpus 16384 batch 1..1048576 step 2000' &&
		has "a recommendation over up to 16384 GPUs at 526 concurrencies" "$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
}
ok "a run past the work bound is refused before it starts" t_work_bound

# GPUs side by side, and the charts of a comparison, a frontier and a sweep
t_compare_plot() {
	run 0 -o json -e "load deepseek-r1; set workload.engine sglang; set requirements.tokens_per_ms_per_gpu none; set requirements.tokens_per_s_per_user 20; compare h100-sxm h200 b200 mi355x gb200-nvl72 rate 20" &&
		has '"hardware": "h200", "strategy": "DP8_TP1_PP1_EP8_ETP1"' "$tmp/out" &&
		has '"price_source": "Spheron on-demand, H200 SXM, 2026-03-17"' "$tmp/out" &&
		has '"hardware": "mi355x"' "$tmp/out" && has '"usd_per_gpu_hour": null, "price_source": null' "$tmp/out" &&
		run 0 -e "load deepseek-r1; set workload.engine sglang; set requirements.tokens_per_ms_per_gpu none; set requirements.tokens_per_s_per_user 20; compare h200 b200; plot compare $tmp/c.svg; frontier max-gpus 16; plot frontier $tmp/f.svg; sweep batch 1 256 x2; plot sweep $tmp/s.svg ttft_s" &&
		for f in c f s; do
			head -c 5 "$tmp/$f.svg" | grep -q '<?xml' || return 1
			grep -q '</svg>' "$tmp/$f.svg" || return 1
			if command -v xmllint >/dev/null; then xmllint --noout "$tmp/$f.svg" || return 1; fi
			if command -v rsvg-convert >/dev/null; then
				rsvg-convert -o "$tmp/$f.png" "$tmp/$f.svg" && [ -s "$tmp/$f.png" ] || return 1
			fi
		done &&
		[ "$(grep -c '<g class="series"' "$tmp/c.svg")" -eq 2 ] && has '>b200</text>' "$tmp/c.svg" &&
		has 'class="requirement"' "$tmp/c.svg" && has 'requirement: &gt;= 20 tok/s per user' "$tmp/c.svg" &&
		has 'tokens/s per user (1000 / TPOT)' "$tmp/f.svg" && has 'TTFT (s)' "$tmp/s.svg" &&
		run 1 -e "plot compare $tmp/x.svg" && has "no comparison to draw: run compare first" "$tmp/err" && [ ! -e "$tmp/x.svg" ]
}
ok "compare puts GPUs side by side with their price sources; plot draws SVG charts" t_compare_plot

echo "1..$n"
[ "$failed" -eq 0 ]
