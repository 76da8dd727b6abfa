/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory per device class. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cost_ctx.h"

#define GIB 1073741824.0

/* Tokens of the largest pass that holds activations at once.  Static mode
 * prefills a microbatch of whole prompts; serving prefills one prompt while
 * the other sequences decode. */
static double peak_tokens(const struct cost_ctx *c)
{
	/* an engine sizes its activations for a full step of its token budget */
	if (c->engine != ENGINE_NONE)
		return (double)c->eng.max_batched_tokens;
	if (c->serving)
		return c->b_rep - 1.0 + c->S;
	return ceil(c->b_rep / c->m) * c->S;
}

void cost_memory_fixed(struct cost_ctx *c)
{
	double T = peak_tokens(c);
	double hq = c->mla ? c->dn + c->dr : c->h;
	const struct model *m = &c->s->model;

	/* bytes of weights per layer, activation elements of the peak pass */
	double w_att = c->b_w * c->attn_gpu;
	double w_dense = c->b_w * c->dense_gpu;
	double w_moe = c->b_w * (c->shared_gpu + c->P_r);
	double w_vocab = c->b_head * c->lm_gpu;
	double kv_layer_seq = (c->S + c->O) * c->kv_tok * c->b_kv;
	double a_attn = T * (2.0 * c->d + 2.0 * c->heads_gpu * hq + c->kv_tok);
	double a_dense = T * (2.0 * c->d + 2.0 * (double)m->dense_ffn / c->tp);

	c->mem_T = T;
	c->mem_a_moe = T * 2.0 * c->d + T * 2.0 * c->Es * (double)m->shared_ffn / c->tp;
	for (int k = 0; k < c->n_cls; k++) {
		const struct stage_class *sc = &c->cls[k];
		struct class_mem *cm = &c->cmem[k];
		double w = sc->n_att * w_att + sc->n_d * w_dense + sc->n_m * w_moe;
		if (sc->first == 0)
			w += w_vocab;
		if (sc->last && (!c->tied || c->pp > 1))
			w += w_vocab;
		cm->weights = w;
		cm->kv_per_seq = sc->n_att * kv_layer_seq;
		cm->tokens_per_byte = (c->S + c->O) / cm->kv_per_seq;
		cm->act = maxd(a_attn, sc->n_d > 0 ? a_dense : 0);
		cm->logits = sc->last ? 4.0 * c->b_rep * c->V / c->tp : 0;

		struct device_mem *dv = &cm->dev;
		dv->stage = (int)sc->first;
		dv->stages = (int)sc->n;
		dv->experts = 0;
		dv->count = 0;
		dv->layers = (long)sc->n_att;
		dv->dense_layers = (long)sc->n_d;
		dv->moe_layers = (long)sc->n_m;
		dv->weights_gib = dv->act_gib = dv->total_gib = 0;
		dv->kv_gib = c->b_rep * cm->kv_per_seq / GIB;
		dv->reserved_gib = c->s->hw.reserved_gib;
		dv->capacity_gib = c->s->hw.mem_gib;
	}
}

/* The memory of one GPU of stage class k holding `experts` experts, whose
 * weights take w_expert bytes each per MoE layer and whose MoE FFN holds
 * a_moe activation elements. */
static void class_device(const struct cost_ctx *c, int k, long experts, double count, double w_expert,
			 double a_moe, struct device_mem *dv, double *kv_seqs, double *kv_tokens)
{
	const struct stage_class *sc = &c->cls[k];
	const struct class_mem *cm = &c->cmem[k];

	*dv = cm->dev;
	dv->experts = experts;
	dv->count = count;
	double w = cm->weights + sc->n_m * (double)experts * w_expert;
	double act = c->b_a * maxd(cm->act, sc->n_m > 0 ? a_moe : 0) + cm->logits;
	dv->weights_gib = w / GIB;
	dv->act_gib = act / GIB;
	dv->total_gib = dv->weights_gib + dv->kv_gib + dv->act_gib + dv->reserved_gib;
	/* Sequences (and tokens) whose KV fits beside this device's weights,
	 * activations and reserve, or in the pool its engine sets aside; the
	 * smallest over devices bounds the deployment.  A search without an
	 * engine ranks by neither. */
	*kv_seqs = *kv_tokens = NAN;
	if (c->ranking && c->engine == ENGINE_NONE)
		return;
	double capacity = dv->capacity_gib * GIB, reserved = dv->reserved_gib * GIB;
	double free = capacity - w - act - reserved;
	if (!c->ranking)
		*kv_seqs = free <= 0 ? 0 : floor(free / cm->kv_per_seq) * c->dp;
	if (c->engine == ENGINE_NONE)
		return;
	double pool = serve_kv_pool_bytes(c->mem_rule, c->eng.mem_fraction, capacity, w, act, reserved);
	*kv_tokens = pool <= 0 ? 0 : floor(pool * cm->tokens_per_byte);
}

