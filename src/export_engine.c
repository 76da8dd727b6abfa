/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine launch commands (export_engine.h).
 *
 * Flags, from each engine's documentation of its server:
 * - vLLM (`vllm serve --help`, docs "Engine Arguments", "Data Parallel
 *   Deployment", "Expert Parallel Deployment"): --tensor-parallel-size,
 *   --pipeline-parallel-size, --data-parallel-size, --enable-expert-parallel,
 *   --quantization, --kv-cache-dtype, --gpu-memory-utilization,
 *   --max-num-seqs and --max-num-batched-tokens (both per DP rank),
 *   --max-model-len, --async-scheduling or --no-async-scheduling (its
 *   default changed between releases, so the command says which).
 * - SGLang (docs "Server Arguments"): --model-path, --tp-size, --dp-size,
 *   --enable-dp-attention, --ep-size, --moe-dp-size, --pp-size,
 *   --quantization, --kv-cache-dtype, --mem-fraction-static,
 *   --max-running-requests and --chunked-prefill-size (with DP attention
 *   both for the whole instance: the scheduler divides them by dp_size),
 *   --context-length, --nnodes, --disable-overlap-schedule,
 *   --enable-mixed-chunk.
 * - TensorRT-LLM (docs "trtllm-serve"): --backend pytorch, --tp_size,
 *   --pp_size, --ep_size, --max_batch_size, --max_num_tokens, --max_seq_len,
 *   --kv_cache_free_gpu_memory_fraction, --extra_llm_api_options FILE (a
 *   YAML of LLM API options: enable_attention_dp, kv_cache_config.dtype,
 *   disable_overlap_scheduler, scheduler_config.capacity_scheduler_policy,
 *   speculative_config with decoding_type MTP and num_nextn_predict_layers).
 *   The weight format comes from the checkpoint.
 * - Speculative decoding with the checkpoint's MTP layers: vLLM
 *   --speculative-config '{"method": "mtp", "num_speculative_tokens": K}'
 *   (vllm/config/speculative.py folds the per-family names into "mtp");
 *   SGLang --speculative-algorithm EAGLE --speculative-num-steps K
 *   --speculative-eagle-topk 1 --speculative-num-draft-tokens K+1 (its
 *   DeepSeek guide). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine_layout.h"
#include "export_engine.h"
#include "name_text.h"
#include "numfmt.h"
#include "scenario_resolve.h"
#include "deploy_disagg.h"
#include "serve.h"

#define TRTLLM_OPTIONS_FILE "extra-llm-api-config.yml"

static void arg(struct engine_command *c, const char *text)
{
	if (c->argc < ENGINE_ARGS_MAX)
		snprintf(c->argv[c->argc++], ENGINE_ARG_LEN, "%s", text);
}

static void flag_long(struct engine_command *c, const char *name, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	arg(c, name);
	arg(c, buf);
}

static void flag_num(struct engine_command *c, const char *name, double v)
{
	char buf[32];
	fmt_exact(v, buf, sizeof buf);
	arg(c, name);
	arg(c, buf);
}

static void flag_str(struct engine_command *c, const char *name, const char *v)
{
	arg(c, name);
	arg(c, v);
}

/* A word the shell expands: a variable the prelude sets. */
static void raw(struct engine_command *c, const char *text)
{
	if (c->argc < ENGINE_ARGS_MAX)
		c->raw[c->argc] = true;
	arg(c, text);
}

static void flag_raw(struct engine_command *c, const char *name, const char *v)
{
	arg(c, name);
	raw(c, v);
}

__attribute__((format(printf, 2, 3)))
static void prelude(struct engine_command *c, const char *fmt, ...)
{
	size_t n = strlen(c->prelude);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->prelude + n, sizeof c->prelude - n, fmt, ap);
	va_end(ap);
}

/* Every host runs the script with its rank and host 0's address. */
static void host_variables(struct engine_command *c)
{
	prelude(c, "NODE_RANK=${NODE_RANK:?set NODE_RANK to the rank of this host, 0 to %ld}\n", c->hosts - 1);
	prelude(c, "HEAD_ADDR=${HEAD_ADDR:?set HEAD_ADDR to the address of host 0}\n");
}

__attribute__((format(printf, 2, 3)))
static void note(struct engine_command *c, const char *fmt, ...)
{
	if (c->n_notes >= ENGINE_NOTES_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->notes[c->n_notes++], sizeof c->notes[0], fmt, ap);
	va_end(ap);
}

