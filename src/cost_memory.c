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

/* The memory of one GPU of stage class sc holding `experts` experts. */
static void class_device(const struct cost_ctx *c, const struct mem_terms *t, const struct stage_class *sc,
			 long experts, double count, struct device_mem *dv, double *kv_seqs)
{
	const struct hardware *hw = &c->s->hw;

	dv->stage = (int)sc->first;
	dv->stages = (int)sc->n;
	dv->experts = experts;
	dv->count = count;
	dv->layers = (long)sc->n_att;
	dv->dense_layers = (long)sc->n_d;
	dv->moe_layers = (long)sc->n_m;

	double w = sc->n_att * t->w_att + sc->n_d * t->w_dense + sc->n_m * (t->w_moe + (double)experts * t->w_expert);
	if (sc->first == 0)
		w += t->w_vocab;
	if (sc->last && (!c->tied || c->pp > 1))
		w += t->w_vocab;
	double ffn = maxd(sc->n_d > 0 ? t->a_dense : 0, sc->n_m > 0 ? t->a_moe : 0);
	double act = c->b_a * maxd(t->a_attn, ffn) + (sc->last ? t->logits : 0);
	double kv_per_seq = sc->n_att * t->kv_layer_seq;

	dv->weights_gib = w / GIB;
	dv->kv_gib = c->b_rep * kv_per_seq / GIB;
	dv->act_gib = act / GIB;
	dv->reserved_gib = hw->reserved_gib;
	dv->total_gib = dv->weights_gib + dv->kv_gib + dv->act_gib + dv->reserved_gib;
	dv->capacity_gib = hw->mem_gib;
	/* Sequences whose KV fits beside this device's weights, activations
	 * and reserve; the smallest over devices bounds the deployment. */
	double free_gib = hw->mem_gib - dv->weights_gib - dv->act_gib - dv->reserved_gib;
	if (c->ranking)
		*kv_seqs = NAN;
	else
		*kv_seqs = free_gib <= 0 ? 0 : floor(free_gib * GIB / kv_per_seq) * c->dp;
}

void cost_memory(const struct cost_ctx *c, struct result *r)
{
	long E = (long)c->E, ep = (long)c->ep;
	long rich = E % ep;    /* EP ranks holding one more expert */
	double per_rank = c->G / c->ep;
	struct mem_terms t;

	mem_terms(c, &t);
	r->n_devices = 0;
	r->n_device_rows = 0;
	for (int k = 0; k < c->n_cls; k++) {
		const struct stage_class *sc = &c->cls[k];
		for (int kind = rich ? 0 : 1; kind < 2; kind++) {
			struct device_mem *dv = &r->dev[r->n_devices];
			double seqs;
			if (kind == 0)
				class_device(c, &t, sc, E / ep + 1, per_rank * (double)rich, dv, &seqs);
			else
				class_device(c, &t, sc, E / ep, per_rank * (double)(ep - rich), dv, &seqs);
			/* the fullest device is the first, in stage order, of the largest total */
			if (r->n_devices == 0 || dv->total_gib > r->max_total_gib) {
				r->max_total_gib = dv->total_gib;
				r->worst_device = r->n_devices;
			}
			if (r->n_devices == 0 || seqs < r->kv_capacity_seqs)
				r->kv_capacity_seqs = seqs;
			r->n_devices++;
			r->n_device_rows += dv->stages;
		}
	}
	/* For the whole model, before tensor parallelism splits it. */
	double per_layer = c->mla ? c->rkv + c->dr : 2.0 * c->Hkv * c->h;
	r->kv_bytes_per_token = c->L * per_layer * c->b_kv;
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
