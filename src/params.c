/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "params.h"

static double attn_params(const struct model *m)
{
	double d = (double)m->hidden, H = (double)m->heads;

	if (m->attention == ATTN_MLA) {
		double rq = (double)m->q_lora_rank, rkv = (double)m->kv_lora_rank;
		double dr = (double)m->qk_rope_dim, dn = (double)m->qk_nope_dim;
		double dv = (double)m->v_head_dim;
		double pq = rq > 0 ? d * rq + rq * H * (dn + dr) : d * H * (dn + dr);
		double pkv = d * (rkv + dr) + rkv * H * (dn + dv);
		return pq + pkv + H * dv * d;
	}
	return d * (double)m->head_dim * (2.0 * H + 2.0 * (double)m->kv_heads);
}

void params_count(const struct model *m, struct param_counts *pc)
{
	double g = params_ffn_mats(m), d = (double)m->hidden;
	double L = (double)m->layers, Ld = (double)m->dense_layers, Lm = L - Ld;
	double E = (double)m->experts, k = (double)m->top_k;

	pc->attn = attn_params(m);
	pc->expert = g * d * (double)m->expert_ffn;
	pc->shared = (double)m->shared_experts * g * d * (double)m->shared_ffn;
	pc->router = m->experts > 1 ? d * E : 0.0;
	pc->dense = g * d * (double)m->dense_ffn;
	pc->embed = (double)m->vocab * d;
	pc->head = m->tied_embeddings ? 0.0 : pc->embed;
	pc->total = L * pc->attn + Lm * (E * pc->expert + pc->shared + pc->router) +
		    Ld * pc->dense + pc->embed + pc->head;
	/* The LM head matmul runs whether or not it is tied; the embedding
	 * lookup is not a matmul, so V*d counts once. */
	pc->active = L * pc->attn + Lm * (k * pc->expert + pc->shared + pc->router) +
		     Ld * pc->dense + pc->embed;
}
