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

/* A linear-attention layer (Gated DeltaNet): the fused projection in to
 * queries, keys, values and the output gate, the two per-head gates (a, b),
 * the short convolution over queries, keys and values, the projection out,
 * and per head its decay and step bias, with one norm of the value dim. */
double params_linear_layer(const struct model *m)
{
	double d = (double)m->hidden, hv = (double)m->linear_value_heads;
	double key = (double)m->linear_key_heads * (double)m->linear_key_dim;
	double value = hv * (double)m->linear_value_dim;
	double conv = 2.0 * key + value;
	return d * (2.0 * key + 2.0 * value) + d * 2.0 * hv + conv * (double)m->linear_conv_kernel + value * d +
	       2.0 * hv + (double)m->linear_value_dim;
}

/* The indexer of a sparse-attention layer: its query heads from the query
 * latent (the hidden state without one), one shared key with its norm,
 * and a weight per head. */
double params_indexer(const struct model *m)
{
	double d = (double)m->hidden, hi = (double)m->index_heads, di = (double)m->index_head_dim;
	double q_in = m->attention == ATTN_MLA && m->q_lora_rank > 0 ? (double)m->q_lora_rank : d;
	return q_in * hi * di + d * di + 2.0 * di + d * hi;
}

double params_attn_layer(const struct model *m)
{
	double L = (double)m->layers;
	if (L <= 0)
		return 0;
	double lin = (double)m->linear_layers, sparse = (double)m->sparse_layers;
	double t = (L - lin) * attn_params(m);
	if (lin > 0)
		t += lin * params_linear_layer(m);
	if (sparse > 0)
		t += sparse * params_indexer(m);
	return t / L;
}

void params_count(const struct model *m, struct param_counts *pc)
{
	double g = params_ffn_mats(m), d = (double)m->hidden;
	double L = (double)m->layers, Ld = (double)m->dense_layers, Lm = L - Ld;
	double E = (double)m->experts, k = (double)m->top_k;

	/* the mean over the layers' attention kinds */
	pc->attn = params_attn_layer(m);
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
