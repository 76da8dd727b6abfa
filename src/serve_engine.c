/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine profiles (serve.h): each engine's defaults on a GPU, its memory
 * rule and fraction, its CUDA-graph sizes and the GPUs of one instance. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

static const char *const engine_names[ENGINE_COUNT] = { "none", "vllm", "sglang", "trtllm" };

const char *serve_engine_name(int engine)
{
	return engine >= 0 && engine < ENGINE_COUNT ? engine_names[engine] : "none";
}

const char *serve_engine_display_name(int engine)
{
	static const char *const names[ENGINE_COUNT] = { "none", "vLLM", "SGLang", "TensorRT-LLM" };
	return engine >= 0 && engine < ENGINE_COUNT ? names[engine] : "none";
}

int serve_engine_find(const char *name)
{
	for (int e = 1; e < ENGINE_COUNT; e++)
		if (strcasecmp(name, engine_names[e]) == 0)
			return e;
	if (strcasecmp(name, "tensorrt-llm") == 0 || strcasecmp(name, "tensorrt_llm") == 0)
		return ENGINE_TRTLLM;
	return ENGINE_NONE;
}

bool serve_frees_windows(int engine)
{
	return engine != ENGINE_TRTLLM;
}

void serve_linear_state(int engine, double *ssm_bytes, double *pool_ratio)
{
	*ssm_bytes = engine == ENGINE_SGLANG ? 4.0 : 0.0;
	*pool_ratio = engine == ENGINE_SGLANG ? 0.9 : 0.0;
}

int serve_mem_rule(int engine)
{
	switch (engine) {
	case ENGINE_VLLM: return MEM_RULE_TOTAL;
	case ENGINE_SGLANG: return MEM_RULE_STATIC;
	case ENGINE_TRTLLM: return MEM_RULE_FREE;
	default: return MEM_RULE_NONE;
	}
}

/* The defaults each engine picks for itself when launched without flags.
 * Sources (the engines' own code):
 * - vLLM: CacheConfig.gpu_memory_utilization = 0.9 of the whole GPU;
 *   EngineArgs batch defaults for the OpenAI server (vllm/engine/arg_utils.py):
 *   GPUs of 70 GiB or more that are not A100: max_num_seqs 1024 and
 *   max_num_batched_tokens 8192; others 256 and 2048.
 * - SGLang: ServerArgs._handle_gpu_memory_settings (python/sglang/srt/
 *   server_args.py, since sgl-project/sglang#10975, release 0.5.4):
 *   chunked_prefill_size and cuda_graph_max_bs by the GPU's memory, and
 *   mem_fraction_static = (memory - reserved) / memory (sglang_fraction);
 *   running requests bounded by the request pool, at most 4096.
 * - TensorRT-LLM: KvCacheConfig.free_gpu_memory_fraction = 0.9 of the memory
 *   free after weights and runtime buffers; BuildConfig max_batch_size 2048
 *   and max_num_tokens 8192, which trtllm-serve passes on.
 * - CUDA graphs, the largest decode batch replayed as one (graph_max_seqs):
 *   vLLM captures decode steps of up to max_cudagraph_capture_size tokens,
 *   min(2 x max_num_seqs x (1 + draft tokens), 512) (VllmConfig; since
 *   vllm-project/vllm#20628); SGLang up to cuda_graph_max_bs sequences, by
 *   the GPU's memory and tp (sglang_graph_bs);
 *   TensorRT-LLM's PyTorch back end up to CudaGraphConfig.max_batch_size,
 *   128 when not given (tensorrt_llm/llmapi/llm_args.py), and only for
 *   steps of decode requests alone.
 * - The next step is scheduled while this one runs in all three (overlap):
 *   vLLM SchedulerConfig.async_scheduling, on by default since the
 *   releases of late 2025 (vllm-project/vllm#27614); SGLang ServerArgs
 *   disable_overlap_schedule = False; TensorRT-LLM TorchLlmArgs
 *   disable_overlap_scheduler = False (the PyTorch backend of trtllm-serve).
 * step_us, seq_us and frontend_ms are not settings: they are what each engine's
 * host side adds, measured on data/validation/serving-runs.csv (README,
 * Accuracy) and the same on every GPU and model. */
struct profile {
	double step_us, seq_us, frontend_ms;
};
static const struct profile profiles[ENGINE_COUNT] = {
	[ENGINE_NONE] = { 0, 0, 0 },
	[ENGINE_VLLM] = { 0, 32.6, 34.3 },
	[ENGINE_SGLANG] = { 2, 28.5, 81.3 },
	[ENGINE_TRTLLM] = { 0, 25.4, 135 },
};

/* SGLang's sizes by the GPU's memory in MiB (as nvidia-smi reports it):
 * chunked_prefill_size, and cuda_graph_max_bs for an instance of tp GPUs. */
static double sglang_chunk(double mib)
{
	if (mib < 35 * 1024)
		return 2048;
	if (mib < 60 * 1024)
		return 4096;
	return mib < 160 * 1024 ? 8192 : 16384;
}

