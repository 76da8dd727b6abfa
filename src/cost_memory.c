/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory per device class (COSTMODEL.md section 4). */
#include "config.h"

#include <math.h>

#include "cost_ctx.h"

#define GIB 1073741824.0

/* Layers of stage s: the first L % pp stages get one more; dense layers
 * are the first ones of the model, so they land in the first stages. */
void cost_stage_layers(const struct cost_ctx *c, long s, long *n_att, long *n_d, long *n_m)
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

/* Tokens of the largest pass that holds activations at once.  Static mode
 * prefills a microbatch of whole prompts; serving prefills one prompt while
 * the other sequences decode. */
static double peak_tokens(const struct cost_ctx *c)
{
	if (c->serving)
		return c->b_rep - 1.0 + c->S;
	return ceil(c->b_rep / c->m) * c->S;
}

static double act_bytes(const struct cost_ctx *c, long n_d, long n_m, bool last)
{
	double T = peak_tokens(c);
	double hq = c->mla ? c->dn + c->dr : c->h;
	double kv = c->mla ? c->kv_tok : 2.0 * c->kvh * c->h;
	double a_attn = T * (2.0 * c->d + 2.0 * (c->H / c->tp) * hq + kv);
	double a_ffn = 0;

	if (n_d > 0) {
		double dense = T * (2.0 * c->d + 2.0 * (double)c->s->model.dense_ffn / c->tp);
		a_ffn = fmax(a_ffn, dense);
	}
	if (n_m > 0) {
		double f_e = (double)c->s->model.expert_ffn, f_s = (double)c->s->model.shared_ffn;
		double T_e = T * c->k * cost_imbalance(c, T) * c->etp / c->tp;
		double moe = T * 2.0 * c->d + T_e * (c->d + 2.0 * f_e / c->etp) +
			     T * 2.0 * c->Es * f_s / c->tp;
		a_ffn = fmax(a_ffn, moe);
	}
	double logits = last ? 4.0 * c->b_rep * c->V / c->tp : 0.0;
	return c->b_a * fmax(a_attn, a_ffn) + logits;
}

static double weight_bytes(const struct cost_ctx *c, long s, long n_att, long n_d, long n_m,
			   double experts)
{
	double vd_tp = c->V * c->d / c->tp;
	double w = c->b_w * ((double)n_att * c->attn_gpu + (double)n_d * c->P_d / c->tp +
			     (double)n_m * (c->P_s / c->tp + c->P_r));
	w += c->b_we * (double)n_m * experts * c->P_e / c->etp;
	if (s == 0)
		w += c->b_w * vd_tp;
	if (s == (long)c->pp - 1 && (!c->tied || c->pp > 1))
		w += c->b_w * vd_tp;
	return w;
}

static void add_device(const struct cost_ctx *c, struct result *r, long s, long experts,
		       double count, long n_att, long n_d, long n_m)
{
	struct device_mem *dv = &r->dev[r->n_devices++];
	const struct hardware *hw = &c->s->hw;
	bool last = s == (long)c->pp - 1;

	dv->stage = (int)s;
	dv->experts = experts;
	dv->count = count;
	dv->layers = n_att;
	dv->dense_layers = n_d;
	dv->moe_layers = n_m;
	dv->weights_gib = weight_bytes(c, s, n_att, n_d, n_m, (double)experts) / GIB;
	double kv_per_seq = (c->S + c->O) * (double)n_att * c->kv_tok * c->b_kv;
	dv->kv_gib = c->b_rep * kv_per_seq / GIB;
	dv->act_gib = act_bytes(c, n_d, n_m, last) / GIB;
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
	double seqs = free_gib <= 0 ? 0 : floor(free_gib * GIB / kv_per_seq) * c->dp;
	if (r->n_devices == 1 || seqs < r->kv_capacity_seqs)
		r->kv_capacity_seqs = seqs;
}

void cost_memory(const struct cost_ctx *c, struct result *r)
{
	long E = (long)c->E, ep = (long)c->ep;
	long rich = E % ep;    /* EP ranks holding one more expert */
	double per_rank = c->G / c->ep;

	r->n_devices = 0;
	r->max_total_gib = 0;
	r->kv_capacity_seqs = 0;
	for (long s = 0; s < (long)c->pp; s++) {
		long n_att, n_d, n_m;
		cost_stage_layers(c, s, &n_att, &n_d, &n_m);
		if (rich)
			add_device(c, r, s, E / ep + 1, per_rank * (double)rich, n_att, n_d, n_m);
		add_device(c, r, s, E / ep, per_rank * (double)(ep - rich), n_att, n_d, n_m);
	}
	/* For the whole model, before tensor parallelism splits it. */
	double per_layer = c->mla ? c->rkv + c->dr : 2.0 * c->Hkv * c->h;
	r->kv_bytes_per_token = c->L * per_layer * c->b_kv;
}
