/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serving layer's arithmetic: engine profiles (what vLLM, SGLang and
 * TensorRT-LLM do by default), the KV pool each engine sets aside, which
 * batch it admits, and how requests that arrive in a closed loop or as a
 * Poisson stream wait.  Pure functions of numbers: the step model
 * (step_ctx.h) gives the time of one forward pass, this says which passes
 * run and what a user sees (serve_ctx.h composes them).  The engines'
 * profiles are in serve_engine.c, the arithmetic of queues in
 * serve_queue.c. */
#ifndef MOESCOPE_SERVE_H
#define MOESCOPE_SERVE_H

#include "result.h"
#include "scenario.h"

/* What an engine's memory setting is a fraction of. */
enum mem_rule {
	MEM_RULE_NONE,    /* no engine: the batch's own KV must fit */
	MEM_RULE_TOTAL,   /* vLLM gpu_memory_utilization: weights, activations, overhead and KV within f x total */
	MEM_RULE_STATIC,  /* SGLang mem_fraction_static: weights and KV within f x total */
	MEM_RULE_FREE,    /* TensorRT-LLM free_gpu_memory_fraction: KV is f x what is free after weights and buffers */
};

const char *serve_engine_name(int engine);
/* The engine's name as its users write it: vLLM, SGLang, TensorRT-LLM. */
const char *serve_engine_display_name(int engine);
int serve_mem_rule(int engine);
/* The engine of a name as benchmark files write it (vllm, sglang, trtllm,
 * also tensorrt-llm), or ENGINE_NONE. */
int serve_engine_find(const char *name);

/* The engine section with every auto/none field replaced by the engine's
 * default for this GPU and tensor-parallel degree.  With ENGINE_NONE
 * every field is 0 (no limit, no overhead). */
void serve_engine_resolve(int engine, const struct engine_cfg *in, const struct hardware *hw, long tp,
			  struct engine_cfg *out);

/* The GPUs of one engine instance per pipeline stage, as the engine's
 * tensor-parallel flag counts them: tp, except SGLang with DP attention,
 * used when the experts span data-parallel ranks (dp > 1 and ep x etp
 * does not divide tp): one instance of dp x tp GPUs.  etp resolved. */
long serve_instance_tp(int engine, const struct model *m, const struct strategy *st);

/* engine.mem_fraction when set, else the engine's default for the
 * strategy's instance on this GPU (SGLang's depends on both). */
double serve_engine_mem_fraction(int engine, const struct engine_cfg *in, const struct hardware *hw,
				 const struct model *m, const struct strategy *st);

/* engine.graph_max_seqs when set, else the most sequences (per replica) a
 * decode step may hold and still replay the engine's CUDA graph, for this
 * instance and this many speculative tokens; 0 without an engine. */
long serve_engine_graph_max_seqs(int engine, const struct engine_cfg *in, const struct hardware *hw,
				 const struct model *m, const struct strategy *st, long spec_tokens);

/* Whether a decode step of `running` sequences per replica (a mean, so
 * its steps reach the next whole number) is past a graph limit `cap`
 * (serve_engine_graph_max_seqs; 0: none known). */
bool serve_past_graphs(long cap, double running);

/* Whether the engine's KV cache frees what a sliding-window or chunked
 * layer no longer attends to: vLLM's hybrid KV cache manager gives such
 * layers their own group of blocks and frees the blocks out of the window
 * (vllm/v1/core/single_type_kv_cache_manager.py, SlidingWindowManager and
 * ChunkedLocalAttentionManager); SGLang keeps window layers in a pool of
 * their own (its SWA memory pool); TensorRT-LLM sizes every layer's cache
 * for the whole sequence unless kv_cache_config.max_attention_window lists
 * the windows, which trtllm-serve does not set by default.  Without an
 * engine: freed, as the physics allows. */
bool serve_frees_windows(int engine);

/* How an engine keeps linear layers' states.  SGLang stores the recurrent
 * state in FP32 (server_args mamba_ssm_dtype "float32") in a pool of its
 * own, mamba_full_memory_ratio = 0.9 of the full-attention KV pool's size
 * (python/sglang/srt/server_args.py); vLLM keeps it in the model's type
 * (mamba_ssm_cache_dtype "auto") in pages of the one shared pool, as its
 * hybrid KV cache manager does; TensorRT-LLM likewise in the model's type.
 * bytes 0: the activations' type; ratio 0: one shared pool. */
void serve_linear_state(int engine, double *ssm_bytes, double *pool_ratio);

/* What trtllm-bench's engine settings for an offline throughput run
 * depend on: the checkpoint (total parameters, bytes per weight), the
 * KV cache's shape, the GPUs and the lengths of the benchmark. */
