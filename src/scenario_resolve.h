/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The built-in scenario, from the defaults of the key table, and a
 * scenario with every "auto" field resolved: the attention shape, the
 * expert width solved from the declared parameters, the vocabulary
 * matrices' width, the compute dtype, the expert TP.  Above the key table
 * and the parameter counts, which it uses. */
#ifndef MOESCOPE_SCENARIO_RESOLVE_H
#define MOESCOPE_SCENARIO_RESOLVE_H

#include "scenario.h"

/* The built-in scenario: the seed 10B MoE on the seed GPU. */
void scenario_default(struct scenario *s);

/* Fill every "auto"/"default" field with the value the model uses.
 * Fields that cannot be resolved (expert_ffn auto without params_b) stay 0;
 * the cost model reports why.  imbalance auto stays 0: it depends on the pass. */
void scenario_resolve(const struct scenario *in, struct scenario *out);

/* f_e solved from params_b, or 0 when that is impossible. */
long scenario_solve_expert_ffn(const struct model *m);

#endif
