/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disaggregated points of the frontier (frontier.h).
 *
 * A prefill pool is judged by what it costs per request: the prefill
 * strategies that start the most requests a second per GPU are kept, and
 * of each size class (1, 2-3, 4-7, ... GPUs) the one that starts the most,
 * and the one whose step is shortest: a small deployment has a small pool
 * to pair with, whatever near ties decide among the large ones.  Each
 * decode strategy (one instance) is then paired with each of them at each
 * concurrency, with the prefill workers that its demand needs at 85% load
 * and one fewer and one more; every deployment that fits and meets the
 * requirements is offered to the front. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "deploy_disagg.h"
#include "frontier.h"
#include "search.h"
#include "serve.h"

/* the best few of all, the best of each size class (floor(log2(GPUs))),
 * and the quickest */
#define PREFILL_TOP 5
#define PREFILL_CLASSES 31
#define PREFILL_KEEP (PREFILL_TOP + PREFILL_CLASSES + 1)
_Static_assert(PREFILL_KEEP == FRONTIER_PREFILL_POOLS, "frontier.h names the same bound");

struct prefill_choice {
	struct strategy st;
	double gpus, step_s, rate_per_gpu;
};

struct prefill_ctx {
	struct scenario s;            /* static, one prompt set a step */
	double per_step;
	long max_gpus;
	bool has[PREFILL_CLASSES], has_quickest;
	struct prefill_choice top[PREFILL_TOP], best[PREFILL_CLASSES], quickest;
	int n_top;
	int n;                        /* the pools kept, each once */
	struct prefill_choice keep[PREFILL_KEEP];
};

static int size_class(double gpus)
{
	int k = 0;
	while (k < PREFILL_CLASSES - 1 && gpus >= (double)(2L << k))
		k++;
	return k;
}

/* Keep the prefill strategies that start the most requests per GPU, of
 * all and of each size class, and the quickest of all. */
static void consider_prefill(void *ctx, const struct candidate *c)
{
	static struct result r;
	struct prefill_ctx *x = ctx;
	if (c->pp != 1 || c->dp * c->tp > x->max_gpus)
		return;
	x->s.strat.dp = c->dp;
	x->s.strat.tp = c->tp;
	x->s.strat.pp = 1;
	x->s.strat.ep = c->ep;
	x->s.strat.etp = c->etp;
	x->s.work.batch = (long)x->per_step * c->dp;
	cost_evaluate(&x->s, &r);
	if (!r.ok || r.max_total_gib > r.capacity_gib)
		return;
	struct prefill_choice p = { .st = x->s.strat, .gpus = r.gpus, .step_s = r.ttft_s };
	p.rate_per_gpu = (double)c->dp * x->per_step / r.ttft_s / r.gpus;
	if (x->n_top < PREFILL_TOP) {
		x->top[x->n_top++] = p;
	} else {
		int worst = 0;
		for (int i = 1; i < PREFILL_TOP; i++)
			if (x->top[i].rate_per_gpu < x->top[worst].rate_per_gpu)
				worst = i;
		if (p.rate_per_gpu > x->top[worst].rate_per_gpu)
			x->top[worst] = p;
	}
	int k = size_class(p.gpus);
	if (!x->has[k] || p.rate_per_gpu > x->best[k].rate_per_gpu) {
		x->best[k] = p;
		x->has[k] = true;
	}
	if (!x->has_quickest || p.step_s < x->quickest.step_s) {
		x->quickest = p;
		x->has_quickest = true;
	}
}

static bool same_strategy(const struct strategy *a, const struct strategy *b)
{
	return a->dp == b->dp && a->tp == b->tp && a->pp == b->pp && a->ep == b->ep && a->etp == b->etp;
}

static void keep_once(struct prefill_ctx *x, const struct prefill_choice *p)
{
	for (int i = 0; i < x->n; i++)
		if (same_strategy(&x->keep[i].st, &p->st))
			return;
	x->keep[x->n++] = *p;
}

/* The kept pools in one list, each once. */
static void gather_prefill(struct prefill_ctx *x)
{
	x->n = 0;
	for (int i = 0; i < x->n_top; i++)
		keep_once(x, &x->top[i]);
	for (int k = 0; k < PREFILL_CLASSES; k++)
		if (x->has[k])
			keep_once(x, &x->best[k]);
	if (x->has_quickest)
		keep_once(x, &x->quickest);
}

struct decode_ctx {
	struct scenario s;            /* disaggregated */
	const struct prefill_ctx *pf;
	const long *batches;
	int nb;
	double target;
	long max_gpus;
	struct frontier_result *fr;
};

static void offer(struct decode_ctx *x, const struct result *r, long batch)
{
	x->fr->evaluated++;
	if (!r->ok || r->max_total_gib > r->capacity_gib || r->dis.prefill_mem_gib > r->dis.prefill_capacity_gib ||
	    r->admit_none)
		return;
	if (!search_requirements_met(&x->s, r, x->target) || !(r->output_tokens_per_s_per_gpu > 0))
		return;
	x->fr->feasible++;
	const struct strategy *d = &x->s.strat;
	const struct disagg *g = &x->s.disagg;
	struct frontier_point p = {
		.dp = d->dp, .tp = d->tp, .pp = d->pp, .ep = d->ep, .etp = r->etp, .batch = batch, .gpus = r->gpus,
		.ttft_s = r->ttft_s, .tpot_ms = r->tpot_ms, .per_user = r->tokens_per_s_per_user,
		.per_gpu = r->output_tokens_per_s_per_gpu, .usd_per_mtok = r->usd_per_mtok,
		.joules_per_token = r->joules_per_token, .running = r->running_per_replica, .disagg = true, .p_dp = g->dp, .p_tp = g->tp, .p_pp = g->pp,
		.p_ep = g->ep, .p_etp = g->etp, .p_workers = g->prefill_workers,
	};
	frontier_keep(x->fr, &p);
}

