/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disaggregated serving: a prefill pool and a decode pool, each with its
 * own strategy and number of instances, and the KV cache of every request
 * moved from one to the other.  The deployment layer: it evaluates each
 * pool with the serving layer (serve_evaluate) and combines them.  Pure: no
 * I/O, no allocation. */
#ifndef MOESCOPE_DEPLOY_DISAGG_H
#define MOESCOPE_DEPLOY_DISAGG_H

#include "result.h"
#include "scenario.h"

/* The whole deployment in workload.mode disagg; detail: the time of each
 * op of both pools' passes (for `show time`). */
void disagg_evaluate(const struct scenario *s, struct result *r, bool detail);

/* The prefill pool's strategy: prefill.* with each 0 taken from strategy.*. */
struct strategy disagg_prefill_strategy(const struct scenario *s);

#endif
