/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figures of one evaluation, filled layer by layer: the step layer
 * (step_*) writes the validity, the layout, the parameters, the memory per
 * device class and the time of each pass; the serving layer (serve_*) the
 * running batch, TTFT, TPOT, their percentiles and the rates; the
 * deployment layer (deploy_*) the disaggregated pools.  Plain data, with
 * the helpers that read it back (result.c). */
#ifndef MOESCOPE_RESULT_H
#define MOESCOPE_RESULT_H

#include <stdbool.h>

#include "params.h"
#include "scenario.h"

#define COST_MAX_STAGES 128
/* Consecutive pipeline stages that hold the same layers take the same time
 * and memory: at most seven such classes whatever pp is, each with one or
 * two kinds of device (EP ranks with one expert more or not). */
#define COST_STAGE_CLASSES 7
#define COST_MAX_DEVICES (2 * COST_STAGE_CLASSES)

/* Structural errors: any of these leaves the figures uncomputed. */
enum cost_error {
	CE_BAD_MODEL = 1 << 0,   /* E_BAD_VALUE, reason in result.bad_model */
	CE_TP_HEADS = 1 << 1,
	CE_EP_EXPERTS = 1 << 2,
	CE_FOLD = 1 << 3,
	CE_PP_LAYERS = 1 << 4,
	CE_PREFILL = 1 << 5,      /* disaggregated: the prefill pool's strategy is not valid */
};

/* Where a sequence's cache lives: full layers' KV, windows', chunks',
 * linear layers' states, sparse layers' KV with their indexer's keys. */
enum kv_kind { KV_FULL, KV_WINDOW, KV_CHUNK, KV_LINEAR, KV_SPARSE, KV_KINDS };

enum bad_model {
	BM_NONE, BM_EXPERT_FFN, BM_DENSE_LAYERS, BM_DENSE_FFN, BM_KV_HEADS,
	BM_TOP_K, BM_MLA_DIMS, BM_HEAD_DIM, BM_SHARED_FFN, BM_ATTN_KINDS, BM_LINEAR_DIMS, BM_SPARSE_DIMS,
};

enum cost_op {
	OP_ATTN_PROJ, OP_ATTN_CORE, OP_DENSE_FFN, OP_ROUTER, OP_SHARED, OP_EXPERTS,
	OP_LM_HEAD, OP_COUNT
};

enum comm_kind { COMM_TP, COMM_EP, COMM_ETP, COMM_PP, COMM_COUNT };

/* What a phase's time is made of; the largest part is its bottleneck.
 * BOUND_BUBBLE: a device waiting for the other pipeline stages;
 * BOUND_HOST: the engine's host side (scheduling, sampling, streaming)
 * and a decode's wait for the prefill of its wave (serving, engine). */
enum bound {
	BOUND_COMPUTE, BOUND_MEMORY, BOUND_COMM_TP, BOUND_COMM_EP, BOUND_COMM_ETP,
	BOUND_COMM_PP, BOUND_BUBBLE, BOUND_HOST, BOUND_COUNT
};

/* Why the running batch is smaller than the requests in flight. */
enum admit_cap { ADMIT_ALL, ADMIT_KV, ADMIT_MAX_SEQS };

struct device_mem {
	int stage;
	int stages;          /* stages stage .. stage+stages-1 hold the same */
	long experts;        /* routed experts per MoE layer on this device */
	double count;        /* GPUs of this class */
	long layers, dense_layers, moe_layers;
	double weights_gib, kv_gib, act_gib, reserved_gib, total_gib, capacity_gib;
};

struct phase {
	double time_s;                 /* TTFT, or TPOT in seconds */
	/* One pass of one microbatch through every stage (busiest device class). */
	double ops_compute_s;          /* time of ops that were compute-bound */
	double ops_memory_s;           /* time of ops that were memory-bound */
	double comm_s[COMM_COUNT];     /* exposed communication */
	double stage_sum_s, stage_max_s;
	/* The split of time_s per device (adds up to time_s). */
	double part_s[BOUND_COUNT];
	double compute_s, memory_s, comm_total_s, bubble_s, host_s;
	int bottleneck;
	double tokens;                 /* T of the pass */
	double imbalance;              /* expert load imbalance of the pass */
	double touched;                /* experts touched per MoE layer on the busiest GPU */
	/* The time per op: only cost_evaluate_detail() fills them;
	 * cost_evaluate() leaves them zero. */
	double op_compute_s[OP_COUNT];
	double op_memory_s[OP_COUNT];
};

/* Collective time of one layer of each kind in one pass, for `show comm`. */
struct layer_comm {
	double attn_ar_s, dense_ar_s, moe_a2a_s, moe_ar_s, moe_etp_ar_s, p2p_s;
	double attn_ar_bytes, moe_a2a_bytes, moe_etp_bytes, p2p_bytes;
};

struct result {
	unsigned errors;        /* enum cost_error bits */
	int bad_model;          /* enum bad_model when CE_BAD_MODEL */
	bool params_ok;         /* parameter counts are meaningful */
	bool layout_ok;         /* shards and replication are meaningful */
	bool ok;                /* every figure below is computed */