static double sglang_graph_bs(double mib, long tp)
{
	if (mib < 20 * 1024)
		return 8;
	if (mib < 35 * 1024)
		return tp < 4 ? 24 : 80;
	if (mib < 60 * 1024)
		return tp < 4 ? 32 : 160;
	if (mib < 160 * 1024)
		return tp < 4 ? 256 : 512;
	return 512;
}

/* mem_fraction_static: what is left of the GPU after a reserve (MiB) for
 * prefill activations (1.5 per token of a chunk), CUDA graphs (2 per
 * captured sequence), 1024 per 8 GPUs of the instance and, with DP
 * attention, its padding (3, and 1.5 more past 300, per graph sequence and
 * DP rank); at least 10 GiB on GPUs above 60 GiB.  Rounded as SGLang does.
 * graph_bs: cuda_graph_max_bs when given (0: SGLang's own). */
static double sglang_fraction(const struct hardware *hw, long tp, long pp, long attn_dp, long graph_bs)
{
	double mib = hw->mem_gib * 1024.0;
	if (!(mib > 0))
		return 0.88;   /* SGLang's value when it cannot read the memory */
	double bs = graph_bs > 0 ? (double)graph_bs : sglang_graph_bs(mib, tp);
	double reserved = 512 + fmax(sglang_chunk(mib), 2048) * 1.5 + bs * 2 + (double)(tp * pp) / 8.0 * 1024;
	if (attn_dp > 1) {
		reserved += bs * (double)attn_dp * 3;
		if (bs > 300)
			reserved += bs * (double)attn_dp * 1.5;
	}
	if (mib > 60 * 1024)
		reserved = fmax(reserved, 10 * 1024);
	return round((mib - reserved) / mib * 1000.0) / 1000.0;
}

/* vLLM keeps the small defaults on A100 even with 80 GiB. */
static bool is_a100(const char *name)
{
	for (const char *p = name; *p; p++)
		if (strncasecmp(p, "a100", 4) == 0)
			return true;
	return false;
}

static void engine_defaults(int engine, const struct hardware *hw, long tp, long graph_bs, struct engine_cfg *d)
{
	bool big = engine == ENGINE_VLLM && hw->mem_gib >= 70 && !is_a100(hw->name);
	*d = (struct engine_cfg){ 0 };
	switch (engine) {
	case ENGINE_VLLM:
		/* chunked prefill, always on in the V1 engine */
		d->prefill = PREFILL_MIXED;
		/* PagedAttention: blocks as a sequence grows, preemption when full */
		d->admit = ADMIT_RULE_PAGED;
		d->mem_fraction = 0.9;
		d->max_seqs = big ? 1024 : 256;
		d->max_batched_tokens = big ? 8192 : 2048;
		break;
	case ENGINE_SGLANG:
		/* prefill batches run apart from decode (enable_mixed_chunk off) */
		d->prefill = PREFILL_SEPARATE;
		/* paged KV: a request holds what it has; decode retracts when full */
		d->admit = ADMIT_RULE_PAGED;
		d->mem_fraction = sglang_fraction(hw, tp, 1, 1, graph_bs);
		d->max_seqs = 4096;
		d->max_batched_tokens = sglang_chunk(hw->mem_gib * 1024.0);
		d->graph_max_seqs = (long)sglang_graph_bs(hw->mem_gib * 1024.0, tp);
		break;
	case ENGINE_TRTLLM:
		/* in-flight batching: context requests join the generation step */
		d->prefill = PREFILL_MIXED;
		/* the GUARANTEED_NO_EVICT capacity scheduler reserves prompt + max output */
		d->admit = ADMIT_RULE_WHOLE;
		d->mem_fraction = 0.9;
		d->max_seqs = 2048;
		d->max_batched_tokens = 8192;
		d->graph_max_seqs = 128;
		break;
	default:
		return;
	}
	d->scheduler = SCHED_OVERLAP;
	/* prefix caching is on by default: vLLM's enable_prefix_caching (V1),
	 * SGLang's radix cache, TensorRT-LLM's kv_cache_config.enable_block_reuse */
	d->prefix_cache = PREFIX_ON;
	d->step_us = profiles[engine].step_us;
	d->seq_us = profiles[engine].seq_us;
	d->frontend_ms = profiles[engine].frontend_ms;
}

long serve_instance_tp(int engine, const struct model *m, const struct strategy *st)
{
	long G = st->dp * st->tp;
	if (engine != ENGINE_SGLANG || st->dp <= 1 || st->ep <= 0 || st->etp <= 0)
		return st->tp;
	if (m->experts <= 1)
		return st->etp == G && st->etp != st->tp ? G : st->tp;
	return st->tp % (st->ep * st->etp) ? G : st->tp;
}

