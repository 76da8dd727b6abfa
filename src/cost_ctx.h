/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Derived quantities shared by the parts of the cost model.  Everything is
 * a double so that the formulas read like their written form. */
#ifndef MOESCOPE_COST_CTX_H
#define MOESCOPE_COST_CTX_H

#include "cost.h"
#include "serve.h"

/* The time of a collective over a given group and link: fixed + per_byte
 * times the bytes it moves (section 6). */
struct comm_cost {
	double per_byte, fixed;
};

static inline double comm_time(struct comm_cost k, double bytes)
{
	return k.fixed + k.per_byte * bytes;
}

/* Consecutive pipeline stages alike (see COST_STAGE_CLASSES). */
struct stage_class {
	long first;               /* its first stage */
	double n;                 /* how many stages */
	double n_att, n_d, n_m;   /* layers, dense layers, MoE layers of each */
	double sends_inter;       /* of their sends, those that cross a node edge */
	bool last;                /* the last stage: LM head, no send */
};

/* The memory of one GPU of a stage class, in bytes, but for what ep and
 * etp change: the routed experts' weights and the MoE FFN's activations. */
struct class_mem {
	double weights;      /* all but the routed experts */
	double kv_per_seq;   /* KV cache of one sequence */
	double tokens_per_byte;   /* tokens of KV cache one byte holds (its reciprocal per token) */
	double act;          /* activation elements of attention and dense FFN, the larger */
	double logits;       /* on the last stage */
	struct device_mem dev;   /* its entry in result.dev, but for the experts' fields */
};

struct cost_ctx {
	const struct scenario *s;
	bool ranking;               /* only what a search ranks by (cost_evaluate_prepared) */
	/* model */
	double d, H, Hkv, h, L, Ld, Lm, E, k, Es, V;
	bool mla, tied;
	double rq, rkv, dr, dn, dv;
	double P_e, P_s, P_r, P_d;
	double b_w, b_we, b_kv, b_a, b_head;   /* b_head: embedding and LM head */
	/* workload */
	double B, S, O, m, b_rep;   /* b_rep = ceil(B/dp) */
	/* speculative decoding: k drafts verified a step, a of them accepted
	 * (at most k), by a draft of n_draft layers run k times */
	double spec_k, spec_a, n_draft;
	bool decode_only;           /* a decode pool: no step carries a prompt */
	bool serving;
	/* the serving layer (serve.h): the engine's limits, and what runs */
	int engine, mem_rule, arrival;
	struct engine_cfg eng;      /* resolved; all 0 without an engine */
	double b_run;               /* sequences running at once per replica */
	double kv_per_running;      /* of a sequence's whole KV, what a running one holds */
	double step_s, seq_s, frontend_s;   /* the engine's host-side costs */
	struct prefill_plan plan;   /* chunks per prompt, prompts per step */
	/* strategy */
	double dp, tp, pp, ep, etp, edp, G;
	double kvh;                 /* KV heads held per GPU */
	double attn_gpu;            /* attention weights of one layer on one GPU */
	double kv_tok;              /* KV values per token per layer on one GPU */
	/* what one GPU holds of the rest: query heads, and the weights of a
	 * dense FFN, of the shared experts, of the LM head (or embedding) */
	double heads_gpu, dense_gpu, shared_gpu, lm_gpu;
	double core_pre, core_dec;  /* attention core FLOPs per token pair, prefill and decode */
	double core_scale;          /* the compute peak over the attention core's peak */
	double expert_gpu;          /* one routed expert's weights on one GPU: by etp */
	double experts_max;
	double overlap, imb_user;   /* imb_user 0 = auto */
	double imb_coef;            /* sqrt(2 ln ep), for the imbalance */
	double log_miss;            /* ln(1 - k/E): a token missing a given expert */
	/* hardware */
	double s_per_flop, s_per_byte;   /* reciprocals of the rates: a division
	                                   * costs as much as the rest of an op */
	double kernel_s, expert_s, gpn;
	double intra_bw, inter_bw, intra_lat, inter_lat;
	struct comm_cost tp_ar;                  /* all-reduce over the TP group */
	struct comm_cost p2p_intra, p2p_inter;   /* a send inside a node, across nodes */
	struct comm_cost etp_ar, a2a;            /* of the experts: by ep and etp */
	/* filled by cost_stage_classes */
	double sends_inter;         /* sends between stages that cross a node edge */
	int n_cls;
	struct stage_class cls[COST_STAGE_CLASSES];
	/* filled by cost_memory_fixed */
	double mem_T;               /* tokens of the pass that holds the most activations */
	double mem_a_moe;           /* activation elements of an MoE FFN but the routed experts' */
	struct class_mem cmem[COST_STAGE_CLASSES];
};