/* The engine's --quantization for the weights, or NULL for 16-bit ones
 * (and for formats no engine flag names). */
static const char *quantization(const struct model *m)
{
	if (m->expert_weight_bytes == 0.53125)
		return "mxfp4";
	if (m->expert_weight_bytes == 0.5625)
		return "modelopt_fp4";
	if (m->weight_bytes == 1.0)
		return "fp8";
	return NULL;
}

struct plan {
	const struct scenario *s;    /* resolved */
	struct engine_layout l;
	struct engine_cfg eng;       /* the engine's settings, defaults filled in */
	const char *model_id;
};

/* Whether the command carries speculative decoding: with the
 * checkpoint's own multi-token-prediction layers, which each engine
 * launches from the model alone; a separate draft model needs its path,
 * which the scenario does not know. */
static bool speculative(const struct plan *p, struct engine_command *c)
{
	const struct scenario *s = p->s;
	if (s->work.spec_tokens <= 0)
		return false;
	if (s->model.mtp_layers > 0)
		return true;
	note(c, "workload.spec_tokens %ld with no multi-token-prediction layers (model.mtp_layers 0): add the "
		"engine's speculative flags with the path of the draft model",
	     s->work.spec_tokens);
	return false;
}

/* vLLM over several hosts (docs "Data Parallel Deployment", "Distributed
 * Inference and Serving"): replicas within a host are data-parallel ranks,
 * each host launching its share, host 0 with the API server and the others
 * --headless; a replica wider than a host runs on a Ray cluster from host 0. */
static void vllm_hosts(const struct plan *p, struct engine_command *c)
{
	long replica = p->l.tp * p->l.pp;
	if (replica > c->per_host || c->per_host % replica != 0) {
		flag_str(c, "--distributed-executor-backend", "ray");
		note(c, "a replica of %ld GPUs spans hosts of %ld: start a Ray cluster over the %ld hosts (ray start --head "
			"on host 0, ray start --address HOST0:6379 on the others) and run this on host 0",
		     replica, c->per_host, c->hosts);
		return;
	}
	long local = c->per_host / replica;
	host_variables(c);
	prelude(c, "DP_START=$((NODE_RANK * %ld))\n", local);
	prelude(c, "DP_LOCAL=$((%ld - DP_START < %ld ? %ld - DP_START : %ld))\n", p->l.dp, local, p->l.dp, local);
	prelude(c, "HEADLESS=; [ \"$NODE_RANK\" -eq 0 ] || HEADLESS=--headless\n");
	flag_raw(c, "--data-parallel-size-local", "\"$DP_LOCAL\"");
	flag_raw(c, "--data-parallel-start-rank", "\"$DP_START\"");
	flag_raw(c, "--data-parallel-address", "\"$HEAD_ADDR\"");
	flag_long(c, "--data-parallel-rpc-port", 13345);
	raw(c, "$HEADLESS");
}

static void vllm_command(const struct plan *p, struct engine_command *c)
{
	const struct scenario *s = p->s;
	arg(c, "vllm");
	arg(c, "serve");
	arg(c, p->model_id);
	flag_long(c, "--tensor-parallel-size", p->l.tp);
	if (p->l.pp > 1)
		flag_long(c, "--pipeline-parallel-size", p->l.pp);
	if (p->l.dp > 1)
		flag_long(c, "--data-parallel-size", p->l.dp);
	if (p->l.expert_parallel)
		arg(c, "--enable-expert-parallel");
	const char *q = quantization(&s->model);
	if (q)
		flag_str(c, "--quantization", q);
	if (s->model.kv_bytes == 1.0)
		flag_str(c, "--kv-cache-dtype", "fp8");
	flag_num(c, "--gpu-memory-utilization", p->eng.mem_fraction);
	flag_long(c, "--max-num-seqs", p->eng.max_seqs);
	flag_long(c, "--max-num-batched-tokens", p->eng.max_batched_tokens);
	flag_long(c, "--max-model-len", s->work.prompt_len + s->work.output_len);
	/* in tokens: 1 + the draft tokens of each sequence */
	if (s->engine.graph_max_seqs > 0)
		flag_long(c, "--max-cudagraph-capture-size", s->engine.graph_max_seqs * (1 + s->work.spec_tokens));
	if (speculative(p, c)) {
		char json[96];
		snprintf(json, sizeof json, "{\"method\": \"mtp\", \"num_speculative_tokens\": %ld}", s->work.spec_tokens);
		flag_str(c, "--speculative-config", json);
	}
	arg(c, p->eng.scheduler == SCHED_SYNC ? "--no-async-scheduling" : "--async-scheduling");
	if (p->eng.prefix_cache == PREFIX_OFF)
		arg(c, "--no-enable-prefix-caching");
	if (p->eng.prefill == PREFILL_SEPARATE)
		note(c, "engine.prefill separate: vLLM always runs prompt chunks in the decode steps, no flag sets them apart");
	if (p->eng.admit == ADMIT_RULE_WHOLE)
		note(c, "engine.admit whole: vLLM gives a sequence KV blocks as it grows, no flag reserves its whole output");
	if (c->hosts > 1)
		vllm_hosts(p, c);
}

