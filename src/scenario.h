/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The inputs of the cost model: hardware, model, workload, strategy,
 * requirements and claims.  Plain data; the key table (keys.h) describes
 * every field for set/get, files and the user interfaces. */
#ifndef MOESCOPE_SCENARIO_H
#define MOESCOPE_SCENARIO_H

#include <stdbool.h>

#define NAME_MAX_LEN 64

enum attention_kind { ATTN_GQA, ATTN_MLA };
/* MODE_DISAGG: serving with prefill and decode on pools of their own. */
enum workload_mode { MODE_STATIC, MODE_SERVING, MODE_DISAGG };
/* The serving engine whose memory rule and scheduler limits apply
 * (src/serve.c); ENGINE_NONE keeps the plain continuous-batching model. */
enum engine_kind { ENGINE_NONE, ENGINE_VLLM, ENGINE_SGLANG, ENGINE_TRTLLM, ENGINE_COUNT };
/* How requests arrive: a fixed number in flight (what benchmark tools run)
 * or an open Poisson stream at workload.rate. */
enum arrival_kind { ARRIVAL_CLOSED, ARRIVAL_POISSON };
/* How an engine schedules prefills: chunks riding in the decode steps, or
 * batches of their own while decode waits; PREFILL_AUTO: the engine's. */
enum prefill_kind { PREFILL_AUTO, PREFILL_MIXED, PREFILL_SEPARATE };
/* What an engine sets aside for a sequence it admits: its whole prompt and
 * output at once, or pages as it grows; ADMIT_AUTO: the engine's. */
enum admit_kind { ADMIT_RULE_AUTO, ADMIT_RULE_WHOLE, ADMIT_RULE_PAGED };
/* Whether the engine keeps a prefix cache (auto: the engine's default). */
enum prefix_kind { PREFIX_AUTO, PREFIX_ON, PREFIX_OFF };
/* When an engine schedules its next step: after this one ends (sync), or
 * while it runs (overlap: vLLM's async scheduling, the overlap schedulers
 * of SGLang and TensorRT-LLM), so that a request that comes in waits for
 * one step more; SCHED_AUTO: the engine's. */
enum sched_kind { SCHED_AUTO, SCHED_SYNC, SCHED_OVERLAP };
/* DTYPE_AUTO: derived from the weight width. */
enum compute_dtype { DTYPE_AUTO, DTYPE_BF16, DTYPE_FP8, DTYPE_FP4 };

struct hardware {
	char name[NAME_MAX_LEN];
	double mem_gib;
	double tflops_bf16, tflops_fp8, tflops_fp4;
	double mfu;
	double hbm_tbps, hbm_util;
	long gpus_per_node;
	long gpus_per_host;    /* GPUs of one machine (one OS, one launch); 0: gpus_per_node */
	double intra_gbps, inter_gbps;
	double intra_lat_us, inter_lat_us;
	double kernel_us;
	double expert_us;    /* fixed cost per touched expert (grouped-GEMM tiles) */
	double reserved_gib;
	double usd_per_gpu_hour;   /* what a GPU costs an hour; NaN: not known */
	char price_source[NAME_MAX_LEN];   /* where that price comes from, and its date; "" not said */
	double watts;              /* board power of one GPU; NaN: not known */
};

/* Integer fields documented as "auto" or "default" hold 0 for that. */
struct model {
	char name[NAME_MAX_LEN];
	long layers, dense_layers, hidden;
	long heads, kv_heads, head_dim;
	int attention;
	long q_lora_rank, kv_lora_rank, qk_rope_dim, qk_nope_dim, v_head_dim;
	long experts, top_k, shared_experts;
	long expert_ffn, shared_ffn, dense_ffn;
	bool gated;
	long vocab;
	bool tied_embeddings;
	double weight_bytes, expert_weight_bytes, kv_bytes, act_bytes;
	double head_bytes;         /* embedding and LM head; 0: auto (scenario_head_bytes) */
	int compute_dtype;
	double params_b;
	long mtp_layers;           /* multi-token prediction layers the checkpoint has */
	/* Attention kinds: of the layers, window_layers attend to the last
	 * sliding_window tokens only, chunk_layers to the tokens of their own
	 * chunk of attention_chunk_size; the rest see the whole context. */
	long window_layers, sliding_window;
	long chunk_layers, attention_chunk_size;
	/* linear_layers keep a fixed state per sequence instead of a KV cache
	 * (Gated DeltaNet): its heads and dims, and the short convolution
	 * over the last linear_conv_kernel tokens. */
	long linear_layers, linear_key_heads, linear_value_heads;
	long linear_key_dim, linear_value_dim, linear_conv_kernel;
	/* sparse_layers attend to the sparse_topk tokens an indexer of
	 * index_heads heads of index_head_dim picks (DeepSeek sparse attention). */
	long sparse_layers, sparse_topk, index_heads, index_head_dim;
	char hf_id[NAME_MAX_LEN];  /* its Hugging Face id, or "" */
};