	/* Layout (section 3) */
	double gpus, nodes, shards, replication;
	long G, etp, edp, experts_max, experts_min;
	long expert_ffn;        /* resolved f_e */
	bool tp_intra, etp_intra, ep_intra;
	long ep_per_node;       /* g_ep */
	int pp_inter_boundaries;

	/* Parameters (section 2) */
	struct param_counts params;

	/* Memory (section 4); the device classes are at the end */
	int n_devices;          /* entries of dev */
	int n_device_rows;      /* one per stage and kind of device: cost_device_row */
	int worst_device;       /* the entry of the fullest device (its first stage) */
	double max_total_gib, capacity_gib, kv_capacity_seqs;
	double kv_bytes_per_token;   /* whole model, one replica */
	/* what a sequence of prompt + output holds in the whole model, bytes,
	 * by its layers' attention kinds (enum kv_kind) */
	double kv_seq_by_kind[KV_KINDS];

	/* Time (sections 5-7) */
	struct phase prefill, decode;
	struct layer_comm comm_prefill, comm_decode;
	double ttft_s, prefill_tokens_per_s;
	double tpot_ms, tpot_max_ms, decode_tokens_per_s, tokens_per_ms_per_gpu;
	double e2e_latency_s, output_tokens_per_s;
	double peak_tflops;
	double ceiling_tokens_per_ms_per_gpu;

	/* Serving (the serving layer, serve.h) */
	double kv_capacity_tokens;   /* KV pool of the whole deployment, tokens */
	double running_per_replica;  /* sequences running at once on one replica */
	int admit_cap;               /* enum admit_cap: what bounds them */
	bool admit_none;             /* the pool holds not one whole sequence */
	double queue_wait_s;         /* of the TTFT, waiting for a slot or a step */
	double ttft_wait_s;          /* of the TTFT, all but the prompt's own steps and the front end */
	/* p50, p90 and p99 of the TTFT and TPOT over a closed loop's requests,
	 * from the spread of its waves (NaN where not derived: no engine, a
	 * Poisson stream, static mode) */
	double ttft_pct_s[3], tpot_pct_ms[3];
	double requests_per_s;       /* finished requests per second, whole deployment */
	bool overloaded;             /* poisson: the rate is above what is served */
	double max_rate;             /* poisson: the most requests/s served */
	double tokens_per_s_per_user;  /* 1000 / TPOT */
	double output_tokens_per_s_per_gpu;
	double usd_per_mtok;         /* $ per million output tokens; NaN: no price */
	double joules_per_token;     /* per output token; NaN: no power */

	/* Disaggregated serving (disagg.c): the prefill pool and the KV
	 * transfer; the rest of the result is the decode pool's, with the
	 * TTFT, the GPUs and the throughputs of the whole deployment. */
	struct disagg_figures {
		bool on;
		bool prefill_ok;             /* the prefill strategy is valid */
		unsigned prefill_errors;     /* CE_* of the prefill pool when not */
		double prefill_gpus, decode_gpus;
		double prompts_per_step;     /* prompts a prefill replica takes a step */
		double prefill_step_s;       /* that step */
		double prefill_rate_max;     /* requests/s the prefill pool can start */
		double prefill_util;         /* the share of it used */
		double queue_s;              /* waiting for a prefill replica */
		double transfer_bytes;       /* the KV cache of one request */
		double transfer_s;
		double frontend_s;           /* the engine's request path */
		bool transfer_intra;         /* within the scale-up (NVLink) domain */
		double prefill_mem_gib, prefill_capacity_gib;
		int prefill_bottleneck;
		struct phase prefill;        /* the prefill pool's pass */
	} dis;

	/* Last, and only the first n_devices are written.  In stage order; a
	 * stage class with two kinds of device has two entries, the kind with
	 * more experts first. */
	struct device_mem dev[COST_MAX_DEVICES];
};

/* Row i (0 <= i < n_device_rows) of the list of devices one stage at a
 * time, as the reports show it: stage by stage, more experts first. */
void cost_device_row(const struct result *r, int i, struct device_mem *out);
/* The row of the first stage of entry d of r->dev. */
int cost_device_row_of(const struct result *r, int d);

/* Every figure NaN, none computed: what a result holds before an
 * evaluation fills it (but for the layout and the phases). */
void result_clear_figures(struct result *r);

/* The time the split of a phase adds up to: the phase itself, or in
 * serving mode for the prefill the step that carries the prompt (its
 * waits are not in the split). */
double cost_phase_span(const struct phase *ph);

const char *cost_op_name(int op);
const char *cost_comm_name(int kind);
const char *cost_bound_name(int bound);

/* A result's p90 (q 0) or p99 (q 1) of TTFT and TPOT, or where the
 * evaluation derives none (static mode, no engine, an open stream) its
 * mean: what a percentile requirement is checked against. */
double result_ttft_tail(const struct result *r, int q);
double result_tpot_tail(const struct result *r, int q);

#endif
