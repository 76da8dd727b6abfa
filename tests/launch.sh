#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# From the decision to the launch, end to end, for each engine: two
# questions a user brings, answered (frontier, recommend), the answer
# applied, exported to a script that the shell accepts, read back with
# import, and evaluated again: the same strategy and the same figures.
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

# The lines of `show summary` that say what runs and what it gives.
figures() {
	grep -E '^(strategy|GPUs|memory|TTFT|TPOT|decode|end to end) ' "$1" | sed 's/ (auto)//'
}

# trip NAME ENGINE SETUP ASK APPLY: SETUP loads and sets the scenario, ASK
# answers the question, APPLY takes the answer; then export, bash -n,
# import onto SETUP alone with the answer's concurrency, and compare.
trip() {
	name=$1 engine=$2 setup=$3 ask=$4 apply=$5
	script="$tmp/$name-$engine.sh"
	"$MOESCOPE" -e "$setup; set workload.engine $engine; $ask; $apply; export $engine $script; get workload.batch; show summary" \
		>"$tmp/first" 2>"$tmp/first.err" || { echo "the question failed:"; cat "$tmp/first.err"; return 1; }
	grep -q "^moescope: $apply" "$tmp/first.err" ||
		grep -q "^moescope: applied " "$tmp/first.err" || { echo "nothing applied"; cat "$tmp/first.err"; return 1; }
	bash -n "$script" || { echo "bash -n refuses $script"; return 1; }
	! grep -q '^moescope' "$script" || { echo "a note in the script"; return 1; }
	batch=$(sed -n '/^[0-9][0-9]*$/p' "$tmp/first" | tail -n 1)
	[ -n "$batch" ] || { echo "no concurrency"; return 1; }
	"$MOESCOPE" -e "$setup; import $script; set workload.batch $batch; show summary" >"$tmp/second" 2>"$tmp/second.err" ||
		{ echo "import failed:"; cat "$tmp/second.err"; return 1; }
	figures "$tmp/first" >"$tmp/a"
	figures "$tmp/second" >"$tmp/b"
	[ -s "$tmp/a" ] || { echo "no figures"; cat "$tmp/first"; return 1; }
	diff "$tmp/a" "$tmp/b" || { echo "the imported launch is not what was answered"; return 1; }
}

r1='load h200 deepseek-r1; set requirements.tokens_per_ms_per_gpu none; set requirements.tokens_per_s_per_user 50'
qwen='load b200 qwen3-235b-a22b; set seq 2048; set out 1024; set requirements.tokens_per_ms_per_gpu none; set requirements.ttft_s 2'
for e in vllm sglang trtllm; do
	ok "$e: DeepSeek-R1 on up to 16 H200 at >= 50 tok/s per user: frontier, apply, export, import" \
		trip r1 "$e" "$r1" 'frontier max-gpus 16' 'apply frontier'
	ok "$e: Qwen3-235B for 20 requests/s on B200, TTFT <= 2 s: recommend, apply, export, import" \
		trip qwen "$e" "$qwen" 'recommend rate 20 max-gpus 64' 'apply recommend'
done

# Disaggregated: one script, its part chosen by ROLE; each part runs (the
# engines stubbed) and the whole imports back to the same deployment.
mkdir -p "$tmp/bin"
for e in vllm python3 trtllm-serve srun; do
	printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]" "$a"; done; echo\n' >"$tmp/bin/$e"
	chmod +x "$tmp/bin/$e"
done
disagg() {
	engine=$1
	script="$tmp/disagg-$engine.sh"
	setup='load gb200-nvl72 deepseek-r1; set requirements.tokens_per_ms_per_gpu none'
	plan='set workload.mode disagg; strategy DP16 EP16; set prefill.dp 4; set prefill.ep 4; set prefill.tp 1; set disagg.prefill_workers 2'
	"$MOESCOPE" -e "$setup; $plan; set workload.engine $engine; export $engine $script; show summary" >"$tmp/first" 2>"$tmp/first.err" ||
		{ cat "$tmp/first.err"; return 1; }
	bash -n "$script" || return 1
	(cd "$tmp" && PATH="$tmp/bin:$PATH" ROLE=prefill sh "$script") >"$tmp/p.out" || return 1
	(cd "$tmp" && PATH="$tmp/bin:$PATH" ROLE=decode NODE_RANK=1 HEAD_ADDR=h0 sh "$script") >"$tmp/d.out" || return 1
	(cd "$tmp" && PATH="$tmp/bin:$PATH" ROLE=router PREFILL_ADDRS='p0 p1' DECODE_ADDRS=d0 sh "$script") >"$tmp/r.out" || return 1
	case $engine in
	sglang)
		grep -qF '[--disaggregation-mode][prefill]' "$tmp/p.out" && grep -qF '[--disaggregation-mode][decode]' "$tmp/d.out" &&
			grep -qF '[--pd-disaggregation][--prefill][http://p0:8100][--prefill][http://p1:8100][--decode][http://d0:8200]' "$tmp/r.out" ;;
	vllm)
		grep -qF 'NixlConnector' "$tmp/p.out" && grep -qF '[--port][8200]' "$tmp/d.out" &&
			grep -qF '[--prefiller-hosts][p0][--prefiller-ports][8100][--prefiller-hosts][p1]' "$tmp/r.out" ;;
	trtllm)
		grep -qF '[--port][8100]' "$tmp/p.out" && grep -qF 'cache_transceiver_config' "$tmp/extra-llm-api-config-decode.yml" &&
			grep -qF '[disaggregated][-c][disagg-config.yml]' "$tmp/r.out" && grep -qF '    - "p1:8100"' "$tmp/disagg-config.yml" ;;
	esac || { echo "a role does not launch what it should:"; cat "$tmp/p.out" "$tmp/d.out" "$tmp/r.out"; return 1; }
	{ (cd "$tmp" && PATH="$tmp/bin:$PATH" sh "$script") 2>"$tmp/role.err"; [ $? -ne 0 ]; } &&
		grep -q 'set ROLE to prefill, decode or router' "$tmp/role.err" || return 1
	"$MOESCOPE" -e "$setup; import $script; show summary" >"$tmp/second" 2>"$tmp/second.err" || { cat "$tmp/second.err"; return 1; }
	grep -q 'disaggregated: 2 prefill instances of DP4_TP1_PP1_EP4' "$tmp/second.err" || { cat "$tmp/second.err"; return 1; }
	figures "$tmp/first" >"$tmp/a"
	figures "$tmp/second" >"$tmp/b"
	[ -s "$tmp/a" ] && diff "$tmp/a" "$tmp/b"
}
for e in vllm sglang trtllm; do
	ok "$e: a disaggregated deployment: prefill, decode and router from one script, imported back" disagg "$e"
done

echo "1..$n"
[ "$failed" -eq 0 ]