struct workload {
	int mode;
	long batch, prompt_len, output_len, microbatches;
	double ttft_overhead_ms;
	int engine;        /* enum engine_kind */
	int arrival;       /* enum arrival_kind */
	double rate;       /* requests/s of the whole deployment (poisson) */
	long requests;     /* requests a closed-loop benchmark sends in all */
	long spec_tokens;      /* speculative decoding: draft tokens a step verifies (0: none) */
	bool decode_only;      /* not a key: serving steps that carry no prompt (a decode pool) */
	double spec_accepted;  /* mean draft tokens accepted a step, what engines report */
	/* traffic as it is: the share of a prompt the engine finds in its
	 * prefix cache, and sessions of turns whose prompts carry the
	 * conversation so far (each turn's cached from the last) */
	double prefix_hit;
	long turns;
	/* lengths spread uniformly over [L (1 - r), L (1 + r)] about their
	 * means, as vLLM's and SGLang's benchmarks draw them */
	double range_ratio;
};

/* What an engine does that changes the figures.  0 (or NaN for the
 * overheads) stands for the engine's own default (serve_engine_resolve). */
struct engine_cfg {
	double mem_fraction;      /* in the engine's own meaning (serve.h) */
	long max_seqs;            /* running sequences per replica */
	long max_batched_tokens;  /* tokens per step (chunked-prefill budget) */
	long graph_max_seqs;      /* decode steps of up to this many sequences replay a CUDA graph */
	double step_us;           /* host-side cost of every step */
	double seq_us;            /* host-side cost of each running sequence in a step */
	double frontend_ms;       /* request path outside the GPU, added to TTFT */
	int prefill;              /* enum prefill_kind */
	int admit;                /* enum admit_kind */
	int scheduler;            /* enum sched_kind */
	int prefix_cache;         /* enum prefix_kind */
};

struct strategy {
	long dp, tp, pp, ep;
	long etp;          /* 0 = auto */
	double overlap;
	double imbalance;  /* 0 = auto */
};

/* Disaggregated serving: the prefill pool's strategy (each degree 0: the
 * decode pool's, strategy.*) and how many instances each pool has. */
struct disagg {
	long dp, tp, pp, ep, etp;   /* the prefill pool; etp 0: auto */
	long prefill_workers, decode_workers;
	/* the prefill pool's own GPU: a hardware preset's name ("" for the
	 * decode pool's), and that preset, filled in by the preset layer */
	char hw_name[NAME_MAX_LEN];
	struct hardware hw;
};

/* Optional figures are NaN when not given. */
struct requirements {
	double ttft_s, tpot_ms, tokens_per_ms_per_gpu;
	double tokens_per_s_per_user;   /* interactivity: at least this, 1000/TPOT */
	/* bounds on the p90 and p99 of TTFT and TPOT (where not derived, the
	 * means stand for them: requirements_tail) */
	double ttft_p90_s, ttft_p99_s, tpot_p90_ms, tpot_p99_ms;
};

/* claims.valid: what a report says of its own strategy */
enum claim_valid { CLAIM_VALID_NONE, CLAIM_VALID_TRUE, CLAIM_VALID_FALSE };
/* What a figure claim says: about this much (within the tolerance), at
 * most ("<= 0.1", "under 0.1 s") or at least (">= 100"). */
enum claim_rel { REL_ABOUT, REL_AT_MOST, REL_AT_LEAST };

struct claims {
	int valid;
	double gpus, shards, mem_per_gpu_gib, ttft_s, tpot_ms, tokens_per_ms_per_gpu;
	int gpus_rel, shards_rel, mem_per_gpu_gib_rel, ttft_s_rel, tpot_ms_rel, tokens_per_ms_per_gpu_rel;
	double tolerance;
};

struct scenario {
	char name[NAME_MAX_LEN];
	struct hardware hw;
	struct model model;
	struct workload work;
	struct engine_cfg engine;
	struct strategy strat;
	struct disagg disagg;
	struct requirements req;
	struct claims claims;
};

/* etp auto: tp when ep*tp divides dp*tp, else dp*tp/ep; stays 0 when
 * neither folds. */
void scenario_resolve_etp(struct strategy *st);
/* Whether a dense FFN written as one expert is computed as dense layers
 * under this strategy: one expert group split like the attention (etp
 * auto or tp). */
bool scenario_dense_form(const struct strategy *st);

/* model.head_bytes auto: the embedding and LM head stay bf16 in an fp8 or
 * fp4 checkpoint (only the layers' linear weights are quantized), and are
 * the weights' own width otherwise. */
double scenario_head_bytes(double weight_bytes);

/* The compute dtype in force (never DTYPE_AUTO) and its peak TFLOP/s after
 * falling back to the next wider dtype the GPU supports. */
int scenario_compute_dtype(const struct model *m);
double scenario_peak_tflops(const struct hardware *hw, int dtype);

const char *dtype_name(int dtype);

/* Whether a percentile of TTFT or TPOT is required (the evaluation then
 * derives them where it can). */
bool scenario_tail_required(const struct requirements *q);

/* The GPUs of one machine: hardware.gpus_per_host, or when 0 the NVLink
 * domain's (a domain of one host, as on an HGX board); at least 1. */
long scenario_gpus_per_host(const struct hardware *hw);

#endif
