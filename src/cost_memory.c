/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory per device class. */
#include "config.h"

#include <math.h>

#include "cost_ctx.h"

#define GIB 1073741824.0

/* Layers of stage s: the first L % pp stages get one more; dense layers
 * are the first ones of the model, so they land in the first stages. */
static void stage_layers_of(const struct cost_ctx *c, long s, long *n_att, long *n_d, long *n_m)
{
	long L = (long)c->L, pp = (long)c->pp, Ld = (long)c->Ld;
	long base = L / pp, extra = L % pp;
	long first = s * base + (s < extra ? s : extra);

	*n_att = base + (s < extra ? 1 : 0);
	long dense = Ld - first;
	if (dense < 0)
		dense = 0;
	if (dense > *n_att)
		dense = *n_att;
	*n_d = dense;
	*n_m = *n_att - dense;
}

void cost_stage_table(struct cost_ctx *c)
{
	for (long s = 0; s < (long)c->pp; s++) {
		long a, d, m;
		stage_layers_of(c, s, &a, &d, &m);
		c->stage[s].n_att = (double)a;
		c->stage[s].n_d = (double)d;
		c->stage[s].n_m = (double)m;
	}
}

/* Tokens of the largest pass that holds activations at once.  Static mode
 * prefills a microbatch of whole prompts; serving prefills one prompt while
 * the other sequences decode. */
static double peak_tokens(const struct cost_ctx *c)
{
	if (c->serving)
		return c->b_rep - 1.0 + c->S;
	return ceil(c->b_rep / c->m) * c->S;
}

/* What one device class holds, per layer kind: computed once per
 * evaluation, then each stage is a few multiplications. */
struct mem_terms {
	double w_att, w_dense, w_moe, w_expert;   /* bytes per layer (w_expert per expert) */
	double w_vocab;                           /* embedding or LM head share */
	double kv_layer_seq;                      /* KV bytes per layer per sequence */
	double a_attn, a_dense, a_moe;            /* activation elements of the peak pass */
	double logits;                            /* bytes on the last stage */
};

static void mem_terms(const struct cost_ctx *c, struct mem_terms *t)
{
	double T = peak_tokens(c);
	double hq = c->mla ? c->dn + c->dr : c->h;
	double kv = c->mla ? c->kv_tok : 2.0 * c->kvh * c->h;

	t->w_att = c->b_w * c->attn_gpu;
	t->w_dense = c->b_w * c->P_d / c->tp;
	t->w_moe = c->b_w * (c->P_s / c->tp + c->P_r);
	t->w_expert = c->b_we * c->P_e / c->etp;
	t->w_vocab = c->b_w * c->V * c->d / c->tp;
	t->kv_layer_seq = (c->S + c->O) * c->kv_tok * c->b_kv;
	t->a_attn = T * (2.0 * c->d + 2.0 * (c->H / c->tp) * hq + kv);
	t->a_dense = T * (2.0 * c->d + 2.0 * (double)c->s->model.dense_ffn / c->tp);
	double f_e = (double)c->s->model.expert_ffn, f_s = (double)c->s->model.shared_ffn;
	double T_e = c->Lm > 0 ? T * c->k * cost_imbalance(c, T) * c->etp / c->tp : 0;
	t->a_moe = T * 2.0 * c->d + T_e * (c->d + 2.0 * f_e / c->etp) + T * 2.0 * c->Es * f_s / c->tp;
	t->logits = 4.0 * c->b_rep * c->V / c->tp;
}

static void add_device(const struct cost_ctx *c, const struct mem_terms *t, struct result *r, long s,
		       long experts, double count)
{
	struct device_mem *dv = &r->dev[r->n_devices++];
	const struct hardware *hw = &c->s->hw;
	const struct stage_layers *sl = &c->stage[s];
	bool last = s == (long)c->pp - 1;
	const double gib = 1073741824.0;

	dv->stage = (int)s;
	dv->experts = experts;
	dv->count = count;
	dv->layers = (long)sl->n_att;
	dv->dense_layers = (long)sl->n_d;
	dv->moe_layers = (long)sl->n_m;

	double w = sl->n_att * t->w_att + sl->n_d * t->w_dense + sl->n_m * (t->w_moe + (double)experts * t->w_expert);
	if (s == 0)
		w += t->w_vocab;
	if (last && (!c->tied || c->pp > 1))
		w += t->w_vocab;
	double ffn = maxd(sl->n_d > 0 ? t->a_dense : 0, sl->n_m > 0 ? t->a_moe : 0);
	double act = c->b_a * maxd(t->a_attn, ffn) + (last ? t->logits : 0);
	double kv_per_seq = sl->n_att * t->kv_layer_seq;

	dv->weights_gib = w / gib;
	dv->kv_gib = c->b_rep * kv_per_seq / gib;
	dv->act_gib = act / gib;
	dv->reserved_gib = hw->reserved_gib;
	dv->total_gib = dv->weights_gib + dv->kv_gib + dv->act_gib + dv->reserved_gib;
	dv->capacity_gib = hw->mem_gib;

	if (dv->total_gib > r->max_total_gib || r->n_devices == 1) {
		r->max_total_gib = dv->total_gib;
		r->worst_device = r->n_devices - 1;
	}
	/* Sequences whose KV fits beside this device's weights, activations
	 * and reserve; the smallest over devices bounds the deployment. */
	double free_gib = hw->mem_gib - dv->weights_gib - dv->act_gib - dv->reserved_gib;
	double seqs = free_gib <= 0 ? 0 : floor(free_gib * gib / kv_per_seq) * c->dp;
	if (r->n_devices == 1 || seqs < r->kv_capacity_seqs)
		r->kv_capacity_seqs = seqs;
}

void cost_memory(const struct cost_ctx *c, struct result *r)
{
	long E = (long)c->E, ep = (long)c->ep;
	long rich = E % ep;    /* EP ranks holding one more expert */
	double per_rank = c->G / c->ep;
	struct mem_terms t;

	mem_terms(c, &t);
	r->n_devices = 0;
	r->max_total_gib = 0;
	r->kv_capacity_seqs = 0;
	for (long s = 0; s < (long)c->pp; s++) {
		if (rich)
			add_device(c, &t, r, s, E / ep + 1, per_rank * (double)rich);
		add_device(c, &t, r, s, E / ep, per_rank * (double)(ep - rich));
	}
	/* For the whole model, before tensor parallelism splits it. */
	double per_layer = c->mla ? c->rkv + c->dr : 2.0 * c->Hkv * c->h;
	r->kv_bytes_per_token = c->L * per_layer * c->b_kv;
}