double serve_engine_mem_fraction(int engine, const struct engine_cfg *in, const struct hardware *hw,
				 const struct model *m, const struct strategy *st)
{
	if (in->mem_fraction > 0)
		return in->mem_fraction;
	if (engine == ENGINE_SGLANG) {
		long inst = serve_instance_tp(engine, m, st);
		return sglang_fraction(hw, inst, st->pp, inst != st->tp ? st->dp : 1, in->graph_max_seqs);
	}
	return engine == ENGINE_VLLM || engine == ENGINE_TRTLLM ? 0.9 : 0;
}

long serve_engine_graph_max_seqs(int engine, const struct engine_cfg *in, const struct hardware *hw,
				 const struct model *m, const struct strategy *st, long spec_tokens)
{
	struct engine_cfg d, e;
	long inst = serve_instance_tp(engine, m, st);
	if (in->graph_max_seqs > 0)
		return in->graph_max_seqs;
	if (engine <= ENGINE_NONE || engine >= ENGINE_COUNT)
		return 0;
	if (engine != ENGINE_VLLM) {
		engine_defaults(engine, hw, inst, 0, &d);
		return d.graph_max_seqs;
	}
	/* vLLM counts a decode step's tokens, 1 + the draft tokens a sequence */
	serve_engine_resolve(engine, in, hw, inst, &e);
	long q = 1 + (spec_tokens > 0 ? spec_tokens : 0);
	long tokens = 2 * e.max_seqs * q < 512 ? 2 * e.max_seqs * q : 512;
	return tokens / q;
}

bool serve_past_graphs(long cap, double running)
{
	return cap > 0 && ceil(running) > (double)cap;
}

void serve_engine_resolve(int engine, const struct engine_cfg *in, const struct hardware *hw, long tp,
			  struct engine_cfg *out)
{
	struct engine_cfg d;
	if (engine <= ENGINE_NONE || engine >= ENGINE_COUNT) {
		/* no engine: nothing limits the batch, nothing is added (and
		 * the hot path of a search pays nothing for it) */
		*out = (struct engine_cfg){ 0 };
		return;
	}
	engine_defaults(engine, hw, tp, in->graph_max_seqs, &d);
	*out = *in;
	if (out->mem_fraction <= 0)
		out->mem_fraction = d.mem_fraction;
	if (out->max_seqs <= 0)
		out->max_seqs = d.max_seqs;
	if (out->max_batched_tokens <= 0)
		out->max_batched_tokens = d.max_batched_tokens;
	if (isnan(out->step_us))
		out->step_us = d.step_us;
	if (isnan(out->seq_us))
		out->seq_us = d.seq_us;
	if (isnan(out->frontend_ms))
		out->frontend_ms = d.frontend_ms;
	if (out->prefill == PREFILL_AUTO)
		out->prefill = d.prefill;
	if (out->admit == ADMIT_RULE_AUTO)
		out->admit = d.admit;
	if (out->scheduler == SCHED_AUTO)
		out->scheduler = d.scheduler;
	if (out->prefix_cache == PREFIX_AUTO)
		out->prefix_cache = d.prefix_cache;
}

/* trtllm-bench sizes its engine from an estimate of the KV cache
 * (TensorRT-LLM, tensorrt_llm/bench/build/tuning.py: calc_engine_setting and
 * finetune_setting): what the GPUs hold beyond the weights, 0.95 of it, in
 * requests of prompt + output tokens, at most 4096 and split over the
 * pipeline; then a batch rounded up to 32, 128 or 256 and a token budget
 * of that batch times 1 + prompt/output, at most 32768, rounded up. */
void serve_trtllm_bench_limits(const struct trtllm_bench_in *in, long *max_bs, long *max_tokens)
{
	const double gib = 1073741824.0;
	double kv_heads = in->kv_heads > in->tp ? in->kv_heads : in->tp;
	double per_token = 2.0 * in->layers * kv_heads * in->head_dim * in->kv_bytes / gib;
	double gpus = (double)(in->tp * in->pp);
	double free_gib = in->mem_gib * gpus - in->params * in->weight_bytes / gib;
	double requests = free_gib * 0.95 / (per_token * (double)(in->prompt_len + in->output_len));
	double bs = fmin(requests, 4096.0) / (double)in->pp;
	double tokens = fmin(bs * (1.0 + (double)in->prompt_len / (double)in->output_len), 32768.0);
	if (bs < 256)
		*max_bs = (long)fmax(64.0, 32.0 * ceil(bs / 32.0));
	else if (bs < 1024)
		*max_bs = (long)(128.0 * ceil(bs / 128.0));
	else
		*max_bs = (long)(256.0 * ceil(bs / 256.0));
	if (tokens < 4096)
		*max_tokens = (long)fmax(2048.0, 256.0 * ceil(tokens / 256.0));
	else if (tokens < 8192)
		*max_tokens = (long)(512.0 * ceil(tokens / 512.0));
	else
		*max_tokens = (long)(1024.0 * ceil(tokens / 1024.0));
	if (!(requests >= 1)) {
		*max_bs = 0;   /* the weights leave no room: trtllm-bench refuses */
		*max_tokens = 0;
	}
}
