/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "keys.h"
#include "params.h"
#include "scenario.h"

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

int scenario_compute_dtype(const struct model *m)
{
	if (m->compute_dtype != DTYPE_AUTO)
		return m->compute_dtype;
	if (m->weight_bytes < 1.0)
		return DTYPE_FP4;
	if (m->weight_bytes < 2.0)
		return DTYPE_FP8;
	return DTYPE_BF16;
}

double scenario_peak_tflops(const struct hardware *hw, int dtype)
{
	/* 0 means "not supported".  FP8 math falls back to 16 bits.  FP4
	 * weights on a GPU without FP4 math are dequantised into the
	 * activations' 16 bits (weight-only quantisation): FP8 math would need
	 * FP8 activations, which a 4-bit checkpoint does not bring. */
	if (dtype == DTYPE_FP4 && hw->tflops_fp4 > 0)
		return hw->tflops_fp4;
	if (dtype == DTYPE_FP8 && hw->tflops_fp8 > 0)
		return hw->tflops_fp8;
	return hw->tflops_bf16;
}

const char *dtype_name(int dtype)
{
	switch (dtype) {
	case DTYPE_BF16: return "bf16";
	case DTYPE_FP8: return "fp8";
	case DTYPE_FP4: return "fp4";
	default: return "auto";
	}
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
	 * (no router, no expert all-reduce, no per-expert set-up). */
	if (m->experts == 1 && m->top_k == 1 && m->shared_experts == 0 &&
	    m->expert_weight_bytes == m->weight_bytes && m->expert_ffn > 0 && scenario_dense_form(&out->strat)) {
		m->dense_layers = m->layers;
		m->dense_ffn = m->expert_ffn;
	}

	scenario_resolve_etp(&out->strat);
}

/* Quantizers leave the vocabulary matrices out: ModelOpt's fp8 and nvfp4
 * exports list lm_head in exclude_modules, gpt-oss-120b's config.json has
 * model.embed_tokens and lm_head in modules_to_not_convert, and DeepSeek-V3's
 * fp8 checkpoint scales its linear layers only. */
double scenario_head_bytes(double weight_bytes)
{
	return weight_bytes < 2 ? 2 : weight_bytes;
}

bool scenario_dense_form(const struct strategy *st)
{
	return st->ep == 1 && (st->etp == 0 || st->etp == st->tp);
}

void scenario_resolve_etp(struct strategy *st)
{
	if (st->etp > 0)
		return;
	long G = st->dp * st->tp;
	if (st->ep > 0 && G % (st->ep * st->tp) == 0)
		st->etp = st->tp;
	else if (st->ep > 0 && G % st->ep == 0)
		st->etp = G / st->ep;
	/* else: no valid fold; the cost model reports E_FOLD */
}
