/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step model: one forward pass of T tokens (prefill, decode or
 * mixed) of a strategy on a device class, its time per op and its
 * collectives, and the memory of each device class for a given KV cache.
 * The derived quantities its parts share are one context; everything is a
 * double so that the formulas read like their written form.  It knows no
 * engine, no arrivals and no pools: the serving layer (serve_ctx.h) says
 * which passes run and how they add up to what a user sees. */
#ifndef MOESCOPE_STEP_CTX_H
#define MOESCOPE_STEP_CTX_H

#include "result.h"
#include "step.h"
#include "step_comm.h"

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

struct step_ctx {
	const struct scenario *s;
	bool ranking;               /* only what a search ranks by (cost_evaluate_prepared) */
	/* The per-token traffic of the elementwise kernels an engine runs
	 * beside the GEMMs (step_set_elementwise), bytes per token of one
	 * layer on one GPU: of attention (its norm and residual, rotary), of a
	 * dense FFN (norm, residual, the gated activation), of an MoE layer
	 * but its routed pairs (norm, residual, the shared experts'
	 * activation), and of the logits a sequence's sampler writes and
	 * reads.  ew is 1 when counted; all 0 for the plain roofline. */
	double ew, ew_attn, ew_dense, ew_moe, ew_logits;
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
	/* strategy */
	double dp, tp, pp, ep, etp, edp, G;
	double kvh;                 /* KV heads held per GPU */
	/* Attention kinds (a share of the layers each): full, sliding window
	 * of W tokens, chunked in chunks of C.  kinds is false when every layer
	 * is full, and the formulas are then those of full attention alone. */
	bool kinds;
	bool kinds_held;            /* windows and chunks free their old tokens' cache (else every layer holds all) */
	double f_full, f_win, f_chunk, W, C;
	/* linear layers: a state of lin_state bytes per sequence on one GPU,
	 * lin_flops per token; sparse layers: K tokens a query attends to,
	 * the indexer's idx_bytes of cache per token and idx_flops per pair */
	double f_lin, f_sparse, K;
	double lin_state, lin_flops, idx_bytes, idx_flops;
	/* the state's values on one GPU: the recurrent matrix (b_ssm bytes
	 * each) and the convolution's inputs (b_a each); lin_pool_ratio > 0:
	 * the states have a pool of their own, that share of the KV pool's */
	double lin_ssm_vals, lin_conv_vals, b_ssm, lin_pool_ratio;
	double pre_pairs;           /* query-key pairs of a prompt's prefilled tokens, over the kinds (S^2 when full) */
	/* of a prompt of S tokens (a session's mean turn), `cached` come from
	 * the prefix cache and S_new = S - cached are prefilled */
	double S_new, cached;
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
	/* filled by step_stage_classes */
	double sends_inter;         /* sends between stages that cross a node edge */
	int n_cls;
	struct stage_class cls[COST_STAGE_CLASSES];
	/* filled by cost_memory_fixed */
	double mem_T;               /* tokens of the pass that holds the most activations */
	double mem_a_moe;           /* activation elements of an MoE FFN but the routed experts' */
	struct class_mem cmem[COST_STAGE_CLASSES];
};

/* One pass through the layers. */
struct pass {
	double T;     /* tokens through the linear ops, per replica */
	double dec;   /* decode tokens among them */
	double c;     /* their context */
	double pre;   /* prompts prefilled in this pass */
	double lm;    /* tokens through the LM head */
};

/* The tokens of KV cache a sequence of n tokens holds in a layer, on
 * average over the attention kinds: a window's last W, a chunk's own, a
 * sparse layer all of them, a linear layer none (it holds a state). */
static inline double step_kv_held(const struct step_ctx *c, double n)
{
	if (!c->kinds)
		return n;
	double local = c->kinds_held ? c->f_win * mind(n, c->W) + c->f_chunk * mind(n, c->C) : (c->f_win + c->f_chunk) * n;
	return (c->f_full + c->f_sparse) * n + local;
}

/* The tokens a decoding token at context n attends to in a layer, on
 * average over the kinds: a window's last W; in a chunked layer the tokens
 * of its chunk so far, C/2 on average once the context passes a chunk; in
 * a sparse layer the K its indexer picks; in a linear layer none. */
static inline double step_kv_read(const struct step_ctx *c, double n)
{
	if (!c->kinds)
		return n;
	return c->f_full * n + c->f_win * mind(n, c->W) + c->f_chunk * (n < c->C ? n : 0.5 * c->C) +
	       c->f_sparse * mind(n, c->K);
}

/* The bytes a sequence of n tokens holds in a layer on one GPU, on
 * average over the kinds: its KV cache, a linear layer's state, a sparse
 * layer's indexer keys. */
static inline double step_seq_bytes(const struct step_ctx *c, double n)
{
	double b = step_kv_held(c, n) * c->kv_tok * c->b_kv;
	if (c->kinds)
		b += c->f_lin * c->lin_state + c->f_sparse * n * c->idx_bytes;
	return b;
}

/* What a sequence of n tokens takes of an engine's pool in a layer on one
 * GPU: its bytes, or, where linear layers' states have a pool of their own
 * of lin_pool_ratio times the KV pool's size, the share of the whole that
 * the fuller of the two pools needs. */
