/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step model's memory per device class: weights, activations, the
 * runtime reserve and the KV cache of the batch (step_ctx.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "step_ctx.h"

#define GIB 1073741824.0

double step_static_peak_tokens(const struct step_ctx *c)
{
	/* static mode prefills a microbatch of whole prompts */
	return ceil(c->b_rep / c->m) * c->S_new;
}

void step_memory_fixed(struct step_ctx *c, double T, double rows)
{
	double hq = c->mla ? c->dn + c->dr : c->h;
	const struct model *m = &c->s->model;

	/* bytes of weights per layer, activation elements of the peak pass */
	double w_att = c->b_w * c->attn_gpu;
	double w_dense = c->b_w * c->dense_gpu;
	double w_moe = c->b_w * (c->shared_gpu + c->P_r);
	double w_vocab = c->b_head * c->lm_gpu;
	double kv_layer_seq = step_seq_bytes(c, c->S + c->O);
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
		cm->tokens_per_byte = (c->S + c->O) / (sc->n_att * step_seq_pool_bytes(c, c->S + c->O));
		cm->act = maxd(a_attn, sc->n_d > 0 ? a_dense : 0);
		cm->logits = sc->last ? 4.0 * rows * c->V / c->tp : 0;

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
static void class_device(const struct step_ctx *c, int k, long experts, double count, double w_expert,
			 double a_moe, struct device_mem *dv, double *kv_seqs)
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
	/* Sequences whose KV fits beside this device's weights, activations
	 * and reserve; the smallest over devices bounds the deployment.  A
	 * search ranks without it (an engine's pool is the serving layer's). */
	*kv_seqs = NAN;
	if (c->ranking)
		return;
	double capacity = dv->capacity_gib * GIB, reserved = dv->reserved_gib * GIB;
	double free = capacity - w - act - reserved;
	*kv_seqs = free <= 0 ? 0 : floor(free / cm->kv_per_seq) * c->dp;
}

/* A sequence of S + O tokens in the whole model, by kind: tok bytes a
 * token in a layer's KV cache. */
static void kv_by_kind(const struct step_ctx *c, double tok, double out[KV_KINDS])
{
	double n = c->S + c->O;
	for (int i = 0; i < KV_KINDS; i++)
		out[i] = 0;
	if (!c->kinds) {
		out[KV_FULL] = c->L * n * tok;
		return;
	}
	bool freed = c->kinds_held;
	out[KV_FULL] = c->f_full * c->L * n * tok;
	out[KV_WINDOW] = c->f_win * c->L * (freed ? mind(n, c->W) : n) * tok;
	out[KV_CHUNK] = c->f_chunk * c->L * (freed ? mind(n, c->C) : n) * tok;
	out[KV_LINEAR] = c->f_lin * c->L * c->lin_state * c->tp;
	out[KV_SPARSE] = c->f_sparse * c->L * n * (tok + c->idx_bytes);
}

void step_memory(const struct step_ctx *c, struct result *r)
{
	long E = (long)c->E, ep = (long)c->ep;
	long rich = E % ep;    /* EP ranks holding one more expert */
	double per_rank = c->G / c->ep;
	double T = c->mem_T;
	double w_expert = c->b_we * c->expert_gpu;
	double T_e = c->Lm > 0 ? T * c->k * step_imbalance(c, T) * c->etp / c->tp : 0;
	double a_moe = c->mem_a_moe + T_e * (c->d + 2.0 * (double)c->s->model.expert_ffn / c->etp);

	r->n_devices = 0;
	r->n_device_rows = 0;
	for (int k = 0; k < c->n_cls; k++) {
		for (int kind = rich ? 0 : 1; kind < 2; kind++) {
			struct device_mem *dv = &r->dev[r->n_devices];
			double seqs;
			if (kind == 0)
				class_device(c, k, E / ep + 1, per_rank * (double)rich, w_expert, a_moe, dv, &seqs);
			else
				class_device(c, k, E / ep, per_rank * (double)(ep - rich), w_expert, a_moe, dv, &seqs);
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
	/* the room counted in whole sequences (an engine's pool replaces it:
	 * serve_admit.c) */
	r->kv_capacity_tokens = r->kv_capacity_seqs * (c->S + c->O);
	/* For the whole model, before tensor parallelism splits it. */
	double per_layer = c->mla ? c->rkv + c->dr : 2.0 * c->Hkv * c->h;
	r->kv_bytes_per_token = c->L * per_layer * c->b_kv;
	/* with other kinds, per token of a prompt: what it leaves (a linear
	 * layer's state spread over the prompt's tokens) */
	if (c->kinds && c->S > 0) {
		double whole = step_kv_held(c, c->S) * per_layer * c->b_kv + c->f_lin * c->lin_state * c->tp +
			       c->f_sparse * c->S * c->idx_bytes;
		r->kv_bytes_per_token = c->L * whole / c->S;
	}
	kv_by_kind(c, per_layer * c->b_kv, r->kv_seq_by_kind);
}

int step_class_of(const struct step_ctx *c, const struct result *r, int d)
{
	int k = 0;
	while (k + 1 < c->n_cls && c->cls[k].first != r->dev[d].stage)
		k++;
	return k;
}

