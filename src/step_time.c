/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step model's time: the per-op roofline of one pass through the
 * layers, its collectives, the pipeline's stages, and static mode's two
 * phases (step_ctx.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "step_ctx.h"

void step_ctx_model_constants(struct step_ctx *c)
{
	c->log_miss = c->k < c->E ? log1p(-c->k / c->E) : -INFINITY;
}

void step_ctx_ep_constants(struct step_ctx *c)
{
	c->imb_coef = c->ep > 1 ? sqrt(2.0 * log(c->ep)) : 0.0;
}

double step_imbalance(const struct step_ctx *c, double T)
{
	if (c->imb_user > 0)
		return c->imb_user;
	if (c->ep <= 1)
		return 1.0;
	/* Expected maximum over ep ranks of a multinomial load, N_a pairs. */
	double n_a = T * c->dp * c->k / c->edp;
	double imb = 1.0 + c->imb_coef * sqrt((c->ep - 1.0) / n_a);
	return mind(imb, c->ep);
}

double step_touched(const struct step_ctx *c, double T)
{
	double x = T * c->dp / c->edp * c->log_miss;
	/* below e^-40 the miss no longer changes 1 - miss in a double: every
	 * expert is touched, without exp's slow path for underflow */
	if (x < -40)
		return c->experts_max;
	return c->experts_max * (1.0 - exp(x));
}

static void run_op(const struct step_ctx *c, struct layer_acc *a, int op, double flops,
		   double bytes)
{
	double tc = flops * c->s_per_flop, tm = bytes * c->s_per_byte;
	double t = maxd(tc, tm) + c->kernel_s;

	if (tc >= tm) {
		a->compute += t;
		if (a->ops)
			a->ops->op_c[op] += t;
	} else {
		a->memory += t;
		if (a->ops)
			a->ops->op_m[op] += t;
	}
	a->total += t;
}

/* Collectives inside a layer can hide behind compute; pipeline sends cannot. */
static void add_comm(const struct step_ctx *c, struct layer_acc *a, int kind, double t)
{
	double exposed = kind == COMM_PP ? t : t * (1.0 - c->overlap);
	a->comm[kind] += exposed;
	a->total += exposed;
}

/* The attention core of one layer: prefill is quadratic in the prompt,
 * decode reads the context's KV cache. */
static void core_cost(const struct step_ctx *c, const struct pass *p, double *flops, double *bytes)
{
	/* in FLOPs at the compute peak: the core's own peak may be lower */
	if (c->kinds) {
		/* each kind's pairs of the prompt, and the tokens a decode reads */
		double read = step_kv_read(c, p->c);
		*flops = (p->pre * c->pre_pairs * c->core_pre + p->dec * read * c->core_dec) * c->core_scale;
		*bytes = (p->pre * (c->S + c->S_new) + p->dec * read) * c->kv_tok * c->b_kv;
		/* a linear layer: every token updates the state, which each
		 * sequence of the pass reads and writes once */
		*flops += c->f_lin * p->T * c->lin_flops * c->core_scale;
		*bytes += c->f_lin * (p->pre + p->dec) * 2.0 * c->lin_state;
		/* a sparse layer's indexer scores every earlier token: the
		 * prompt's causal pairs, a decode's whole context */
		*flops += c->f_sparse * (p->pre * (c->S * c->S - c->cached * c->cached) + 2.0 * p->dec * p->c) *
			  c->idx_flops * c->core_scale;
		*bytes += c->f_sparse * (p->pre * (c->S + c->S_new) + p->dec * p->c) * c->idx_bytes;
		return;
	}
	/* a prompt's new tokens attend to every token before them and write
	 * their KV; the cached prefix's KV is read */
	*flops = (p->pre * c->pre_pairs * c->core_pre + p->dec * p->c * c->core_dec) * c->core_scale;
	*bytes = (p->pre * (c->S + c->S_new) + p->dec * p->c) * c->kv_tok * c->b_kv;
}

double step_core_time(const struct step_ctx *c, const struct pass *p)
{
	double flops, bytes;
	core_cost(c, p, &flops, &bytes);
	return maxd(flops * c->s_per_flop, bytes * c->s_per_byte) + c->kernel_s;
}

/* The activations of a pass, T*d*b_a bytes: what each TP all-reduce and
 * each send between stages carries. */
struct acts {
	double bytes, ar_s;   /* ar_s: the TP all-reduce of them */
};

static void attention(const struct step_ctx *c, const struct pass *p, const struct acts *x,
		      struct layer_acc *a)
{
	double flops, bytes;

	run_op(c, a, OP_ATTN_PROJ, 2.0 * p->T * c->attn_gpu, c->attn_gpu * c->b_w + 2.0 * x->bytes + p->T * c->ew_attn);
	core_cost(c, p, &flops, &bytes);
	run_op(c, a, OP_ATTN_CORE, flops, bytes);
	add_comm(c, a, COMM_TP, x->ar_s);
}

/* A layer starts as its attention: the same in dense and MoE layers, so a
 * pass works it out once. */
static void layer_from(struct layer_acc *a, const struct layer_acc *att)
{
	struct op_split *ops = a->ops;
	*a = *att;
	a->ops = ops;
	if (ops)
		*ops = *att->ops;
}

/* The rest of a dense layer: its FFN and the TP all-reduce after it. */
static void dense_rest(const struct step_ctx *c, const struct pass *p, const struct acts *x,
		       struct layer_acc *a)
{
	run_op(c, a, OP_DENSE_FFN, 2.0 * p->T * c->dense_gpu, c->dense_gpu * c->b_w + 2.0 * x->bytes + p->T * c->ew_dense);
	add_comm(c, a, COMM_TP, x->ar_s);
}

/* The rest of an MoE layer that does not depend on ep and etp: router,
 * shared experts and the TP all-reduce after the layer. */
static void moe_rest(const struct step_ctx *c, const struct pass *p, const struct acts *x,
		     struct layer_acc *a)
{
	/* the layer's norms and residuals ride with the router's read of the
	 * hidden state (the experts' when there is no router) */
	double ew = c->E > 1 ? p->T * c->ew_moe : 0;
	if (c->E > 1)
		run_op(c, a, OP_ROUTER, 2.0 * p->T * c->d * c->E, c->d * c->E * c->b_w + ew);
	if (c->Es > 0)
		run_op(c, a, OP_SHARED, 2.0 * p->T * c->shared_gpu, c->shared_gpu * c->b_w);
	add_comm(c, a, COMM_TP, x->ar_s);
}

/* The routed experts: their GEMMs, the all-to-all that takes tokens to
 * them and back, and the expert-TP all-reduce. */
static void moe_layer_experts(const struct step_ctx *c, const struct pass *p, double imb, double touched,
			      struct layer_acc *a, struct layer_comm *lc)
{
	double T_e = p->T * c->k * imb * c->etp / c->tp;
	/* with an engine's kernels: each routed pair permuted to its expert
	 * and back (read and write the hidden state twice) and its gated
	 * activation; the layer's norms here when no router took them */
	double ew = c->ew * T_e * c->b_a * (4.0 * c->d + 3.0 * (double)c->s->model.expert_ffn / c->etp) +
		    (c->E > 1 ? 0 : p->T * c->ew_moe);
	run_op(c, a, OP_EXPERTS, 2.0 * c->P_e * p->T * c->k * imb / c->tp,
	       touched * c->expert_gpu * c->b_we + 2.0 * T_e * c->d * c->b_a + ew);
	/* Each touched expert is a small GEMM of its own: a fixed set-up and
	 * tail the roofline does not see, which dominates at few tokens. */
	if (c->expert_s > 0) {
		double t = touched * c->expert_s;
		a->memory += t;
		if (a->ops)
			a->ops->op_m[OP_EXPERTS] += t;
		a->total += t;
	}

	/* With one attention replica per stage (dp 1) every GPU of it holds
	 * the same tokens: each runs its experts on them, and the layer's TP
	 * all-reduce sums the partial outputs; nothing else moves.  With
	 * experts over dp replicas, tokens go to them and back. */
	lc->moe_a2a_bytes = lc->moe_etp_bytes = 0;
	lc->moe_a2a_s = lc->moe_etp_ar_s = 0;
	if (c->dp == 1)
		return;
	double a2a_bytes = p->T / c->tp * c->k * c->d * c->b_a;
	lc->moe_a2a_bytes = a2a_bytes;
	lc->moe_a2a_s = 2.0 * comm_time(c->a2a, a2a_bytes);   /* there and back */
	add_comm(c, a, COMM_EP, lc->moe_a2a_s);
	/* Expert-TP partial sums are combined over a token's experts on the
	 * GPU before they are reduced: without expert parallelism that is
	 * one row per token, not per (token, expert) pair, and over the TP
	 * group itself it is the layer's TP all-reduce. */
	if (c->ep == 1 && c->etp == c->tp)
		return;
	lc->moe_etp_bytes = (c->ep > 1 ? T_e : p->T * imb * c->etp / c->tp) * c->d * c->b_a;
	lc->moe_etp_ar_s = comm_time(c->etp_ar, lc->moe_etp_bytes);
	add_comm(c, a, COMM_ETP, lc->moe_etp_ar_s);
}

/* The per-op split of n layers of a kind, for a detailed evaluation. */
static void ops_scaled(struct phase *ph, const struct layer_acc *a, double n)
{
	if (n == 0 || !a->ops)
		return;
	for (int i = 0; i < OP_COUNT; i++) {
		ph->op_compute_s[i] += n * a->ops->op_c[i];
		ph->op_memory_s[i] += n * a->ops->op_m[i];
	}
}

void step_pass_part(const struct step_ctx *c, const struct pass *p, struct pass_part *pt, struct op_split *ops)
{
	static const struct layer_acc none = { .ops = NULL };
	struct acts x = { .bytes = p->T * c->d * c->b_a };
	x.ar_s = comm_time(c->tp_ar, x.bytes);

	pt->p = *p;
	pt->dense = pt->moe = pt->lm = none;
	if (ops) {
		memset(ops, 0, 3 * sizeof *ops);
		pt->dense.ops = &ops[0];
		pt->moe.ops = &ops[1];
		pt->lm.ops = &ops[2];
	}
	struct op_split att_ops;
	struct layer_acc att = none;
	if (ops) {
		memset(&att_ops, 0, sizeof att_ops);
		att.ops = &att_ops;
	}
	attention(c, p, &x, &att);
	if (c->Ld > 0) {
		layer_from(&pt->dense, &att);
		dense_rest(c, p, &x, &pt->dense);
	}
	if (c->Lm > 0) {
		layer_from(&pt->moe, &att);
		moe_rest(c, p, &x, &pt->moe);
	}
	run_op(c, &pt->lm, OP_LM_HEAD, 2.0 * p->lm * c->lm_gpu, c->lm_gpu * c->b_head + p->lm * c->ew_logits);

	/* Sends between stages: intra-node unless the boundary falls on a node edge. */
	double p2p_intra = comm_time(c->p2p_intra, x.bytes), p2p_inter = comm_time(c->p2p_inter, x.bytes);
	double worst[COST_STAGE_CLASSES];
	pt->sends = step_stage_sends(c, p2p_intra, p2p_inter, worst);
	for (int k = 0; k < c->n_cls; k++) {
		const struct stage_class *sc = &c->cls[k];
		pt->stage_fixed[k] = sc->n_d * pt->dense.total + (sc->last ? pt->lm.total : worst[k]);
	}
	/* the experts' collectives are the rest's: pass_finish */
	pt->lc = (struct layer_comm){
		.attn_ar_s = x.ar_s,
		.dense_ar_s = c->Ld > 0 ? x.ar_s : 0,
		.moe_ar_s = c->Lm > 0 ? x.ar_s : 0,
		.p2p_s = c->sends_inter > 0 ? p2p_inter : p2p_intra,
		.attn_ar_bytes = x.bytes,
		.p2p_bytes = x.bytes,
	};
}

/* The pass with its routed experts: the per-pass fields of ph (not the
 * split), the collectives of its layers, and the stage times. */
void step_pass_finish(const struct step_ctx *c, const struct pass_part *pt, struct phase *ph,
			struct layer_comm *lc, struct stage_times *st)
{
	const struct pass *p = &pt->p;
	const struct layer_acc *dense = &pt->dense, *lm = &pt->lm;
	double imb = step_imbalance(c, p->T), touched = step_touched(c, p->T);
	struct layer_acc moe = pt->moe;

	*lc = pt->lc;
	if (c->Lm > 0)
		moe_layer_experts(c, p, imb, touched, &moe, lc);

	/* The stages add up to every layer once, the LM head and the sends;
	 * the slowest stage sets the pace of the pipeline. */
	double max = 0;
	for (int k = 0; k < c->n_cls; k++) {
		st->t[k] = pt->stage_fixed[k] + c->cls[k].n_m * moe.total;
		max = maxd(max, st->t[k]);
	}
	/* every field is written here or by step_split(); the per-op split stays
	 * zero unless the evaluation is detailed */
	ph->stage_sum_s = c->Ld * dense->total + c->Lm * moe.total + lm->total + pt->sends;
	ph->stage_max_s = max;
	ph->time_s = 0;
	ph->tokens = p->T;
	ph->imbalance = imb;
	ph->touched = touched;
	ph->ops_compute_s = c->Ld * dense->compute + c->Lm * moe.compute + lm->compute;
	ph->ops_memory_s = c->Ld * dense->memory + c->Lm * moe.memory + lm->memory;
	for (int i = 0; i < COMM_COUNT; i++)
		ph->comm_s[i] = c->Ld * dense->comm[i] + c->Lm * moe.comm[i] + lm->comm[i];
	ph->comm_s[COMM_PP] = pt->sends;   /* layers send nothing between stages */
	memset(ph->op_compute_s, 0, sizeof ph->op_compute_s);
	memset(ph->op_memory_s, 0, sizeof ph->op_memory_s);
	if (lm->ops) {
		ops_scaled(ph, dense, c->Ld);
		ops_scaled(ph, &moe, c->Lm);
		ops_scaled(ph, lm, 1.0);
	}
}

/* Split time_s per device: each device works `scale` times the pass's
 * category totals (m microbatches over pp stages); of the rest, `host` is
 * the engine's host side and waits, and what remains the pipeline's
 * bubble. */
void step_split(struct phase *ph, double scale, double host)
{
	double busy = 0;

	ph->part_s[BOUND_COMPUTE] = scale * ph->ops_compute_s;
	ph->part_s[BOUND_MEMORY] = scale * ph->ops_memory_s;
	ph->part_s[BOUND_COMM_TP] = scale * ph->comm_s[COMM_TP];
	ph->part_s[BOUND_COMM_EP] = scale * ph->comm_s[COMM_EP];
	ph->part_s[BOUND_COMM_ETP] = scale * ph->comm_s[COMM_ETP];
	ph->part_s[BOUND_COMM_PP] = scale * ph->comm_s[COMM_PP];
	for (int b = 0; b < BOUND_BUBBLE; b++)
		busy += ph->part_s[b];
	double idle = maxd(0.0, ph->time_s - busy);
	ph->part_s[BOUND_HOST] = mind(maxd(host, 0.0), idle);
	ph->part_s[BOUND_BUBBLE] = idle - ph->part_s[BOUND_HOST];

	ph->compute_s = ph->part_s[BOUND_COMPUTE];
	ph->memory_s = ph->part_s[BOUND_MEMORY];
	ph->comm_total_s = ph->part_s[BOUND_COMM_TP] + ph->part_s[BOUND_COMM_EP] +
			   ph->part_s[BOUND_COMM_ETP] + ph->part_s[BOUND_COMM_PP];
	ph->bubble_s = ph->part_s[BOUND_BUBBLE];
	ph->host_s = ph->part_s[BOUND_HOST];
	ph->bottleneck = 0;
	for (int b = 1; b < BOUND_COUNT; b++)
		if (ph->part_s[b] > ph->part_s[ph->bottleneck])
			ph->bottleneck = b;
}

/* A phase whose split is not asked for (a search ranks by the decode's). */
void step_no_split(struct phase *ph)
{
	memset(ph->part_s, 0, sizeof ph->part_s);
	ph->compute_s = ph->memory_s = ph->comm_total_s = ph->bubble_s = ph->host_s = 0;
	ph->bottleneck = 0;
}

static double towards(double a, double b, double w)
{
	return a + w * (b - a);
}

/* a += w*(b - a), field by field, never below zero: the decode step of
 * serving mode, where a share w of the steps carries a prompt. */
void step_blend(struct phase *a, const struct phase *b, double w)
{
	a->ops_compute_s = maxd(0, towards(a->ops_compute_s, b->ops_compute_s, w));
	a->ops_memory_s = maxd(0, towards(a->ops_memory_s, b->ops_memory_s, w));
	for (int i = 0; i < OP_COUNT; i++) {
		a->op_compute_s[i] = maxd(0, towards(a->op_compute_s[i], b->op_compute_s[i], w));
		a->op_memory_s[i] = maxd(0, towards(a->op_memory_s[i], b->op_memory_s[i], w));
	}
	for (int i = 0; i < COMM_COUNT; i++)
		a->comm_s[i] = maxd(0, towards(a->comm_s[i], b->comm_s[i], w));
	a->stage_sum_s = towards(a->stage_sum_s, b->stage_sum_s, w);
	a->stage_max_s = towards(a->stage_max_s, b->stage_max_s, w);
}

/* The same pass at another decode context: only the attention core of
 * each layer changes, so the stage times shift by layers x that change. */
static void at_context(const struct step_ctx *c, const struct pass *p, const struct phase *ph,
		       const struct stage_times *st, double ctx, double *sum, double *max)
{
	struct pass q = *p;
	q.c = ctx;
	double d = step_core_time(c, &q) - step_core_time(c, p);
	*sum = ph->stage_sum_s + c->L * d;
	*max = 0;
	for (int k = 0; k < c->n_cls; k++)
		*max = maxd(*max, st->t[k] + c->cls[k].n_att * d);
}

/* Speculative decoding: a step is the verify pass and k passes of the
 * n_draft-layer draft, each costing what one layer of the verify pass
 * costs; it emits 1 + a tokens a sequence.  The time per token, from the
 * verify step's; without speculation the step itself. */
double step_per_token(const struct step_ctx *c, double t_verify)
{
	if (c->spec_k <= 0)
		return t_verify;
	double draft = c->spec_k * c->n_draft * t_verify / c->L;
	return (t_verify + draft) / (1.0 + c->spec_a);
}

void step_static_passes(const struct step_ctx *c, struct pass p[2])
{
	/* a microbatch's prefill and its decode step (verifying k drafts) */
	double b = ceil(c->b_rep / c->m), v = 1.0 + c->spec_k;
	p[0] = (struct pass){ .T = b * c->S_new, .pre = b, .lm = b };
	p[1] = (struct pass){ .T = b * v, .dec = b, .c = c->S + c->O / 2.0, .lm = b * v };
}

void step_static_phases(const struct step_ctx *c, const struct pass_part pt[2], struct result *r)
{
	struct stage_times stage_t;
	double sum, max;

	step_pass_finish(c, &pt[0], &r->prefill, &r->comm_prefill, &stage_t);
	r->prefill.time_s = r->prefill.stage_sum_s + (c->m - 1.0) * r->prefill.stage_max_s;
	if (c->ranking)
		step_no_split(&r->prefill);
	else
		step_split(&r->prefill, c->m / c->pp, 0);

	step_pass_finish(c, &pt[1], &r->decode, &r->comm_decode, &stage_t);
	r->decode.time_s = step_per_token(c, maxd(r->decode.stage_sum_s, c->m * r->decode.stage_max_s));
	step_split(&r->decode, c->m / c->pp, 0);

	if (c->ranking)
		return;
	at_context(c, &pt[1].p, &r->decode, &stage_t, c->S + c->O, &sum, &max);
	r->tpot_max_ms = 1000.0 * step_per_token(c, maxd(sum, c->m * max));
}