static void sglang_command(const struct plan *p, struct engine_command *c)
{
	const struct scenario *s = p->s;
	/* with DP attention the scheduler gives each DP rank 1/dp of these */
	long per = p->l.attn_dp ? p->l.dp : 1;
	arg(c, "python3");
	arg(c, "-m");
	arg(c, "sglang.launch_server");
	flag_str(c, "--model-path", p->model_id);
	flag_long(c, "--tp-size", p->l.tp);
	if (p->l.dp > 1)
		flag_long(c, "--dp-size", p->l.dp);
	if (p->l.attn_dp)
		arg(c, "--enable-dp-attention");
	if (p->l.ep > 1)
		flag_long(c, "--ep-size", p->l.ep);
	if (p->l.moe_dp > 1)
		flag_long(c, "--moe-dp-size", p->l.moe_dp);
	if (p->l.pp > 1)
		flag_long(c, "--pp-size", p->l.pp);
	const char *q = quantization(&s->model);
	if (q)
		flag_str(c, "--quantization", q);
	if (s->model.kv_bytes == 1.0)
		flag_str(c, "--kv-cache-dtype", "fp8_e4m3");
	/* SGLang's own default can leave nothing: say so, write no number */
	if (p->eng.mem_fraction > 0)
		flag_num(c, "--mem-fraction-static", p->eng.mem_fraction);
	else
		note(c, "SGLang's default --mem-fraction-static for this instance is %s: what it reserves (prefill "
			"activations, CUDA graphs, the instance's GPUs and DP ranks) is more than the GPU; set "
			"engine.mem_fraction",
		     NUM(p->eng.mem_fraction));
	flag_long(c, "--max-running-requests", p->eng.max_seqs * per);
	flag_long(c, "--chunked-prefill-size", p->eng.max_batched_tokens * per);
	flag_long(c, "--context-length", s->work.prompt_len + s->work.output_len);
	if (s->engine.graph_max_seqs > 0)
		flag_long(c, "--cuda-graph-max-bs", s->engine.graph_max_seqs);
	if (p->eng.scheduler == SCHED_SYNC)
		arg(c, "--disable-overlap-schedule");
	if (p->eng.prefill == PREFILL_MIXED)
		arg(c, "--enable-mixed-chunk");
	if (p->eng.prefix_cache == PREFIX_OFF)
		arg(c, "--disable-radix-cache");
	/* MTP runs as EAGLE on the checkpoint's own layers: one draft token a
	 * step, topk 1, so the verification checks the steps and one */
	if (speculative(p, c)) {
		flag_str(c, "--speculative-algorithm", "EAGLE");
		flag_long(c, "--speculative-num-steps", s->work.spec_tokens);
		flag_long(c, "--speculative-eagle-topk", 1);
		flag_long(c, "--speculative-num-draft-tokens", s->work.spec_tokens + 1);
	}
	if (p->eng.admit == ADMIT_RULE_WHOLE)
		note(c, "engine.admit whole: SGLang gives a request KV as it grows, no flag reserves its whole output");
	/* over several hosts (docs "Multi-node deployment"): the same command
	 * on each, with its rank and host 0's address */
	if (c->hosts > 1) {
		host_variables(c);
		flag_long(c, "--nnodes", c->hosts);
		flag_raw(c, "--node-rank", "\"$NODE_RANK\"");
		flag_raw(c, "--dist-init-addr", "\"$HEAD_ADDR:20000\"");
	}
}