static inline double step_seq_pool_bytes(const struct step_ctx *c, double n)
{
	if (!c->kinds || c->f_lin <= 0 || c->lin_pool_ratio <= 0)
		return step_seq_bytes(c, n);
	double r = c->lin_pool_ratio, state = c->f_lin * c->lin_state;
	double kv = step_seq_bytes(c, n) - state;
	return maxd(state * (1.0 + r) / r, kv * (1.0 + r));
}

/* Whether the engine keeps a prefix cache: without one every token of a
 * prompt is prefilled (S_new = S, C = 0). */
void step_set_prefix_cache(struct step_ctx *c, bool on);

/* An engine's keeping of linear layers' states: the recurrent state's
 * bytes per value (0: the activations') and its own pool's ratio (0: none). */
void step_set_linear_state(struct step_ctx *c, double ssm_bytes, double pool_ratio);

/* Constants of the touched-expert formula (k, E) and of the imbalance (ep). */
void step_ctx_model_constants(struct step_ctx *c);
void step_ctx_ep_constants(struct step_ctx *c);

double step_imbalance(const struct step_ctx *c, double T);
double step_touched(const struct step_ctx *c, double T);

/* Fill c->cls from L, L_d, pp, G and gpus_per_node. */
void step_stage_classes(struct step_ctx *c);

/* The sends of a pass between stages, one taking p2p_intra inside a node
 * and p2p_inter across: their total, and for each class the slowest send
 * after one of its stages (none after the last). */
double step_stage_sends(const struct step_ctx *c, double p2p_intra, double p2p_inter,
			double worst[COST_STAGE_CLASSES]);

/* A pass's time on one stage of each class, with the slowest send after it:
 * the pipeline's pace is the largest. */
struct stage_times {
	double t[COST_STAGE_CLASSES];
};

/* ---- validity and layout (step_layout.c) ---- */

/* The first problem of the model alone (enum bad_model), or BM_NONE. */
int step_check_model(const struct model *m);
/* What does not depend on ep and etp, for a resolved scenario: r is
 * cleared, its validity, layout, parameters and ceiling filled, and c
 * built when the strategy is valid (all but the memory: step_memory_fixed
 * once the caller knows the tokens of its largest pass). */
void step_fixed(const struct scenario *rs, const struct param_counts *params, int bad_model, struct result *r,
		struct step_ctx *c);
/* The rest of the layout, with ep and etp, and the fields of c they
 * change; false (the phases left empty) when the strategy is not valid. */
bool step_experts(const struct scenario *rs, struct result *r, struct step_ctx *c);

/* Count (on) or not the per-token elementwise traffic of an engine's
 * kernels; the plain roofline (off) is what build_ctx leaves. */
void step_set_elementwise(struct step_ctx *c, bool on);

/* ---- memory (step_memory.c) ---- */

/* Memory per device class: what dp, tp, pp and the microbatches fix, for
 * a largest pass of T tokens whose last stage holds the FP32 logits of
 * `rows` sequences, then the rest with ep and etp.  The KV cache is the
 * batch's whole (b_rep sequences of S + O tokens); the serving layer puts
 * an engine's pool and running batch in it. */
void step_memory_fixed(struct step_ctx *c, double T, double rows);
void step_memory(const struct step_ctx *c, struct result *r);
/* The tokens of static mode's largest pass: a microbatch of whole prompts. */
double step_static_peak_tokens(const struct step_ctx *c);
/* The stage class of device entry d of r->dev. */
int step_class_of(const struct step_ctx *c, const struct result *r, int d);

/* ---- time (step_time.c) ---- */

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

/* The attention core of one layer in a pass, with its kernel floor. */
double step_core_time(const struct step_ctx *c, const struct pass *p);
/* A pass but for its routed experts; ops: three op_split to fill for a
 * detailed evaluation, or NULL. */
void step_pass_part(const struct step_ctx *c, const struct pass *p, struct pass_part *pt, struct op_split *ops);
/* The pass with its routed experts: the per-pass fields of ph (not the
 * split), the collectives of its layers, and the stage times. */
void step_pass_finish(const struct step_ctx *c, const struct pass_part *pt, struct phase *ph, struct layer_comm *lc,
		      struct stage_times *st);
/* Split ph->time_s per device: each device works `scale` times the pass's
 * category totals; of the rest, `host` is the engine's host side and
 * waits, and what remains the pipeline's bubble. */
void step_split(struct phase *ph, double scale, double host);
/* A phase whose split is not asked for (a search ranks by the decode's). */
void step_no_split(struct phase *ph);
/* a += w*(b - a), field by field, never below zero. */
void step_blend(struct phase *a, const struct phase *b, double w);
/* Speculative decoding: the time per token from a verify step's time;
 * without speculation the step itself. */
double step_per_token(const struct step_ctx *c, double t_verify);

/* Static mode: a batch of b_rep sequences per replica in m microbatches
 * through the pipeline, prefilled then decoded.  Its two passes, and its
 * two phases from their parts (TTFT and TPOT in time_s). */
void step_static_passes(const struct step_ctx *c, struct pass p[2]);
void step_static_phases(const struct step_ctx *c, const struct pass_part pt[2], struct result *r);

#endif
