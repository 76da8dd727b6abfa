/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter counts of a model. */
#ifndef MOESCOPE_PARAMS_H
#define MOESCOPE_PARAMS_H

#include "scenario.h"

struct param_counts {
	double attn;     /* P_attn, one layer: the mean over its attention kinds */
	double expert;   /* P_e, one routed expert */
	double shared;   /* P_s, all shared experts of one layer */
	double router;   /* P_r */
	double dense;    /* P_d, one dense FFN */
	double embed;    /* V*d */
	double head;     /* LM head, 0 when tied */
	double total;    /* P */
	double active;   /* A, per token */
};

/* Counts for a model whose defaults are already resolved (scenario_resolve). */
void params_count(const struct model *m, struct param_counts *pc);

/* The attention weights of a layer, the mean over the layers' kinds:
 * full (and window, chunk: the same weights), linear, and sparse with its
 * indexer. */
double params_attn_layer(const struct model *m);
/* One linear-attention layer's weights; one sparse layer's indexer. */
double params_linear_layer(const struct model *m);
double params_indexer(const struct model *m);

/* FFN matrices per expert: 3 for gated (SwiGLU), 2 otherwise. */
static inline double params_ffn_mats(const struct model *m)
{
	return m->gated ? 3.0 : 2.0;
}

#endif
