/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The built-in scenario and a scenario resolved (scenario_resolve.h). */
#include "config.h"

#include <string.h>

#include "keys.h"
#include "params.h"
#include "scenario_resolve.h"

void scenario_default(struct scenario *s)
{
	/* The defaults live in the key table, next to each key's range. */
	memset(s, 0, sizeof *s);
	keys_apply_defaults(s);
}

/* Attention shape defaults, needed before anything can be counted. */
static void resolve_attention(struct model *m)
{
	if (m->kv_heads <= 0)
		m->kv_heads = m->heads;
	if (m->head_dim <= 0 && m->heads > 0)
		m->head_dim = m->hidden / m->heads;
}

long scenario_solve_expert_ffn(const struct model *in)
{
	struct model m = *in;
	struct param_counts pc;
	long moe_layers = m.layers - m.dense_layers;

	if (m.params_b <= 0 || moe_layers <= 0 || m.experts < 1)
		return 0;
	resolve_attention(&m);
	/* A shared expert that defaults to the routed width grows with it,
	 * so both are solved together. */
	bool shared_follows = m.shared_ffn <= 0;
	m.expert_ffn = 0;
	if (shared_follows)
		m.shared_ffn = 0;
	params_count(&m, &pc);
	double per_unit = (double)moe_layers * params_ffn_mats(&m) * (double)m.hidden *
			  ((double)m.experts + (shared_follows ? (double)m.shared_experts : 0.0));
	double fe = (m.params_b * 1e9 - pc.total) / per_unit;
	if (!(fe >= 64.0) || fe > 1e9)
		return 0;
	return (long)(fe / 64.0) * 64;
}

void scenario_resolve(const struct scenario *in, struct scenario *out)
{
	*out = *in;
	struct model *m = &out->model;
	resolve_attention(m);
	if (m->expert_ffn <= 0)
		m->expert_ffn = scenario_solve_expert_ffn(m);
	if (m->shared_ffn <= 0)
		m->shared_ffn = m->expert_ffn;
	if (m->expert_weight_bytes <= 0)
		m->expert_weight_bytes = m->weight_bytes;
	if (m->head_bytes <= 0)
		m->head_bytes = scenario_head_bytes(m->weight_bytes);
	m->compute_dtype = scenario_compute_dtype(m);
	/* One expert that every token takes, nothing shared, the same bytes:
	 * a dense FFN written as MoE.  It is computed as the dense layers it
	 * is, so that both ways of writing a model give the same figures
	 * (no router, no expert all-reduce, no per-expert set-up).  The model
	 * has one dense width: declared dense layers of another width keep
	 * it, and their MoE layers stay one-expert layers (same parameters). */
	if (m->experts == 1 && m->top_k == 1 && m->shared_experts == 0 &&
	    m->expert_weight_bytes == m->weight_bytes && m->expert_ffn > 0 && m->layers > m->dense_layers &&
	    (m->dense_layers == 0 || m->dense_ffn == m->expert_ffn) && scenario_dense_form(&out->strat)) {
		m->dense_layers = m->layers;
		m->dense_ffn = m->expert_ffn;
	}

	scenario_resolve_etp(&out->strat);
}