static void trtllm_command(const struct plan *p, struct engine_command *c)
{
	const struct scenario *s = p->s;
	/* over several hosts: every rank in one MPI world, one a GPU, started
	 * by Slurm through trtllm-llmapi-launch (TensorRT-LLM's multi-node
	 * serving; mpirun does the same) */
	if (c->hosts > 1) {
		char a[48];
		arg(c, "srun");
		snprintf(a, sizeof a, "--nodes=%ld", c->hosts);
		arg(c, a);
		snprintf(a, sizeof a, "--ntasks=%ld", s->strat.dp * s->strat.tp * s->strat.pp);
		arg(c, a);
		snprintf(a, sizeof a, "--ntasks-per-node=%ld", c->per_host);
		arg(c, a);
		arg(c, "--mpi=pmix");
		arg(c, "trtllm-llmapi-launch");
		note(c, "%ld hosts: run this once inside a Slurm allocation of them", c->hosts);
	}
	arg(c, "trtllm-serve");
	arg(c, p->model_id);
	flag_str(c, "--backend", "pytorch");
	flag_long(c, "--tp_size", p->l.tp);
	if (p->l.pp > 1)
		flag_long(c, "--pp_size", p->l.pp);
	if (!engine_model_dense(&s->model))
		flag_long(c, "--ep_size", p->l.ep);
	flag_long(c, "--max_batch_size", p->eng.max_seqs);
	flag_long(c, "--max_num_tokens", p->eng.max_batched_tokens);
	flag_long(c, "--max_seq_len", s->work.prompt_len + s->work.output_len);
	flag_num(c, "--kv_cache_free_gpu_memory_fraction", p->eng.mem_fraction);
	flag_str(c, "--extra_llm_api_options", TRTLLM_OPTIONS_FILE);
	snprintf(c->options_file, sizeof c->options_file, "%s", TRTLLM_OPTIONS_FILE);
	char graphs[64] = "", spec[96] = "";
	if (s->engine.graph_max_seqs > 0)
		snprintf(graphs, sizeof graphs, "cuda_graph_config:\n  max_batch_size: %ld\n", s->engine.graph_max_seqs);
	if (speculative(p, c))
		snprintf(spec, sizeof spec, "speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: %ld\n",
			 s->work.spec_tokens);
	snprintf(c->options, sizeof c->options, "enable_attention_dp: %s\nkv_cache_config:\n  dtype: %s\n%s%s%s%s%s",
		 p->l.attn_dp ? "true" : "false", s->model.kv_bytes == 1.0 ? "fp8" : "auto",
		 p->eng.prefix_cache == PREFIX_OFF ? "  enable_block_reuse: false\n" : "",
		 p->eng.scheduler == SCHED_SYNC ? "disable_overlap_scheduler: true\n" : "",
		 p->eng.admit == ADMIT_RULE_PAGED ? "scheduler_config:\n  capacity_scheduler_policy: MAX_UTILIZATION\n" : "",
		 graphs, spec);
	if (p->eng.prefill == PREFILL_SEPARATE)
		note(c, "engine.prefill separate: TensorRT-LLM's in-flight batching puts prompts in the decode steps, no option sets them apart");
	const char *q = quantization(&s->model);
	if (q)
		note(c, "TensorRT-LLM takes the weight format (%s) from the checkpoint: serve a checkpoint quantized so", q);
}

/* Whether a line of the options is the here document's delimiter. */
static bool options_close_heredoc(const char *options)
{
	size_t n = strlen(ENGINE_HEREDOC_END);
	for (const char *line = options; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len == n && !strncmp(line, ENGINE_HEREDOC_END, n))
			return true;
		if (!end)
			break;
		line = end + 1;
	}
	return false;
}