/* max and min for finite doubles: fmax is a library call without
 * fast-math, and these run millions of times in a search. */
static inline double maxd(double a, double b) { return a > b ? a : b; }
static inline double mind(double a, double b) { return a < b ? a : b; }

/* One pass through the layers. */
struct pass {
	double T;     /* tokens through the linear ops, per replica */
	double dec;   /* decode tokens among them */
	double c;     /* their context */
	double pre;   /* prompts prefilled in this pass */
	double lm;    /* tokens through the LM head */
};

/* Constants of the touched-expert formula (k, E) and of the imbalance (ep). */
void cost_ctx_model_constants(struct cost_ctx *c);
void cost_ctx_ep_constants(struct cost_ctx *c);

double cost_imbalance(const struct cost_ctx *c, double T);
double cost_touched(const struct cost_ctx *c, double T);

/* Fill c->cls from L, L_d, pp, G and gpus_per_node. */
void cost_stage_classes(struct cost_ctx *c);

/* The sends of a pass between stages, one taking p2p_intra inside a node
 * and p2p_inter across: their total, and for each class the slowest send
 * after one of its stages (none after the last). */
double cost_stage_sends(const struct cost_ctx *c, double p2p_intra, double p2p_inter,
			double worst[COST_STAGE_CLASSES]);

/* A pass's time on one stage of each class, with the slowest send after it:
 * the pipeline's pace is the largest. */
struct stage_times {
	double t[COST_STAGE_CLASSES];
};

/* Memory per device class: what dp, tp, pp and the microbatches fix (once
 * the stage classes are known), then the rest with ep and etp. */
void cost_memory_fixed(struct cost_ctx *c);
void cost_memory(const struct cost_ctx *c, struct result *r);
/* With an engine: the batch its KV pool and limits admit (c->b_run and
 * c->plan), and the KV cache of that batch in each device's memory. */
void cost_admit(struct cost_ctx *c, struct result *r);

/* Time of one layer (or of the LM head) in a pass.  The per-op split is
 * kept only for a detailed evaluation: the hot path needs the totals. */
struct op_split {
	double op_c[OP_COUNT], op_m[OP_COUNT];
};

struct layer_acc {
	double compute, memory, comm[COMM_COUNT];
	double total;
	struct op_split *ops;   /* NULL unless the evaluation is detailed */
};

/* A pass but for its routed experts: what stays when only ep and etp
 * change, so that a search over them works it out once. */
struct pass_part {
	struct pass p;
	struct layer_acc dense, moe, lm;   /* moe: attention, router, shared experts, TP all-reduce */
	struct layer_comm lc;              /* the collectives but those of the experts */
	double sends;                      /* all sends between stages */
	/* a stage of each class but for its MoE layers: dense layers, and
	 * the LM head or the slowest send after it */
	double stage_fixed[COST_STAGE_CLASSES];
};

/* The parts of the workload's two passes: prefill and decode (static), or
 * decode and the mixed step (serving).  ops: three op_split per pass to
 * fill for a detailed evaluation, or NULL. */
void cost_pass_parts(const struct cost_ctx *c, struct pass_part pt[2], struct op_split (*ops)[3]);
/* Both phases from the parts of the two passes. */
void cost_phases(const struct cost_ctx *c, const struct pass_part pt[2], struct result *r);

/* Collectives (section 6) over n members; g of the all-to-all's in one node. */
struct comm_cost comm_allreduce_cost(double n, double bw, double lat);
struct comm_cost comm_allreduce_switched_cost(double n, double bw, double lat);
struct comm_cost comm_alltoall_cost(double n, double g, double bw_intra, double bw_inter, double lat_intra,
				    double lat_inter);
struct comm_cost comm_p2p_cost(double bw, double lat);

#endif