struct trtllm_bench_in {
	double params, weight_bytes, mem_gib;
	long tp, pp, layers, kv_heads, head_dim;
	double kv_bytes;
	long prompt_len, output_len;
};
/* Its max_batch_size and max_num_tokens; both 0 when the weights leave no
 * room for one request. */
void serve_trtllm_bench_limits(const struct trtllm_bench_in *in, long *max_bs, long *max_tokens);

/* Bytes of one GPU's KV pool under the engine's rule, from its capacity,
 * weights, peak activations and runtime reserve (all bytes); may be <= 0.
 * Inline: every evaluation of every device pays it. */
static inline double serve_kv_pool_bytes(int rule, double fraction, double capacity, double weights, double act,
					 double reserved)
{
	switch (rule) {
	case MEM_RULE_TOTAL:
		return fraction * capacity - weights - act - reserved;
	case MEM_RULE_STATIC:
		return fraction * capacity - weights;
	case MEM_RULE_FREE:
		return fraction * (capacity - weights - act - reserved);
	default:
		return capacity - weights - act - reserved;
	}
}

/* Sequences running at once on one replica: the requests in flight on it,
 * at most max_seqs (0: no limit) and as many as the pool holds at
 * tokens_per_seq each (pool_tokens NaN: no limit).  *cap says what bound. */
double serve_admit(double in_flight, double max_seqs, double pool_tokens, double tokens_per_seq, int *cap);

/* Chunked prefill.  A prompt of S tokens with a budget of tb tokens per
 * step (0: no budget) takes `chunks` steps; when it fits, up to `group`
 * prompts that arrive together share one step (at most b of them). */
struct prefill_plan {
	double chunks, group;
};
struct prefill_plan serve_prefill_plan(double S, double tb, double b, bool grouped);

/* Share of the decode steps that also carry a prefill: b new prompts per
 * O steps, in groups, each taking `chunks` steps; at most every step. */
double serve_mixed_share(double b, double O, struct prefill_plan pp);

/* A closed loop of n requests per replica of which b run: each request
 * lives l1 = ttft0 + O*tpot when it need not wait, and the replica starts
 * at most prefill_rate requests per second.  The mean TTFT, wait
 * included (Little's law over the loop). */
double serve_closed_ttft(double n, double b, double ttft0, double O, double tpot, double prefill_rate);

/* The wait of a prompt in a closed loop of b running requests for the
 * prefill of the prompts ahead of it.  Each request lives l0 plus this
 * wait, so prompts arrive at b / (l0 + wait) a second, each bringing p
 * seconds of prefill work, and queue for the steps that carry them (t
 * seconds a prompt) like an M/D/1 queue: the wait is the root of that
 * fixed point, and never more than the other b - 1 prompts' steps. */
double serve_closed_prefill_wait(double b, double p, double t, double l0);

/* Dollars per million output tokens at a rate per GPU, and joules per
 * output token; NaN when the price or the power is not known. */
double serve_usd_per_mtok(double usd_per_gpu_hour, double tokens_per_s_per_gpu);
double serve_joules_per_token(double watts, double tokens_per_s_per_gpu);

/* M/D/1 wait of a server busy rho of the time with service time t. */
double serve_md1_wait(double rho, double t);

/* The spread of a closed loop's requests.  A wave's prompts are done
 * after 1, 2, ..., steps of its prefill steps, equally many after each:
 * the q-quantile is the ceil(q steps)-th.  Under a mixed engine only the
 * loop's first wave is one (a share `first` of the requests) and the rest
 * come back at the steady TTFT; a separate-prefill engine's waves form
 * every round, and a prompt done after its j-th step waits the other
 * steps - j before its decode, so the TPOT's quantiles run the other way.
 * The wait for a slot (`shift`) is everyone's. */
struct serve_spread {
	double steps, step_s;   /* a wave's prefill steps and the time of one */
	double wave_base;       /* a wave's TTFT less its own steps */
	double steady;          /* the TTFT of the later rounds (mixed) */
	double first;           /* the share of requests in a wave */
	double shift;           /* the wait for a slot */
	double tpot_clean;      /* the TPOT of a request not held up by its wave */
	double O;               /* output tokens */
	bool separate;          /* prefill apart from decode: every round a wave */
};

/* The p50, p90 and p99 of the TTFT (s) and TPOT (ms); left as they are
 * when the steps take no time or no finite time. */
void serve_spread_percentiles(const struct serve_spread *x, double ttft_s[3], double tpot_ms[3]);

#endif