int engine_export(int engine, const struct scenario *in, struct engine_command *c, char *err, size_t errlen)
{
	static struct scenario s;   /* large: not on the stack */
	struct plan p = { .s = &s };

	memset(c, 0, sizeof *c);
	c->engine = engine;
	if (engine <= ENGINE_NONE || engine >= ENGINE_COUNT) {
		snprintf(err, errlen, "no engine is named; use vllm, sglang or trtllm");
		return -1;
	}
	scenario_resolve(in, &s);
	if (engine_layout_from_strategy(engine, &s, &p.l, err, errlen) != 0)
		return -1;
	serve_engine_resolve(engine, &in->engine, &s.hw, s.strat.tp, &p.eng);
	p.eng.mem_fraction = serve_engine_mem_fraction(engine, &in->engine, &s.hw, &s.model, &s.strat);
	long gpus = s.strat.dp * s.strat.tp * s.strat.pp;
	c->per_host = scenario_gpus_per_host(&s.hw);
	if (c->per_host > gpus)
		c->per_host = gpus;
	c->hosts = (gpus + c->per_host - 1) / c->per_host;
	p.model_id = s.model.hf_id[0] ? s.model.hf_id : s.model.name;
	/* names are checked where they come in; a scenario built in code is
	 * checked here, as the id is a word of a shell script */
	if (name_check(s.model.hf_id[0] ? "model.hf_id" : "model.name", p.model_id, err, errlen) != 0)
		return -1;
	if (p.model_id[0] == '-') {
		snprintf(err, errlen, "%s '%s' starts with '-': the engine would read it as an option",
			 s.model.hf_id[0] ? "model.hf_id" : "model.name", p.model_id);
		return -1;
	}
	if (!s.model.hf_id[0])
		note(c, "model.hf_id is not set: replace %s with the checkpoint's Hugging Face id or path", s.model.name);
	switch (engine) {
	case ENGINE_VLLM: vllm_command(&p, c); break;
	case ENGINE_SGLANG: sglang_command(&p, c); break;
	default: trtllm_command(&p, c); break;
	}
	if (options_close_heredoc(c->options)) {
		snprintf(err, errlen, "the options file holds the line %s that would end its here document",
			 ENGINE_HEREDOC_END);
		return -1;
	}
	return 0;
}

/* Ports of the instances and of the router. */
#define PREFILL_PORT 8100
#define DECODE_PORT 8200
#define ROUTER_PORT 8000

static void role_flags(int engine, bool prefill, struct engine_command *c)
{
	long port = prefill ? PREFILL_PORT : DECODE_PORT;
	switch (engine) {
	case ENGINE_VLLM:
		/* docs "NixlConnector Usage Guide": both ends kv_both */
		flag_str(c, "--kv-transfer-config", "{\"kv_connector\": \"NixlConnector\", \"kv_role\": \"kv_both\"}");
		flag_long(c, "--port", port);
		break;
	case ENGINE_SGLANG:
		/* docs "PD Disaggregation" */
		flag_str(c, "--disaggregation-mode", prefill ? "prefill" : "decode");
		flag_long(c, "--port", port);
		break;
	default: {
		/* docs "Disaggregated Serving": each server moves its KV cache
		 * with a cache transceiver; the context servers do without the
		 * overlap scheduler */
		size_t n = strlen(c->options);
		snprintf(c->options + n, sizeof c->options - n, "cache_transceiver_config:\n  backend: DEFAULT\n%s",
			 prefill && !strstr(c->options, "disable_overlap_scheduler") ? "disable_overlap_scheduler: true\n" : "");
		snprintf(c->options_file, sizeof c->options_file, "%s", prefill ? "extra-llm-api-config-prefill.yml"
										    : "extra-llm-api-config-decode.yml");
		for (int i = 0; i + 1 < c->argc; i++)
			if (!strcmp(c->argv[i], "--extra_llm_api_options"))
				snprintf(c->argv[i + 1], ENGINE_ARG_LEN, "%s", c->options_file);
		flag_long(c, "--port", port);
		break;
	}
	}
}

/* The router: its own words, and the instances' addresses from the
 * script's variables (the prelude builds the lists). */