void cost_memory(const struct cost_ctx *c, struct result *r)
{
	long E = (long)c->E, ep = (long)c->ep;
	long rich = E % ep;    /* EP ranks holding one more expert */
	double per_rank = c->G / c->ep;
	double T = c->mem_T;
	double w_expert = c->b_we * c->expert_gpu;
	double T_e = c->Lm > 0 ? T * c->k * cost_imbalance(c, T) * c->etp / c->tp : 0;
	double a_moe = c->mem_a_moe + T_e * (c->d + 2.0 * (double)c->s->model.expert_ffn / c->etp);

	double pool_tokens = NAN;   /* per replica: the smallest device's */

	r->n_devices = 0;
	r->n_device_rows = 0;
	for (int k = 0; k < c->n_cls; k++) {
		for (int kind = rich ? 0 : 1; kind < 2; kind++) {
			struct device_mem *dv = &r->dev[r->n_devices];
			double seqs, tokens;
			if (kind == 0)
				class_device(c, k, E / ep + 1, per_rank * (double)rich, w_expert, a_moe, dv, &seqs,
					     &tokens);
			else
				class_device(c, k, E / ep, per_rank * (double)(ep - rich), w_expert, a_moe, dv, &seqs,
					     &tokens);
			/* the fullest device is the first, in stage order, of the largest total */
			if (r->n_devices == 0 || dv->total_gib > r->max_total_gib) {
				r->max_total_gib = dv->total_gib;
				r->worst_device = r->n_devices;
			}
			if (r->n_devices == 0 || seqs < r->kv_capacity_seqs)
				r->kv_capacity_seqs = seqs;
			if (r->n_devices == 0 || tokens < pool_tokens)
				pool_tokens = tokens;
			r->n_devices++;
			r->n_device_rows += dv->stages;
		}
	}
	/* without an engine, the room is counted in whole sequences */
	r->kv_capacity_tokens = c->engine == ENGINE_NONE ? r->kv_capacity_seqs * (c->S + c->O) : pool_tokens * c->dp;
	/* For the whole model, before tensor parallelism splits it. */
	double per_layer = c->mla ? c->rkv + c->dr : 2.0 * c->Hkv * c->h;
	r->kv_bytes_per_token = c->L * per_layer * c->b_kv;
}

void cost_admit(struct cost_ctx *c, struct result *r)
{
	c->b_run = c->b_rep;
	c->kv_per_running = 1.0;
	c->plan = (struct prefill_plan){ .chunks = 1, .group = 1 };
	r->running_per_replica = c->serving ? c->b_rep : NAN;
	if (c->engine == ENGINE_NONE)
		return;

	double pool = r->kv_capacity_tokens / c->dp;
	/* a paged engine's sequence holds its prompt and what it has
	 * generated: half the output on average over its life */
	double per_seq = c->S + (c->eng.admit == ADMIT_RULE_PAGED ? c->O / 2.0 : c->O);
	/* an open stream has no fixed number in flight: the cap is what the
	 * engine could run, the phases find how many do */
	double in_flight = c->arrival == ARRIVAL_POISSON ? INFINITY : c->b_rep;
	int cap;
	double b = serve_admit(in_flight, (double)c->eng.max_seqs, pool, per_seq, &cap);
	r->admit_none = b < 1;
	if (b < 1)
		b = 1;
	c->b_run = b;
	c->plan = serve_prefill_plan(c->S, (double)c->eng.max_batched_tokens, b, false);
	r->running_per_replica = b;
	r->admit_cap = cap;
	r->kv_capacity_seqs = floor(pool / per_seq) * c->dp;
	c->kv_per_running = per_seq / (c->S + c->O);

	/* the KV cache the running batch holds, in each device's memory */
	r->max_total_gib = 0;
	for (int d = 0; d < r->n_devices; d++) {
		struct device_mem *dv = &r->dev[d];
		int k = 0;
		while (k + 1 < c->n_cls && c->cls[k].first != dv->stage)
			k++;
		dv->kv_gib = b * c->kv_per_running * c->cmem[k].kv_per_seq / GIB;
		dv->total_gib = dv->weights_gib + dv->kv_gib + dv->act_gib + dv->reserved_gib;
		if (d == 0 || dv->total_gib > r->max_total_gib) {
			r->max_total_gib = dv->total_gib;
			r->worst_device = d;
		}
	}
}

/* The entries from j on that share dev[j]'s stages: 1 or 2 kinds. */
static int kinds_at(const struct result *r, int j)
{
	return j + 1 < r->n_devices && r->dev[j + 1].stage == r->dev[j].stage ? 2 : 1;
}

void cost_device_row(const struct result *r, int i, struct device_mem *out)
{
	int row = 0;
	for (int j = 0; j < r->n_devices;) {
		int m = kinds_at(r, j), rows = r->dev[j].stages * m;
		if (i < row + rows) {
			int off = i - row;
			*out = r->dev[j + off % m];
			out->stage += off / m;
			out->stages = 1;
			return;
		}
		row += rows;
		j += m;
	}
	/* past the end: callers stay below n_device_rows */
	memset(out, 0, sizeof *out);
}

int cost_device_row_of(const struct result *r, int d)
{
	int row = 0;
	for (int j = 0; j < r->n_devices;) {
		int m = kinds_at(r, j);
		if (d < j + m)
			return row + (d - j);
		row += r->dev[j].stages * m;
		j += m;
	}
	return 0;
}
