/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a scenario's fields mean on their own (scenario.h): the compute
 * dtype in force, a GPU's peak for it, the width of the vocabulary
 * matrices, the expert TP a strategy folds to. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "scenario.h"

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

long scenario_gpus_per_host(const struct hardware *hw)
{
	long n = hw->gpus_per_host > 0 ? hw->gpus_per_host : hw->gpus_per_node;
	return n > 0 ? n : 1;
}

bool scenario_tail_required(const struct requirements *q)
{
	return !isnan(q->ttft_p90_s) || !isnan(q->ttft_p99_s) || !isnan(q->tpot_p90_ms) || !isnan(q->tpot_p99_ms);
}