static void router_command(int engine, struct engine_disagg *d)
{
	struct engine_command *c = &d->router;
	memset(c, 0, sizeof *c);
	c->engine = engine;
	c->hosts = c->per_host = 1;
	switch (engine) {
	case ENGINE_VLLM:
		prelude(c, "set --\n");
		prelude(c, "for a in $PREFILL_ADDRS; do set -- \"$@\" --prefiller-hosts \"$a\" --prefiller-ports %d; done\n",
			PREFILL_PORT);
		prelude(c, "for a in $DECODE_ADDRS; do set -- \"$@\" --decoder-hosts \"$a\" --decoder-ports %d; done\n",
			DECODE_PORT);
		arg(c, "python3");
		arg(c, "toy_proxy_server.py");
		flag_long(c, "--port", ROUTER_PORT);
		raw(c, "\"$@\"");
		note(c, "the router is vLLM's proxy for NixlConnector: tests/v1/kv_connector/nixl_integration/toy_proxy_server.py in its repository");
		break;
	case ENGINE_SGLANG:
		prelude(c, "set --\n");
		prelude(c, "for a in $PREFILL_ADDRS; do set -- \"$@\" --prefill \"http://$a:%d\"; done\n", PREFILL_PORT);
		prelude(c, "for a in $DECODE_ADDRS; do set -- \"$@\" --decode \"http://$a:%d\"; done\n", DECODE_PORT);
		arg(c, "python3");
		arg(c, "-m");
		arg(c, "sglang_router.launch_router");
		arg(c, "--pd-disaggregation");
		raw(c, "\"$@\"");
		flag_str(c, "--host", "0.0.0.0");
		flag_long(c, "--port", ROUTER_PORT);
		break;
	default:
		prelude(c, "{\n  printf 'hostname: 0.0.0.0\\nport: %d\\nbackend: pytorch\\ncontext_servers:\\n  num_instances: %ld\\n  urls:\\n'\n",
			ROUTER_PORT, d->prefill_instances);
		prelude(c, "  for a in $PREFILL_ADDRS; do printf '    - \"%%s:%d\"\\n' \"$a\"; done\n", PREFILL_PORT);
		prelude(c, "  printf 'generation_servers:\\n  num_instances: %ld\\n  urls:\\n'\n", d->decode_instances);
		prelude(c, "  for a in $DECODE_ADDRS; do printf '    - \"%%s:%d\"\\n' \"$a\"; done\n", DECODE_PORT);
		prelude(c, "} > disagg-config.yml\n");
		arg(c, "trtllm-serve");
		arg(c, "disaggregated");
		flag_str(c, "-c", "disagg-config.yml");
		break;
	}
}

int engine_export_disagg(int engine, const struct scenario *in, struct engine_disagg *d, char *err, size_t errlen)
{
	static struct scenario pool;   /* large: not on the stack */
	char why[400];
	memset(d, 0, sizeof *d);
	d->prefill_instances = in->disagg.prefill_workers > 0 ? in->disagg.prefill_workers : 1;
	d->decode_instances = in->disagg.decode_workers > 0 ? in->disagg.decode_workers : 1;
	/* each pool as a server of its own: the prefill pool's strategy and GPU */
	pool = *in;
	pool.work.mode = MODE_SERVING;
	pool.strat = disagg_prefill_strategy(in);
	if (in->disagg.hw_name[0] && in->disagg.hw.name[0])
		pool.hw = in->disagg.hw;
	if (engine_export(engine, &pool, &d->prefill, why, sizeof why) != 0) {
		snprintf(err, errlen, "the prefill pool: %s", why);
		return -1;
	}
	pool = *in;
	pool.work.mode = MODE_SERVING;
	if (engine_export(engine, &pool, &d->decode, why, sizeof why) != 0) {
		snprintf(err, errlen, "the decode pool: %s", why);
		return -1;
	}
	role_flags(engine, true, &d->prefill);
	role_flags(engine, false, &d->decode);
	router_command(engine, d);
	return 0;
}

/* Characters the shell takes literally in a word. */
static bool plain(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-", *w))
			return false;
	return true;
}

/* Append to buf, never past its end (a cut word is cut, never overrun). */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	if (*n + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < len ? *n + (size_t)k : len - 1;
}

static void put_word(char *buf, size_t len, size_t *n, const char *w, bool raw)
{
	if (plain(w) || raw) {
		append(buf, len, n, "%s", w);
		return;
	}
	append(buf, len, n, "'");
	for (; *w; w++) {
		if (*w == '\'')
			append(buf, len, n, "'\\''");
		else
			append(buf, len, n, "%c", *w);
	}
	append(buf, len, n, "'");
}

void engine_command_text(const struct engine_command *c, int pretty, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < c->argc; i++) {
		/* a flag starts a new line when pretty; its value stays beside it */
		bool flag = c->argv[i][0] == '-' && c->argv[i][1] == '-';
		if (i > 0)
			append(buf, len, &n, "%s", pretty && flag ? " \\\n  " : " ");
		put_word(buf, len, &n, c->argv[i], c->raw[i]);
	}
}
