/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serving layer's model of one pool: which batch an engine runs (its
 * KV pool, its limits on sequences and tokens), how the steps the step
 * model times are composed (chunks, mixed steps, the host side), how
 * requests arrive (a closed loop's waves, a Poisson stream) and what TTFT
 * and TPOT a user sees.  Static mode (one batch, no engine) is the same
 * path with the step model's own composition.  Pure: no I/O, no
 * allocation. */
#ifndef MOESCOPE_SERVE_CTX_H
#define MOESCOPE_SERVE_CTX_H

#include "serve.h"
#include "step_ctx.h"

struct serve_ctx {
	struct step_ctx step;       /* the step model of the pool's strategy */
	bool serving;               /* serving mode: else one static batch */
	bool decode_only;           /* a decode pool: no step carries a prompt */
	/* the engine's limits, and what runs */
	int engine, mem_rule, arrival;
	struct engine_cfg eng;      /* resolved; all 0 without an engine */
	double b_run;               /* sequences running at once per replica */
	double kv_per_running;      /* of a sequence's whole KV, what a running one holds */
	double step_s, seq_s, frontend_s;   /* the engine's host-side costs */
	struct prefill_plan plan;   /* chunks per prompt, prompts per step */
};

/* ---- one pool (serve_eval.c) ---- */

/* What does not depend on ep and etp, for a resolved scenario: the step
 * model's part (step_fixed), the engine's settings, and the memory of the
 * largest pass the engine (or the batch) makes. */
void serve_pool_fixed(const struct scenario *rs, const struct param_counts *params, int bad_model,
		      struct result *r, struct serve_ctx *c);
/* The rest, on what serve_pool_fixed left in r and c; parts are the
 * passes' parts when known (a prepared evaluation), else NULL.  detail:
 * the time of each op; ranking: only what a search ranks by. */
void serve_pool_experts(const struct scenario *rs, struct result *r, struct serve_ctx *c,
			const struct pass_part parts[2], bool detail, bool ranking);
/* One pool evaluated whole: a static batch, or a serving deployment (with
 * or without an engine).  What the deployment layer calls for each pool. */
void serve_evaluate(const struct scenario *s, struct result *r, bool detail);

/* ---- the running batch (serve_admit.c) ---- */

/* With an engine: its KV pool on each device (the smallest bounds the
 * replica), the batch its pool and limits admit (c->b_run and c->plan),
 * and the KV cache of that batch in each device's memory. */
void serve_admit_batch(struct serve_ctx *c, struct result *r);

/* ---- the steps and what a user sees (serve_steps.c) ---- */

/* The parts of the workload's two passes: prefill and decode (static), or
 * decode and the mixed step (serving).  ops: three op_split per pass to
 * fill for a detailed evaluation, or NULL. */
void serve_pass_parts(const struct serve_ctx *c, struct pass_part pt[2], struct op_split (*ops)[3]);
/* Both phases from the parts of the two passes, and the figures a user
 * sees: TTFT, TPOT, their percentiles, the rates, $ and J per token. */
void serve_phases(const struct serve_ctx *c, const struct pass_part pt[2], struct result *r);

#endif
