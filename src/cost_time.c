/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-op roofline, passes and phases. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cost_ctx.h"

void cost_ctx_model_constants(struct cost_ctx *c)
{
	c->log_miss = c->k < c->E ? log1p(-c->k / c->E) : -INFINITY;
}

void cost_ctx_ep_constants(struct cost_ctx *c)
{
	c->imb_coef = c->ep > 1 ? sqrt(2.0 * log(c->ep)) : 0.0;
}

double cost_imbalance(const struct cost_ctx *c, double T)
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

double cost_touched(const struct cost_ctx *c, double T)
{
	double x = T * c->dp / c->edp * c->log_miss;
	/* below e^-40 the miss no longer changes 1 - miss in a double: every
	 * expert is touched, without exp's slow path for underflow */
	if (x < -40)
		return c->experts_max;
	return c->experts_max * (1.0 - exp(x));
}

static void run_op(const struct cost_ctx *c, struct layer_acc *a, int op, double flops,
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
static void add_comm(const struct cost_ctx *c, struct layer_acc *a, int kind, double t)
{
	double exposed = kind == COMM_PP ? t : t * (1.0 - c->overlap);
	a->comm[kind] += exposed;
	a->total += exposed;
}

/* The attention core of one layer: prefill is quadratic in the prompt,
 * decode reads the context's KV cache. */
static void core_cost(const struct cost_ctx *c, const struct pass *p, double *flops, double *bytes)
{
	/* in FLOPs at the compute peak: the core's own peak may be lower */
	*flops = (p->pre * c->S * c->S * c->core_pre + p->dec * p->c * c->core_dec) * c->core_scale;
	*bytes = (2.0 * p->pre * c->S + p->dec * p->c) * c->kv_tok * c->b_kv;
}

static double core_time(const struct cost_ctx *c, const struct pass *p)
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

static void attention(const struct cost_ctx *c, const struct pass *p, const struct acts *x,
		      struct layer_acc *a)
{
	double flops, bytes;

	run_op(c, a, OP_ATTN_PROJ, 2.0 * p->T * c->attn_gpu, c->attn_gpu * c->b_w + 2.0 * x->bytes);
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
static void dense_rest(const struct cost_ctx *c, const struct pass *p, const struct acts *x,
		       struct layer_acc *a)
{
	run_op(c, a, OP_DENSE_FFN, 2.0 * p->T * c->dense_gpu, c->dense_gpu * c->b_w + 2.0 * x->bytes);
	add_comm(c, a, COMM_TP, x->ar_s);
}

/* The rest of an MoE layer that does not depend on ep and etp: router,
 * shared experts and the TP all-reduce after the layer. */
static void moe_rest(const struct cost_ctx *c, const struct pass *p, const struct acts *x,
		     struct layer_acc *a)
{
	if (c->E > 1)
		run_op(c, a, OP_ROUTER, 2.0 * p->T * c->d * c->E, c->d * c->E * c->b_w);
	if (c->Es > 0)
		run_op(c, a, OP_SHARED, 2.0 * p->T * c->shared_gpu, c->shared_gpu * c->b_w);
	add_comm(c, a, COMM_TP, x->ar_s);
}

/* The routed experts: their GEMMs, the all-to-all that takes tokens to
 * them and back, and the expert-TP all-reduce. */
static void moe_layer_experts(const struct cost_ctx *c, const struct pass *p, double imb, double touched,
			      struct layer_acc *a, struct layer_comm *lc)
{
	double T_e = p->T * c->k * imb * c->etp / c->tp;
	run_op(c, a, OP_EXPERTS, 2.0 * c->P_e * p->T * c->k * imb / c->tp,
	       touched * c->expert_gpu * c->b_we + 2.0 * T_e * c->d * c->b_a);
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

static void pass_part(const struct cost_ctx *c, const struct pass *p, struct pass_part *pt, struct op_split *ops)
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
	run_op(c, &pt->lm, OP_LM_HEAD, 2.0 * p->lm * c->lm_gpu, c->lm_gpu * c->b_head);

	/* Sends between stages: intra-node unless the boundary falls on a node edge. */
	double p2p_intra = comm_time(c->p2p_intra, x.bytes), p2p_inter = comm_time(c->p2p_inter, x.bytes);
	double worst[COST_STAGE_CLASSES];
	pt->sends = cost_stage_sends(c, p2p_intra, p2p_inter, worst);
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
static void pass_finish(const struct cost_ctx *c, const struct pass_part *pt, struct phase *ph,
			struct layer_comm *lc, struct stage_times *st)
{
	const struct pass *p = &pt->p;
	const struct layer_acc *dense = &pt->dense, *lm = &pt->lm;
	double imb = cost_imbalance(c, p->T), touched = cost_touched(c, p->T);
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
	/* every field is written here or by split(); the per-op split stays
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
static void split(struct phase *ph, double scale, double host)
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
static void no_split(struct phase *ph)
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
static void blend(struct phase *a, const struct phase *b, double w)
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
static void at_context(const struct cost_ctx *c, const struct pass *p, const struct phase *ph,
		       const struct stage_times *st, double ctx, double *sum, double *max)
{
	struct pass q = *p;
	q.c = ctx;
	double d = core_time(c, &q) - core_time(c, p);
	*sum = ph->stage_sum_s + c->L * d;
	*max = 0;
	for (int k = 0; k < c->n_cls; k++)
		*max = maxd(*max, st->t[k] + c->cls[k].n_att * d);
}

/* The serving passes at b sequences per replica: a decode step, and the
 * step that also carries prompts (plan: a chunk of one prompt, or a group
 * of whole prompts; one whole prompt without an engine). */
static void serving_passes(const struct cost_ctx *c, double b, struct prefill_plan pl, struct pass p[2])
{
	double ctx = c->S + c->O / 2.0;
	double g = pl.group;
	/* a decoding sequence puts 1 + k tokens through the layers and the
	 * head: its next token and the k drafts it verifies */
	double v = 1.0 + c->spec_k;
	p[0] = (struct pass){ .T = b * v, .dec = b, .c = ctx, .lm = b * v };
	if (pl.chunks > 1) {
		/* one chunk of the prompt rides along with every other sequence */
		p[1] = (struct pass){ .T = c->S / pl.chunks + (b - 1.0) * v, .dec = b - 1.0, .c = ctx,
				      .pre = 1.0 / pl.chunks, .lm = (b - 1.0) * v + 1.0 };
		return;
	}
	p[1] = (struct pass){ .T = g * c->S + (b - g) * v, .dec = b - g, .c = ctx, .pre = g, .lm = (b - g) * v + g };
}

/* Speculative decoding: a step is the verify pass and k passes of the
 * n_draft-layer draft, each costing what one layer of the verify pass
 * costs; it emits 1 + a tokens a sequence.  The time per token, from the
 * verify step's; without speculation the step itself. */
static double per_token(const struct cost_ctx *c, double t_verify)
{
	if (c->spec_k <= 0)
		return t_verify;
	double draft = c->spec_k * c->n_draft * t_verify / c->L;
	return (t_verify + draft) / (1.0 + c->spec_a);
}

static void passes(const struct cost_ctx *c, struct pass p[2])
{
	if (c->serving) {
		serving_passes(c, c->b_run, c->plan, p);
		return;
	}
	/* a microbatch's prefill and its decode step (verifying k drafts) */
	double b = ceil(c->b_rep / c->m), v = 1.0 + c->spec_k;
	p[0] = (struct pass){ .T = b * c->S, .pre = b, .lm = b };
	p[1] = (struct pass){ .T = b * v, .dec = b, .c = c->S + c->O / 2.0, .lm = b * v };
}

void cost_pass_parts(const struct cost_ctx *c, struct pass_part pt[2], struct op_split (*ops)[3])
{
	struct pass p[2];
	passes(c, p);
	for (int i = 0; i < 2; i++)
		pass_part(c, &p[i], &pt[i], ops ? ops[i] : NULL);
}

static void static_phases(const struct cost_ctx *c, const struct pass_part pt[2], struct result *r)
{
	struct stage_times stage_t;
	double sum, max;

	pass_finish(c, &pt[0], &r->prefill, &r->comm_prefill, &stage_t);
	r->prefill.time_s = r->prefill.stage_sum_s + (c->m - 1.0) * r->prefill.stage_max_s;
	if (c->ranking)
		no_split(&r->prefill);
	else
		split(&r->prefill, c->m / c->pp, 0);

	pass_finish(c, &pt[1], &r->decode, &r->comm_decode, &stage_t);
	r->decode.time_s = per_token(c, maxd(r->decode.stage_sum_s, c->m * r->decode.stage_max_s));
	split(&r->decode, c->m / c->pp, 0);

	if (c->ranking)
		return;
	at_context(c, &pt[1].p, &r->decode, &stage_t, c->S + c->O, &sum, &max);
	r->tpot_max_ms = 1000.0 * per_token(c, maxd(sum, c->m * max));
}

/* Serving TPOT: decode steps, of which a share b/O also carries a prompt. */
static double serving_tpot(double t_dec, double t_mix, double b, double O)
{
	return t_dec + (b / O) * (t_mix - t_dec);
}

/* What the engine's host side adds to a step of b sequences. */
static double host_s(const struct cost_ctx *c, double b)
{
	return c->step_s + c->seq_s * b;
}

/* The two serving steps at b sequences per replica, without a split:
 * for the fixed point of an open stream. */
static void steps_at(const struct cost_ctx *c, double b, double *t_dec, double *t_mix)
{
	struct pass p[2];
	struct pass_part pt;
	struct phase ph;
	struct layer_comm lc;
	struct stage_times st;

	serving_passes(c, b, c->plan, p);
	pass_part(c, &p[0], &pt, NULL);
	pass_finish(c, &pt, &ph, &lc, &st);
	double verify = ph.stage_sum_s + host_s(c, b);
	pass_part(c, &p[1], &pt, NULL);
	pass_finish(c, &pt, &ph, &lc, &st);
	/* per token; the prompt's own work in the mixed step stays whole */
	*t_dec = per_token(c, verify);
	*t_mix = *t_dec + (ph.stage_sum_s + host_s(c, b) - verify);
}

/* The time of one pass (no split), host side included for `seqs`. */
static double pass_time(const struct cost_ctx *c, const struct pass *p, double seqs)
{
	struct pass_part pt;
	struct phase ph;
	struct layer_comm lc;
	struct stage_times st;

	pass_part(c, p, &pt, NULL);
	pass_finish(c, &pt, &ph, &lc, &st);
	return ph.stage_sum_s + host_s(c, seqs);
}

/* b prompts that arrive at once are prefilled a full step of the token
 * budget at a time (whole prompts, or chunks of a longer one), each done
 * when its last step is: `steps` steps of `step_s` each. */
struct wave {
	double steps, step_s;
};

static struct wave wave_of(const struct cost_ctx *c, double b)
{
	/* the prompts a full step carries together, or a step of a longer one */
	double S = c->S, tb = (double)c->eng.max_batched_tokens;
	struct prefill_plan all = serve_prefill_plan(S, tb, b, true);
	double tokens = all.chunks > 1 ? tb : all.group * S;
	struct pass p = { .T = tokens, .pre = tokens / S, .lm = mind(b, ceil(tokens / S)) };
	return (struct wave){ .steps = ceil(b * S / tokens), .step_s = pass_time(c, &p, p.lm) };
}

/* The mean TTFT of a wave: its prompts are done after 1, 2, ... steps. */
static double wave_ttft(struct wave v)
{
	return (v.steps + 1.0) / 2.0 * v.step_s;
}

/* What a wave's prefill adds to each of its requests' decode when an
 * engine runs the waiting prefill before any decode step: a prompt done
 * after its j-th step waits for the other steps - j before its second
 * token, (steps - 1) / 2 steps on average, spread over its O tokens. */
static double wave_stall(struct wave v, double O)
{
	return (v.steps - 1.0) / 2.0 * v.step_s / maxd(O, 1.0);
}

struct serving_out {
	double b, tpot, ttft, wait;
};

/* A Poisson stream of lambda requests/s per replica: how many are in
 * flight follows from how long each lives (Little's law), which depends
 * on how many are in flight; a damped fixed point, a bounded number of
 * steps.  Prompts wait for a step to carry them like an M/D/1 queue. */
static bool poisson(const struct cost_ctx *c, double lambda, struct serving_out *o)
{
	double b = 1, cap = c->b_run;
	double n = c->plan.chunks;
	bool stable = true;
	for (int i = 0; i < 60; i++) {
		double t_dec, t_mix;
		/* fewer than one in flight on average: the steps are those of one */
		steps_at(c, maxd(1.0, b), &t_dec, &t_mix);
		double share = c->decode_only ? 0 : mind(1.0, lambda * n * t_dec);
		double tpot = t_dec + share * (t_mix - t_dec);
		/* the prefill work is the marginal time of the steps that carry it */
		double rho = c->decode_only ? 0 : lambda * n * maxd(t_mix - t_dec, 0.0);
		o->wait = serve_md1_wait(rho, n * t_mix);
		o->ttft = o->wait + t_dec / 2.0 + (c->eng.scheduler == SCHED_OVERLAP ? t_dec : 0) + n * t_mix + c->frontend_s;
		o->tpot = tpot;
		double in_flight = lambda * (o->ttft + c->O * tpot);
		o->b = in_flight;
		stable = rho < 1 && in_flight <= cap;
		if (!stable)
			return false;
		double next = 0.5 * (b + in_flight);
		if (fabs(next - b) <= 1e-12 * b)
			break;
		b = next;
	}
	return stable;
}

static void serving_phases(const struct cost_ctx *c, const struct pass_part pt[2], struct result *r)
{
	const struct workload *w = &c->s->work;
	const struct pass *dec = &pt[0].p, *mix = &pt[1].p;
	double b = c->b_run, n = c->plan.chunks;
	struct stage_times st;
	bool engine = c->engine != ENGINE_NONE;

	/* the passes go straight where they end: the mixed step is the
	 * prompt's pass, the decode step is blended with it below */
	pass_finish(c, &pt[0], &r->decode, &r->comm_decode, &st);
	pass_finish(c, &pt[1], &r->prefill, &r->comm_prefill, &st);
	double verify = r->decode.stage_sum_s + host_s(c, b);
	/* per token: with speculation a step emits 1 + a tokens a sequence;
	 * the prompt's own work in the mixed step stays whole */
	double t_dec = per_token(c, verify), t_mix = t_dec + (r->prefill.stage_sum_s + host_s(c, b) - verify);
	/* a request that comes in while the engine runs a step it had
	 * scheduled before it came waits for that step as well */
	double late = c->eng.scheduler == SCHED_OVERLAP ? t_dec : 0;
	/* Over one request's O steps, b new prompts arrive: in groups that
	 * share a step, each prompt in `n` chunks; without an engine one
	 * whole prompt a step and no bound (v1) */
	double w_mix = engine ? serve_mixed_share(b, c->O, c->plan) : b / c->O;
	/* a closed loop whose wave forms again every round prefills it while
	 * no one decodes, then decodes it with no prompt in the way */
	bool waves = engine && c->arrival == ARRIVAL_CLOSED && c->eng.prefill == PREFILL_SEPARATE;
	if (waves || c->decode_only)
		w_mix = 0;
	/* ... but the prompts that wave prefilled first wait for the rest of
	 * it before their decode starts */
	struct wave v = { 0, 0 };
	if (engine && c->arrival == ARRIVAL_CLOSED)
		v = wave_of(c, b);
	double stall = waves && !c->decode_only ? wave_stall(v, c->O) : 0;
	double tpot = serving_tpot(t_dec, t_mix, w_mix, 1.0) + stall;
	double overhead = w->ttft_overhead_ms / 1000.0;
	double ttft, wait;

	if (!engine) {
		/* Prompts queue for the mixed steps like an M/D/1 server. */
		double rho = mind(0.95, w_mix * (t_mix - t_dec) / tpot);
		if (rho < 0)
			rho = 0;
		wait = rho * t_mix / (2.0 * (1.0 - rho));
		ttft = t_mix + wait + t_dec / 2.0 + overhead;
		r->requests_per_s = c->B / (ttft + c->O * tpot);
	} else if (c->arrival == ARRIVAL_CLOSED) {
		/* A closed loop of equal requests arrives in waves: a group of
		 * prompts lands together, waits for the running step to end and
		 * is prefilled in the next `n`; requests beyond the admitted
		 * batch wait for a slot (serve_closed_ttft).  A prompt comes as
		 * the step that ended its predecessor hands out the last token,
		 * when the engine has started the next one: it waits for that
		 * whole step, not half of one as a random arrival would, and
		 * for one more when that step was scheduled before it came. */
		double steady = t_dec + late + n * t_mix + c->frontend_s + overhead;
		/* a prompt that lands while others' prefill runs waits for it:
		 * the loop's prompts come b a life, each its marginal time */
		steady += serve_closed_prefill_wait(b, n * maxd(t_mix - t_dec, 0.0), n * t_mix, steady + c->O * tpot);
		/* The loop starts with every request at once: that wave is
		 * prefilled a group (or a chunk) a step, and weighs one round
		 * of the requests the benchmark sends. */
		double wave = wave_ttft(v) + c->frontend_s + overhead;
		double rounds = maxd(1.0, (double)w->requests / (c->dp * c->b_rep));
		/* prefill batches apart from decode gather every request that
		 * waits when they start: the wave forms again every round, and
		 * comes while the step after the last one runs */
		if (c->eng.prefill == PREFILL_SEPARATE) {
			rounds = 1;
			wave += late;
		}
		double ttft0 = (wave + (rounds - 1.0) * steady) / rounds;
		/* the most prompts a second the replica can start: every step
		 * carrying prefill, each prompt its marginal time */
		double prefill_rate = 1.0 / (n * maxd(t_mix - t_dec, 1e-12));
		ttft = serve_closed_ttft(c->b_rep, b, ttft0, c->O, tpot, prefill_rate);
		wait = ttft - ttft0;
		if (!c->ranking && !c->decode_only) {
			struct serve_spread x = { .steps = v.steps, .step_s = v.step_s, .wave_base = wave - wave_ttft(v),
						  .steady = steady, .first = 1.0 / rounds, .shift = wait,
						  .tpot_clean = tpot - stall, .O = c->O, .separate = waves };
			serve_spread_percentiles(&x, r->ttft_pct_s, r->tpot_pct_ms);
		}
		/* the requests in flight, whichever replica they are on */
		r->requests_per_s = c->B / (ttft + c->O * tpot);
	} else {
		struct serving_out o;
		double lambda = w->rate / c->dp;
		r->overloaded = !poisson(c, lambda, &o);
		/* the most this deployment serves: every admitted slot busy */
		double t_dec_cap, t_mix_cap;
		steps_at(c, c->b_run, &t_dec_cap, &t_mix_cap);
		double tpot_cap = t_dec_cap + mind(1.0, c->b_run * n / c->O) * (t_mix_cap - t_dec_cap);
		r->max_rate = c->dp * mind(c->b_run / (c->O * tpot_cap + n * t_mix_cap),
					   1.0 / (n * maxd(t_mix_cap - t_dec_cap, 1e-12)));
		tpot = o.tpot;
		b = o.b;
		wait = r->overloaded ? INFINITY : o.wait;
		ttft = r->overloaded ? INFINITY : o.ttft + overhead;
		r->running_per_replica = b;
		r->requests_per_s = r->overloaded ? r->max_rate : w->rate;
	}
	r->queue_wait_s = wait;
	/* all of the TTFT but the prompt's own steps and the front end: the
	 * slot, the steps running when it came, the prompts ahead of it */
	r->ttft_wait_s = isfinite(ttft) ? maxd(0.0, ttft - n * t_mix - c->frontend_s - overhead) : INFINITY;

	/* off the GPU in a step: the engine's host side (per token, as the
	 * step is), and in a wave the wait for the rest of its prefill */
	blend(&r->decode, &r->prefill, w_mix);
	r->decode.time_s = tpot;
	split(&r->decode, 1.0 / c->pp, per_token(c, host_s(c, b)) + stall);

	/* The split describes the prompt's own pass; queueing is not in it. */
	r->prefill.time_s = t_mix;
	if (c->ranking)
		no_split(&r->prefill);
	else
		split(&r->prefill, 1.0 / c->pp, per_token(c, host_s(c, c->b_run)));
	r->prefill.time_s = ttft;

	if (c->ranking)
		return;
	/* At full context every layer's core grows by the same amount. */
	struct pass dec_full = *dec, mix_full = *mix;
	dec_full.c = mix_full.c = c->S + c->O;
	double t_dec_full = per_token(c, verify + c->L * (core_time(c, &dec_full) - core_time(c, dec)));
	double t_mix_full = t_dec_full + (t_mix - t_dec) + c->L * (core_time(c, &mix_full) - core_time(c, mix)) -
			    c->L * (core_time(c, &dec_full) - core_time(c, dec));
	r->tpot_max_ms = 1000.0 * (serving_tpot(t_dec_full, t_mix_full, w_mix, 1.0) + stall);
}

void cost_phases(const struct cost_ctx *c, const struct pass_part pt[2], struct result *r)
{
	if (c->serving)
		serving_phases(c, pt, r);
	else
		static_phases(c, pt, r);

	r->ttft_s = r->prefill.time_s;
	r->prefill_tokens_per_s = c->B * c->S / r->ttft_s;
	r->tpot_ms = 1000.0 * r->decode.time_s;
	/* decode runs the admitted batch: the rest of the requests wait */
	double running = c->engine != ENGINE_NONE ? mind(c->B, r->running_per_replica * c->dp) : c->B;
	r->decode_tokens_per_s = running / r->decode.time_s;
	r->tokens_per_ms_per_gpu = r->decode_tokens_per_s / 1000.0 / r->gpus;
	/* Static: one batch end to end.  Serving: B requests in flight, each
	 * living TTFT + O*TPOT (Little's law gives the same expression). */
	r->e2e_latency_s = r->ttft_s + c->O * r->decode.time_s;
	if (c->engine != ENGINE_NONE) {
		r->prefill_tokens_per_s = r->requests_per_s * c->S;
		r->output_tokens_per_s = r->requests_per_s * c->O;
	} else {
		r->output_tokens_per_s = c->B * c->O / r->e2e_latency_s;
	}
	/* the plane of the throughput-interactivity frontier, and what it
	 * costs: not what a search ranks by */
	if (c->ranking)
		return;
	r->tokens_per_s_per_user = 1000.0 / r->tpot_ms;
	r->output_tokens_per_s_per_gpu = r->output_tokens_per_s / r->gpus;
	r->usd_per_mtok = serve_usd_per_mtok(c->s->hw.usd_per_gpu_hour, r->output_tokens_per_s_per_gpu);
	r->joules_per_token = serve_joules_per_token(c->s->hw.watts, r->output_tokens_per_s_per_gpu);
}
