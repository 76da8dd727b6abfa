/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "evaluate_prep.h"
#include "nearest.h"
#include "search.h"

struct nearest_ctx {
	const struct scenario *s;
	struct cost_prep *prep;
	struct result *r;
	long gpus;
	double best;
	struct strategy found;
	bool any;
};

static double apart(long a, long b)
{
	return fabs(log2((double)a / (double)b));
}

static void consider(void *ctx, const struct candidate *c)
{
	struct nearest_ctx *x = ctx;
	const struct strategy *now = &x->s->strat;
	struct strategy st = *now;
	st.dp = c->dp;
	st.tp = c->tp;
	st.pp = c->pp;
	st.ep = c->ep;
	st.etp = c->etp;
	cost_evaluate_prepared(x->prep, &st, x->s->work.microbatches, x->r);
	if (!x->r->ok)
		return;
	long n = c->dp * c->tp * c->pp;
	/* auto etp where it folds: the layout the degrees alone suggest */
	struct strategy probe = st;
	probe.etp = 0;
	scenario_resolve_etp(&probe);
	bool auto_etp = probe.etp == c->etp;
	/* the GPU count first, memory next, then each degree */
	double d = 4 * apart(n, x->gpus) + (x->r->max_total_gib > x->r->capacity_gib ? 8 : 0) + apart(c->dp, now->dp) +
		   apart(c->tp, now->tp) + apart(c->pp, now->pp) + apart(c->ep, now->ep > 0 ? now->ep : 1) +
		   (auto_etp ? 0 : 0.5);
	if (x->any && d >= x->best)
		return;
	x->any = true;
	x->best = d;
	x->found = st;
	x->found.etp = auto_etp ? 0 : c->etp;
}

bool nearest_valid_strategy(const struct scenario *s, struct search_stop *stop, struct strategy *out)
{
	static struct cost_prep prep;   /* large: not on the stack */
	static struct result r;
	struct nearest_ctx x = { .s = s, .prep = &prep, .r = &r };
	x.gpus = s->strat.dp * s->strat.tp * s->strat.pp;
	if (x.gpus < 1)
		x.gpus = 1;
	cost_prepare(s, &prep);
	search_stop_reset(stop);
	search_each_strategy(s, 0, x.gpus * 2 > 8 ? x.gpus * 2 : 8, stop, consider, &x);
	if (x.any)
		*out = x.found;
	return x.any;
}
