/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one entry point of the model: scenario in, figures out.  It picks
 * the kind of deployment: one pool (static batch or serving, serve_eval.c,
 * on the step model) or a disaggregated pair of pools (deploy_disagg.c).
 * cost_evaluate() is pure: no I/O, no allocation, and a time that depends
 * neither on the layers nor on the GPUs nor on the pipeline stages (they are
 * grouped into at most COST_STAGE_CLASSES classes). */
#ifndef MOESCOPE_EVALUATE_H
#define MOESCOPE_EVALUATE_H

#include "params.h"
#include "result.h"
#include "scenario.h"
#include "step.h"

void cost_evaluate(const struct scenario *s, struct result *r);

/* For many strategies of one scenario (a search): what depends only on
 * the model and the hardware is worked out once, and what depends only on
 * dp, tp, pp and the microbatches once for each of them (so a search
 * varies ep and etp fastest).  Defined in evaluate_prep.h. */
struct cost_prep;
void cost_prepare(const struct scenario *s, struct cost_prep *p);
/* The figures a search ranks and filters by, as cost_evaluate gives them
 * for the scenario with this strategy and these microbatches: validity,
 * layout, memory per device class and max_total_gib, TTFT, TPOT and the
 * decode's split, throughput, end to end.  Left out: tpot_max_ms,
 * kv_capacity_seqs, tokens/s per user and per GPU, $ and J per token (NaN)
 * and the prefill's split (zero). */
void cost_evaluate_prepared(struct cost_prep *p, const struct strategy *st, long microbatches,
			    struct result *r);
/* The same, with the time of each op filled in (for `show time`). */
void cost_evaluate_detail(const struct scenario *s, struct result *r);

#endif