static void consider_decode(void *ctx, const struct candidate *c)
{
	static struct result r;
	struct decode_ctx *x = ctx;
	double gd = (double)(c->dp * c->tp * c->pp), O = (double)x->s.work.output_len;
	x->s.strat.dp = c->dp;
	x->s.strat.tp = c->tp;
	x->s.strat.pp = c->pp;
	x->s.strat.ep = c->ep;
	x->s.strat.etp = c->etp;
	for (int i = 0; i < x->pf->n; i++) {
		const struct prefill_choice *pc = &x->pf->keep[i];
		long room = (long)floor(((double)x->max_gpus - gd) / pc->gpus);
		if (room < 1)
			continue;
		x->s.disagg = (struct disagg){ .dp = pc->st.dp, .tp = pc->st.tp, .pp = 1, .ep = pc->st.ep,
					       .etp = pc->st.etp, .prefill_workers = 1, .decode_workers = 1 };
		for (int b = 0; b < x->nb; b++) {
			static struct result one;
			long batch = x->batches[b];
			x->s.work.batch = batch;
			x->s.disagg.prefill_workers = 1;
			cost_evaluate(&x->s, &one);
			if (!one.ok || one.max_total_gib > one.capacity_gib)
				break;   /* a larger concurrency does not fit either */
			/* the prefill workers the decode pool's demand needs at 85% load */
			double t0 = one.dis.prefill_step_s + one.dis.transfer_s;
			double demand = (double)batch / (t0 + O * one.tpot_ms / 1000.0);
			long need = (long)ceil(demand / (0.85 * one.dis.prefill_rate_max));
			const long workers[4] = { 1, need - 1, need, need + 1 };
			for (int k = 0; k < 4; k++) {
				long w = workers[k];
				bool seen = false;
				for (int j = 0; j < k; j++)
					seen = seen || workers[j] == w;
				if (seen || w < 1 || w > room)
					continue;
				if (w == 1) {
					offer(x, &one, batch);
					continue;
				}
				x->s.disagg.prefill_workers = w;
				cost_evaluate(&x->s, &r);
				offer(x, &r, batch);
			}
		}
	}
}

/* The prefill pools worth pairing, for a front of at most max GPUs (a
 * pool has at most half of them): into pf. */
static void prefill_pools(const struct scenario *served, long max, struct search_stop *stop, struct prefill_ctx *pf)
{
	memset(pf, 0, sizeof *pf);
	pf->s = *served;
	if (served->disagg.hw_name[0] && served->disagg.hw.name[0])
		pf->s.hw = served->disagg.hw;   /* the prefill pool's own GPU */
	pf->s.work.mode = MODE_STATIC;
	pf->s.work.microbatches = 1;
	pf->s.req.ttft_s = pf->s.req.tpot_ms = pf->s.req.tokens_per_ms_per_gpu = pf->s.req.tokens_per_s_per_user = NAN;
	pf->s.req.ttft_p90_s = pf->s.req.ttft_p99_s = pf->s.req.tpot_p90_ms = pf->s.req.tpot_p99_ms = NAN;
	struct engine_cfg eng;
	serve_engine_resolve(served->work.engine, &served->engine, &served->hw, served->strat.tp, &eng);
	pf->per_step = 1;
	if (served->work.engine != ENGINE_NONE && eng.max_batched_tokens > 0)
		pf->per_step = fmax(1.0, floor((double)eng.max_batched_tokens / (double)served->work.prompt_len));
	pf->max_gpus = max / 2;
	search_each_strategy(&pf->s, 0, max / 2, stop, consider_prefill, pf);
	gather_prefill(pf);
}

int frontier_prefill_pools(const struct scenario *served, long max_gpus, struct search_stop *stop,
			   struct strategy pools[FRONTIER_PREFILL_POOLS])
{
	static struct prefill_ctx pf;
	prefill_pools(served, max_gpus, stop, &pf);
	for (int i = 0; i < pf.n; i++)
		pools[i] = pf.keep[i].st;
	return pf.n;
}

void frontier_disagg_run(const struct scenario *served, const struct frontier_opts *o, const long *batches, int nb,
			 double target, struct frontier_result *fr)
{
	static struct prefill_ctx pf;
	static struct decode_ctx dc;
	long max = o->gpus ? o->gpus : o->max_gpus;

	prefill_pools(served, max, o->stop, &pf);
	if (pf.n == 0)
		return;

	/* each decode pool with each of them */
	memset(&dc, 0, sizeof dc);
	dc.s = *served;
	dc.s.work.mode = MODE_DISAGG;
	dc.pf = &pf;
	dc.batches = batches;
	dc.nb = nb;
	dc.target = target;
	dc.max_gpus = max;
	dc.fr = fr;
	search_each_strategy(&dc.s, 0, max - 1, o->stop, consider_decode, &dc);
}
