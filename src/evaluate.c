/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one entry point (evaluate.h): a scenario of one pool goes to the
 * serving layer (serve_eval.c), a disaggregated one to the deployment
 * layer (deploy_disagg.c).  The prepared evaluation of a search keeps what
 * a strategy's dp, tp and pp fix between candidates. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "deploy_disagg.h"
#include "evaluate.h"
#include "evaluate_prep.h"
#include "scenario_resolve.h"

/* The model resolved under a strategy of one expert group: etp = tp
 * (dense) or not. */
static void resolve_form(const struct scenario *s, bool dense, struct model *m, struct param_counts *params, int *bad)
{
	static struct scenario in, out;   /* large: off the stack */
	in = *s;
	in.strat.ep = 1;
	in.strat.etp = dense ? 0 : in.strat.tp + 1;
	scenario_resolve(&in, &out);
	*m = out.model;
	*bad = step_check_model(m);
	if (*bad == BM_NONE)
		params_count(m, params);
}

void cost_prepare(const struct scenario *s, struct cost_prep *p)
{
	scenario_resolve(s, &p->rs);
	p->bad_model = step_check_model(&p->rs.model);
	if (p->bad_model == BM_NONE)
		params_count(&p->rs.model, &p->params);
	p->have_fixed = false;
	/* each candidate takes the form its ep and etp give (a search varies
	 * them under one preparation) */
	resolve_form(s, false, &p->forms[0], &p->form_params[0], &p->form_bad[0]);
	resolve_form(s, true, &p->forms[1], &p->form_params[1], &p->form_bad[1]);
	p->one_expert = memcmp(&p->forms[0], &p->forms[1], sizeof p->forms[0]) != 0;
	p->form = -1;
}

/* The fields of a result serve_pool_fixed fills: all but the phases and devices. */
static void copy_fixed(struct result *dst, const struct result *src)
{
	memcpy(dst, src, offsetof(struct result, prefill));
	memcpy(&dst->ttft_s, &src->ttft_s, offsetof(struct result, dev) - offsetof(struct result, ttft_s));
}

static bool same_fixed(const struct cost_prep *p, const struct strategy *st, long microbatches)
{
	const struct strategy *k = &p->key;
	return p->have_fixed && k->dp == st->dp && k->tp == st->tp && k->pp == st->pp &&
	       k->overlap == st->overlap && p->key_microbatches == microbatches;
}

void cost_evaluate_prepared(struct cost_prep *p, const struct strategy *st, long microbatches,
			    struct result *r)
{
	struct scenario *rs = &p->rs;
	rs->strat = *st;
	scenario_resolve_etp(&rs->strat);
	rs->work.microbatches = microbatches;
	if (p->one_expert) {
		int form = scenario_dense_form(&rs->strat);
		if (form != p->form) {
			rs->model = p->forms[form];
			p->params = p->form_params[form];
			p->bad_model = p->form_bad[form];
			p->form = form;
			p->have_fixed = false;
		}
	}
	if (rs->work.mode == MODE_DISAGG) {
		/* two pools: nothing of one evaluation carries over */
		disagg_evaluate(rs, r, false);
		p->have_fixed = false;
		return;
	}
	if (!same_fixed(p, &rs->strat, microbatches)) {
		serve_pool_fixed(rs, &p->params, p->bad_model, &p->head, &p->ctx);
		if (!p->head.errors)
			serve_pass_parts(&p->ctx, p->parts, NULL);
		p->key = rs->strat;
		p->key_microbatches = microbatches;
		p->have_fixed = true;
	}
	copy_fixed(r, &p->head);
	/* a search ranks by the means; percentiles only when required */
	serve_pool_experts(rs, r, &p->ctx, p->head.errors ? NULL : p->parts, false, !scenario_tail_required(&rs->req));
}


void cost_evaluate(const struct scenario *s, struct result *r)
{
	/* two pools: the deployment layer evaluates each and combines them */
	if (s->work.mode == MODE_DISAGG) {
		disagg_evaluate(s, r, false);
		return;
	}
	serve_evaluate(s, r, false);
}

void cost_evaluate_detail(const struct scenario *s, struct result *r)
{
	if (s->work.mode == MODE_DISAGG) {
		disagg_evaluate(s, r, true);
		return;
	}
	serve_evaluate(s, r, true);
}
