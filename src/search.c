/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "evaluate_prep.h"
#include "diag.h"
#include "engine_layout.h"
#include "numfmt.h"
#include "report.h"
#include "scenario_resolve.h"
#include "search.h"
#include "strategy_parse.h"

static const char *const objective_names[OBJ_COUNT] = { "throughput", "ttft", "gpus", "cost" };

int objective_parse(const char *name)
{
	for (int i = 0; i < OBJ_COUNT; i++)
		if (strcmp(name, objective_names[i]) == 0)
			return i;
	return -1;
}

const char *objective_name(int o)
{
	return o >= 0 && o < OBJ_COUNT ? objective_names[o] : "?";
}

void candidate_apply(const struct candidate *c, struct scenario *s)
{
	s->strat.dp = c->dp;
	s->strat.tp = c->tp;
	s->strat.pp = c->pp;
	s->strat.ep = c->ep;
	s->strat.etp = c->etp;
	s->work.microbatches = c->mb;
	if (c->batch > 0)
		s->work.batch = c->batch;
}

void candidate_label(const struct candidate *c, char *buf, size_t len)
{
	struct strategy st = { .dp = c->dp, .tp = c->tp, .pp = c->pp, .ep = c->ep, .etp = c->etp };
	strategy_format(&st, buf, len);
	size_t n = strlen(buf);
	if (c->mb > 1 && n < len)
		snprintf(buf + n, len - n, "_MB%ld", c->mb);
}

/* Lower is better. */
static double score(const struct candidate *c, int objective)
{
	switch (objective) {
	case OBJ_TTFT: return c->ttft;
	case OBJ_GPUS: return c->gpus;
	case OBJ_COST: return c->cost;
	default: return -c->tokens;
	}
}

/* Objective, then a secondary figure, then the degrees: a total order, so
 * the ranking never depends on the order of enumeration. */
static int compare(const struct candidate *a, const struct candidate *b, int objective)
{
	double sa = score(a, objective), sb = score(b, objective);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (objective == OBJ_GPUS && a->tokens != b->tokens)
		return a->tokens > b->tokens ? -1 : 1;
	if (a->gpus != b->gpus)
		return a->gpus < b->gpus ? -1 : 1;
	const long ka[7] = { a->dp, a->tp, a->pp, a->ep, a->etp, a->mb, a->batch };
	const long kb[7] = { b->dp, b->tp, b->pp, b->ep, b->etp, b->mb, b->batch };
	for (int i = 0; i < 7; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

/* The front from the fewest GPUs up, the most throughput first among equals. */
static int by_gpus(const void *a, const void *b)
{
	return compare(a, b, OBJ_GPUS);
}

static void keep_top(struct search_result *sr, const struct candidate *c)
{
	int k = sr->opts.top, n = sr->n_top;
	if (n == k && compare(c, &sr->top[n - 1], sr->opts.objective) >= 0)
		return;
	int i = n < k ? n : k - 1;
	while (i > 0 && compare(c, &sr->top[i - 1], sr->opts.objective) < 0) {
		sr->top[i] = sr->top[i - 1];
		i--;
	}
	sr->top[i] = *c;
	if (n < k)
		sr->n_top++;
}

/* a dominates b: no more GPUs, no less throughput, no more TTFT, and
 * better in at least one. */
static bool dominates(const struct candidate *a, const struct candidate *b)
{
	if (a->gpus > b->gpus || a->tokens < b->tokens || a->ttft > b->ttft)
		return false;
	return a->gpus < b->gpus || a->tokens > b->tokens || a->ttft < b->ttft;
}

static bool same_figures(const struct candidate *a, const struct candidate *b)
{
	return a->gpus == b->gpus && a->tokens == b->tokens && a->ttft == b->ttft;
}

static void keep_front(struct search_result *sr, const struct candidate *c)
{
	for (int i = 0; i < sr->n_front; i++) {
		if (dominates(&sr->front[i], c) ||
		    (same_figures(&sr->front[i], c) && compare(&sr->front[i], c, OBJ_THROUGHPUT) < 0)) {
			/* Most candidates fall to the same few members: put this
			 * one first so the next check finds it at once.  The
			 * order is set when the search ends. */
			if (i > 0) {
				struct candidate t = sr->front[0];
				sr->front[0] = sr->front[i];
				sr->front[i] = t;
			}
			return;
		}
	}
	int m = 0;
	for (int i = 0; i < sr->n_front; i++) {
		if (dominates(c, &sr->front[i]) || same_figures(c, &sr->front[i]))
			continue;
		if (m != i)   /* most members stay where they are */
			sr->front[m] = sr->front[i];
		m++;
	}
	sr->n_front = m;
	if (m == SEARCH_FRONT_MAX) {
		sr->front_truncated = true;
		return;
	}
	sr->front[sr->n_front++] = *c;
}

static void fill(struct candidate *c, const struct scenario *s, const struct result *r)
{
	c->gpus = r->gpus;
	c->tokens = r->output_tokens_per_s_per_gpu;
	c->per_user = r->tokens_per_s_per_user;
	c->decode = r->tokens_per_ms_per_gpu;
	c->ttft = r->ttft_s;
	c->tpot = r->tpot_ms;
	c->mem = r->max_total_gib;
	c->cost = r->gpus * r->e2e_latency_s / (double)s->work.batch;
	c->decode_bound = r->decode.bottleneck;
}

bool search_requirements_met(const struct scenario *s, const struct result *r, double target)
{
	const struct requirements *q = &s->req;
	const double ttft_tail[2] = { q->ttft_p90_s, q->ttft_p99_s }, tpot_tail[2] = { q->tpot_p90_ms, q->tpot_p99_ms };
	for (int i = 0; i < 2; i++) {
		if (!isnan(ttft_tail[i]) && !(result_ttft_tail(r, i) <= ttft_tail[i]))
			return false;
		if (!isnan(tpot_tail[i]) && !(result_tpot_tail(r, i) <= tpot_tail[i]))
			return false;
	}
	if (!isnan(q->ttft_s) && !(r->ttft_s <= q->ttft_s))
		return false;
	if (!isnan(q->tpot_ms) && !(r->tpot_ms <= q->tpot_ms))
		return false;
	if (!isnan(q->tokens_per_s_per_user) && !(1000.0 / r->tpot_ms >= q->tokens_per_s_per_user))
		return false;
	if (!isnan(target) && !(r->tokens_per_ms_per_gpu >= target))
		return false;
	return true;
}

void search_reach_init(struct search_reach *rc)
{
	*rc = (struct search_reach){ .ttft_s = INFINITY, .tpot_ms = INFINITY, .per_user = 0, .tokens_per_ms_per_gpu = 0,
				     .ttft_tail_s = { INFINITY, INFINITY }, .tpot_tail_ms = { INFINITY, INFINITY } };
}

void search_reach_add(struct search_reach *rc, const struct result *r)
{
	rc->fitting++;
	if (r->ttft_s < rc->ttft_s)
		rc->ttft_s = r->ttft_s;
	if (r->tpot_ms < rc->tpot_ms)
		rc->tpot_ms = r->tpot_ms;
	if (1000.0 / r->tpot_ms > rc->per_user)
		rc->per_user = 1000.0 / r->tpot_ms;
	if (r->tokens_per_ms_per_gpu > rc->tokens_per_ms_per_gpu)
		rc->tokens_per_ms_per_gpu = r->tokens_per_ms_per_gpu;
	for (int i = 0; i < 2; i++) {
		rc->ttft_tail_s[i] = fmin(rc->ttft_tail_s[i], result_ttft_tail(r, i));
		rc->tpot_tail_ms[i] = fmin(rc->tpot_tail_ms[i], result_tpot_tail(r, i));
	}
}

void search_reach_explain(const struct scenario *s, const struct search_reach *rc, double target, char *buf,
			  size_t len)
{
	const struct requirements *q = &s->req;
	size_t n = 0;
	buf[0] = '\0';
	if (rc->fitting == 0) {
		snprintf(buf, len, "no strategy fits in memory: allow more GPUs (max-gpus N)");
		return;
	}
	struct {
		bool missed;
		const char *key, *rel, *unit, *best_word;
		double want, best;
	} r[] = {
		{ !isnan(q->ttft_s) && !(rc->ttft_s <= q->ttft_s), "requirements.ttft_s", "<=", "s", "shortest", q->ttft_s,
		  rc->ttft_s },
		{ !isnan(q->tpot_ms) && !(rc->tpot_ms <= q->tpot_ms), "requirements.tpot_ms", "<=", "ms", "shortest",
		  q->tpot_ms, rc->tpot_ms },
		{ !isnan(q->tokens_per_s_per_user) && !(rc->per_user >= q->tokens_per_s_per_user),
		  "requirements.tokens_per_s_per_user", ">=", "tok/s", "most", q->tokens_per_s_per_user, rc->per_user },
		{ !isnan(target) && !(rc->tokens_per_ms_per_gpu >= target), "requirements.tokens_per_ms_per_gpu", ">=",
		  "tok/ms/GPU", "most", target, rc->tokens_per_ms_per_gpu },
		{ !isnan(q->ttft_p90_s) && !(rc->ttft_tail_s[0] <= q->ttft_p90_s), "requirements.ttft_p90_s", "<=", "s",
		  "shortest", q->ttft_p90_s, rc->ttft_tail_s[0] },
		{ !isnan(q->ttft_p99_s) && !(rc->ttft_tail_s[1] <= q->ttft_p99_s), "requirements.ttft_p99_s", "<=", "s",
		  "shortest", q->ttft_p99_s, rc->ttft_tail_s[1] },
		{ !isnan(q->tpot_p90_ms) && !(rc->tpot_tail_ms[0] <= q->tpot_p90_ms), "requirements.tpot_p90_ms", "<=", "ms",
		  "shortest", q->tpot_p90_ms, rc->tpot_tail_ms[0] },
		{ !isnan(q->tpot_p99_ms) && !(rc->tpot_tail_ms[1] <= q->tpot_p99_ms), "requirements.tpot_p99_ms", "<=", "ms",
		  "shortest", q->tpot_p99_ms, rc->tpot_tail_ms[1] },
	};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		if (!r[i].missed || n + 1 >= len)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s %s %s %s: the %s reachable is %s %s", n ? "; " : "", r[i].key,
				      r[i].rel, NUM(r[i].want), r[i].unit, r[i].best_word, NUM(r[i].best), r[i].unit);
	}
	if (n == 0)
		snprintf(buf, len, "each requirement is met by some strategy, but none meets them all at once");
}

static bool meets(const struct scenario *s, const struct search_result *sr, const struct result *r)
{
	return search_requirements_met(s, r, sr->target_impossible ? NAN : sr->target);
}

int search_batch_list(long from, long to, long step, long one, long *out, int max)
{
	int n = 0;
	if (from <= 0 || max < 2) {
		out[n++] = one;
		return n;
	}
	if (step > 0) {
		for (long b = from; b < to && n < max - 1; b += step)
			out[n++] = b;
		out[n++] = to;
		return n;
	}
	out[n++] = from;
	for (long b = 1; b <= to && n < max - 1; b *= 2)
		if (b > from && b < to)
			out[n++] = b;
	if (to > from)
		out[n++] = to;
	return n;
}

bool search_batch_useful(const long *list, int n, int i, long dp)
{
	return list[i] >= dp || i + 1 >= n || list[i + 1] > dp;
}

long search_least_passing(long lo, long hi, bool (*pass)(void *ctx, long n), void *ctx)
{
	if (lo > hi)
		return 0;
	if (pass(ctx, lo))
		return lo;
	if (hi == lo || !pass(ctx, hi))
		return 0;
	/* lo fails, hi passes */
	for (long step = 1; step < hi - lo; step *= 2) {
		if (pass(ctx, lo + step)) {
			hi = lo + step;
			break;
		}
		lo += step;
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		if (pass(ctx, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static void consider(const struct scenario *base, struct cost_prep *prep, struct candidate *cand,
		     struct search_result *sr)
{
	static struct result r;   /* large: kept off the stack of a deep loop */
	const struct strategy st = { .dp = cand->dp, .tp = cand->tp, .pp = cand->pp, .ep = cand->ep,
				     .etp = cand->etp, .overlap = base->strat.overlap,
				     .imbalance = base->strat.imbalance };
	cost_evaluate_prepared(prep, &st, cand->mb, &r);
	sr->evaluated++;
	if (!r.ok)
		return;
	sr->valid++;
	if (r.max_total_gib > r.capacity_gib)
		return;
	sr->fitting++;
	search_reach_add(&sr->reach, &r);
	if (!meets(base, sr, &r))
		return;
	sr->feasible++;
	fill(cand, base, &r);
	keep_top(sr, cand);
	keep_front(sr, cand);
}

static void current(const struct scenario *s, struct search_result *sr)
{
	struct result r;
	struct diag_list d;
	struct candidate *c = &sr->current;
	cost_evaluate(s, &r);
	c->dp = s->strat.dp;
	c->tp = s->strat.tp;
	c->pp = s->strat.pp;
	c->ep = s->strat.ep;
	c->etp = r.etp;
	c->mb = s->work.microbatches;
	c->batch = s->work.batch;
	sr->current_ok = r.ok;
	if (r.ok) {
		fill(c, s, &r);
		return;
	}
	diag_collect(s, &r, &d);
	snprintf(sr->current_error, sizeof sr->current_error, "%s", d.n ? diag_code_name(d.items[0].code) : "invalid");
}

/* No n up to SEARCH_GPUS_MAX has more than 80 divisors (15120 has 80). */
#define SEARCH_DIVISORS_MAX 128

/* The divisors of n in increasing order. */
static int divisors(long n, long *out)
{
	int lo = 0, hi = 0;
	long high[SEARCH_DIVISORS_MAX / 2];
	for (long d = 1; d * d <= n; d++) {
		if (n % d)
			continue;
		out[lo++] = d;
		if (d * d != n)
			high[hi++] = n / d;
	}
	while (hi > 0)
		out[lo++] = high[--hi];
	return lo;
}

void search_stop_reset(struct search_stop *st)
{
	if (!st)
		return;
	st->visited = 0;
	st->total = 0;
	st->stopped = false;
}

static void count_one(void *ctx, const struct candidate *c)
{
	(void)c;
	++*(long *)ctx;
}

long search_count_strategies(const struct scenario *s, long gpus, long max_gpus)
{
	static struct scenario plain;   /* large: not on the stack */
	long n = 0;
	plain = *s;
	plain.work.engine = ENGINE_NONE;   /* every one is visited before an engine's rules */
	search_each_strategy(&plain, gpus, max_gpus, NULL, count_one, &n);
	return n;
}

void search_progress_text(const struct search_stop *st, long visited, double elapsed, char *buf, size_t len)
{
	long total = st ? st->total : 0;
	if (total <= 0 || visited > total) {
		snprintf(buf, len, "%ld strategies, %.0f s", visited, elapsed);
		return;
	}
	double done = (double)visited / (double)total;
	if (done > 0.01)
		snprintf(buf, len, "%ld of %ld strategies (%.0f%%), %.0f s, about %.0f s left", visited, total, 100.0 * done,
			 elapsed, elapsed * (1.0 - done) / done);
	else
		snprintf(buf, len, "%ld of %ld strategies (%.0f%%), %.0f s", visited, total, 100.0 * done, elapsed);
}

void search_stop_start(struct search_stop *st, const struct scenario *s, long gpus, long max_gpus)
{
	search_stop_reset(st);
	if (st && st->fn)
		st->total = search_count_strategies(s, gpus, max_gpus);
}

/* Whether to stop before the next strategy; asks the hook after every
 * 1,024 visited. */
static bool should_stop(struct search_stop *st)
{
	if (!st || !st->fn)
		return false;
	if (st->stopped)
		return true;
	if (st->visited > 0 && st->visited % 1024 == 0 && st->fn(st->ctx, st->visited)) {
		st->stopped = true;
		return true;
	}
	st->visited++;
	return false;
}

/* Whether the engine launches the candidate's strategy on the resolved
 * scenario rs (whose strategy it replaces). */
static bool launchable(int engine, struct scenario *rs, const struct candidate *c, char *why, size_t len)
{
	struct engine_layout l;
	rs->strat.dp = c->dp;
	rs->strat.tp = c->tp;
	rs->strat.pp = c->pp;
	rs->strat.ep = c->ep;
	rs->strat.etp = c->etp;
	return engine_layout_from_strategy(engine, rs, &l, why, len) == 0;
}

void search_each_strategy(const struct scenario *s, long gpus, long max_gpus, struct search_stop *stop,
			  search_visit_fn visit, void *ctx)
{
	struct candidate cand;
	long maxg = gpus > 0 ? gpus : max_gpus;
	long H = s->model.heads, E = s->model.experts, L = s->model.layers;
	bool use_mb = s->work.mode == MODE_STATIC;
	memset(&cand, 0, sizeof cand);
	/* with an engine, only what it launches: its own rules (export's) */
	static struct scenario rs;   /* large: not on the stack */
	int engine = s->work.engine;
	if (engine != ENGINE_NONE)
		scenario_resolve(s, &rs);
	char why[300];

	/* ep and etp vary fastest: the prepared evaluation reuses what dp,
	 * tp, pp and the microbatches alone determine */
	for (long tp = 1; tp <= H && tp <= maxg; tp++) {
		if (H % tp)
			continue;
		for (long pp = 1; pp <= L && pp <= COST_MAX_STAGES && tp * pp <= maxg; pp++) {
			for (long dp = 1; dp * tp * pp <= maxg; dp++) {
				long N = dp * tp * pp, G = dp * tp;
				if (gpus > 0 && N != gpus)
					continue;
				long divs[SEARCH_DIVISORS_MAX];
				int nd = divisors(G, divs);
				long per_replica = (s->work.batch + dp - 1) / dp;
				/* microbatches only matter with a pipeline */
				for (long mb = 1; mb == 1 || (use_mb && pp > 1 && mb <= 2 * pp && mb <= per_replica); mb *= 2)
					for (int i = 0; i < nd && divs[i] <= E; i++) {
						long per_ep = G / divs[i];   /* GPUs per EP rank, which etp divides */
						for (int j = 0; j < nd && divs[j] <= per_ep; j++) {
							if (per_ep % divs[j])
								continue;
							cand.dp = dp;
							cand.tp = tp;
							cand.pp = pp;
							cand.ep = divs[i];
							cand.etp = divs[j];
							cand.mb = mb;
							if (should_stop(stop))
								return;
							if (engine != ENGINE_NONE && !launchable(engine, &rs, &cand, why, sizeof why))
								continue;
							visit(ctx, &cand);
						}
					}
			}
		}
	}
}

struct search_ctx {
	const struct scenario *s;
	struct cost_prep *prep;
	struct search_result *sr;
	const long *batches;
	int nb, i;
};

static void visit_search(void *ctx, const struct candidate *c)
{
	struct search_ctx *x = ctx;
	if (!search_batch_useful(x->batches, x->nb, x->i, c->dp))
		return;
	struct candidate cand = *c;
	cand.batch = x->batches[x->i];
	consider(x->s, x->prep, &cand, x->sr);
}

void search_run(const struct scenario *s, const struct search_opts *o, struct search_result *sr)
{
	static struct cost_prep prep;   /* large: not on the stack */
	struct result r0;

	memset(sr, 0, sizeof *sr);
	search_reach_init(&sr->reach);
	search_stop_start(o->stop, s, o->gpus, o->max_gpus);
	sr->opts = *o;
	if (sr->opts.top < 1)
		sr->opts.top = 10;
	if (sr->opts.top > SEARCH_TOP_MAX)
		sr->opts.top = SEARCH_TOP_MAX;
	cost_evaluate(s, &r0);
	sr->ceiling = r0.ceiling_tokens_per_ms_per_gpu;
	sr->target = s->req.tokens_per_ms_per_gpu;
	sr->target_impossible = !isnan(sr->target) && !isnan(sr->ceiling) && sr->target > sr->ceiling;
	current(s, sr);

	/* one concurrency, or each of a range: the bounds and the powers of
	 * two between them */
	static long batches[SEARCH_BATCHES_MAX];
	int nb = search_batch_list(o->batch_from, o->batch_to, o->batch_step, s->work.batch, batches, SEARCH_BATCHES_MAX);
	static struct scenario at;
	at = *s;
	for (int i = 0; i < nb; i++) {
		at.work.batch = batches[i];
		cost_prepare(&at, &prep);
		struct search_ctx ctx = { .s = &at, .prep = &prep, .sr = sr, .batches = batches, .nb = nb, .i = i };
		search_each_strategy(&at, o->gpus, o->max_gpus, o->stop, visit_search, &ctx);
	}
	sr->stopped = o->stop && o->stop->stopped;
	qsort(sr->front, (size_t)sr->n_front, sizeof sr->front[0], by_gpus);
	for (int i = 0; i < sr->n_top; i++)
		for (int j = 0; j < sr->n_front; j++)
			if (compare(&sr->top[i], &sr->front[j], OBJ_THROUGHPUT) == 0)
				sr->top[i].pareto = true;
}

/* ---- reports ---- */

static const char *bound_words(int b)
{
	static const char *const words[BOUND_COUNT] = {
		"compute-bound", "HBM-bound", "bound by TP all-reduce", "bound by EP all-to-all",
		"bound by expert-TP all-reduce", "bound by pipeline sends", "bound by the pipeline bubble",
		"bound by the engine's host side",
	};
	return b >= 0 && b < BOUND_COUNT ? words[b] : "?";
}

static void explain(const struct sink *k, const struct search_result *sr)
{
	const struct candidate *b = &sr->top[0], *c = &sr->current;
	char best[96], now[96];

	candidate_label(b, best, sizeof best);
	candidate_label(c, now, sizeof now);
	if (!sr->current_ok) {
		sink_printf(k, "best: %s; the current strategy %s is invalid (%s)\n", best, now, sr->current_error);
		return;
	}
	if (compare(b, c, sr->opts.objective) == 0 ||
	    (score(b, sr->opts.objective) == score(c, sr->opts.objective) && b->gpus == c->gpus)) {
		sink_printf(k, "the current strategy %s is already the best by %s\n", now,
			    objective_name(sr->opts.objective));
		return;
	}
	switch (sr->opts.objective) {
	case OBJ_TTFT:
		sink_printf(k, "best: %s: TTFT %s s against %s s now (%.2gx faster)", best, NUM(b->ttft), NUM(c->ttft),
			    c->ttft / b->ttft);
		break;
	case OBJ_GPUS:
		sink_printf(k, "best: %s meets the requirements on %s GPU%s against %s now", best, NUM(b->gpus),
			    b->gpus == 1 ? "" : "s", NUM(c->gpus));
		break;
	case OBJ_COST:
		sink_printf(k, "best: %s: %s GPU-s per sequence against %s now (%.2gx cheaper)", best, NUM(b->cost),
			    NUM(c->cost), c->cost / b->cost);
		break;
	default:
		sink_printf(k, "best: %s: %s tok/s/GPU, %.2gx the current %s (%s)", best, NUM(b->tokens),
			    b->tokens / c->tokens, now, NUM(c->tokens));
		break;
	}
	if (sr->opts.objective != OBJ_GPUS)
		sink_printf(k, ", on %s GPU%s against %s", NUM(b->gpus), b->gpus == 1 ? "" : "s", NUM(c->gpus));
	if (b->decode_bound != c->decode_bound)
		sink_printf(k, "; its decode is %s where the current one is %s", bound_words(b->decode_bound),
			    bound_words(c->decode_bound));
	sink_puts(k, "\n");
}

void search_report_text(const struct sink *k, const struct scenario *s, const struct search_result *sr)
{
	char label[96];

	bool range = sr->opts.batch_from > 0;
	long scope = sr->opts.gpus > 0 ? sr->opts.gpus : sr->opts.max_gpus;
	if (range)
		sink_printf(k, "search: %s on %s, batch %ld..%ld, %s %ld GPU%s, objective %s\n", s->model.name, s->hw.name,
			    sr->opts.batch_from, sr->opts.batch_to, sr->opts.gpus > 0 ? "exactly" : "at most", scope,
			    scope == 1 ? "" : "s", objective_name(sr->opts.objective));
	else
		sink_printf(k, "search: %s on %s, batch %ld, %s %ld GPU%s, objective %s\n", s->model.name, s->hw.name,
			    s->work.batch, sr->opts.gpus > 0 ? "exactly" : "at most", scope, scope == 1 ? "" : "s",
			    objective_name(sr->opts.objective));
	sink_printf(k, "  %ld strategies evaluated, %ld valid, %ld fit in memory, %ld meet the requirements",
		    sr->evaluated, sr->valid, sr->fitting, sr->feasible);
	if (!isnan(s->req.ttft_s) || !isnan(s->req.tpot_ms) || !isnan(s->req.tokens_per_s_per_user)) {
		const char *sep = "";
		sink_puts(k, " (");
		if (!isnan(s->req.ttft_s)) {
			sink_printf(k, "TTFT <= %s s", NUM(s->req.ttft_s));
			sep = ", ";
		}
		if (!isnan(s->req.tpot_ms)) {
			sink_printf(k, "%sTPOT <= %s ms", sep, NUM(s->req.tpot_ms));
			sep = ", ";
		}
		if (!isnan(s->req.tokens_per_s_per_user))
			sink_printf(k, "%s>= %s tok/s per user", sep, NUM(s->req.tokens_per_s_per_user));
		sink_puts(k, ")");
	}
	sink_puts(k, "\n");
	if (sr->stopped)
		sink_puts(k, "  stopped before the end: what follows is of the strategies seen, not of all\n");
	if (sr->target_impossible)
		sink_printf(k, "  the target of %s tok/ms/GPU is above the compute ceiling of %s on this GPU: no strategy can meet it, so it is not used as a filter\n",
			    NUM(sr->target), NUM(sr->ceiling));
	if (sr->n_top == 0) {
		char why[600];
		search_reach_explain(s, &sr->reach, sr->target_impossible ? NAN : sr->target, why, sizeof why);
		sink_printf(k, "  no strategy fits in memory and meets the requirements: %s\n", why);
		return;
	}
	sink_printf(k, "%4s  %-28s%s %6s %10s %10s %9s %9s %8s  %s\n", "rank", "strategy", range ? "  batch" : "", "GPUs",
		    "tok/s/GPU", "tok/s/user", "TTFT s", "TPOT ms", "mem GiB", "pareto");
	for (int i = 0; i < sr->n_top; i++) {
		const struct candidate *c = &sr->top[i];
		char batch[16] = "";
		candidate_label(c, label, sizeof label);
		if (range)
			snprintf(batch, sizeof batch, " %6ld", c->batch);
		sink_printf(k, "%4d  %-28s%s %6s %10s %10s %9s %9s %8s%s\n", i + 1, label, batch, NUM(c->gpus),
			    NUM(c->tokens), NUM(c->per_user), NUM(c->ttft), NUM(c->tpot), NUM(c->mem), c->pareto ? "  *" : "");
	}
	sink_printf(k, "pareto front (fewer GPUs, more tok/s/GPU, lower TTFT): %d strateg%s%s\n", sr->n_front,
		    sr->n_front == 1 ? "y" : "ies", sr->front_truncated ? " (truncated)" : "");
	explain(k, sr);
}

static void candidate_json(const struct sink *k, const struct candidate *c, bool with_pareto)
{
	char label[96];
	candidate_label(c, label, sizeof label);
	sink_puts(k, "{\"strategy\": ");
	json_string(k, label);
	sink_printf(k, ", \"dp\": %ld, \"tp\": %ld, \"pp\": %ld, \"ep\": %ld, \"etp\": %ld, \"microbatches\": %ld, \"batch\": %ld",
		    c->dp, c->tp, c->pp, c->ep, c->etp, c->mb, c->batch);
	const struct { const char *name; double v; } figs[] = {
		{ "gpus", c->gpus }, { "tokens_per_s_per_gpu", c->tokens }, { "tokens_per_s_per_user", c->per_user },
		{ "tokens_per_ms_per_gpu", c->decode }, { "ttft_s", c->ttft },
		{ "tpot_ms", c->tpot }, { "max_total_gib", c->mem }, { "gpu_s_per_sequence", c->cost },
	};
	for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
		sink_printf(k, ", \"%s\": ", figs[i].name);
		json_number(k, figs[i].v);
	}
	if (with_pareto)
		sink_printf(k, ", \"pareto\": %s", c->pareto ? "true" : "false");
	sink_puts(k, "}");
}

void search_report_json(const struct sink *k, const struct scenario *s, const struct search_result *sr)
{
	sink_printf(k, "{\"schema\": \"moescope/1\", \"search\": {\"objective\": \"%s\", \"gpus\": %ld, \"max_gpus\": %ld",
		    objective_name(sr->opts.objective), sr->opts.gpus, sr->opts.gpus ? sr->opts.gpus : sr->opts.max_gpus);
	sink_printf(k, ", \"evaluated\": %ld, \"valid\": %ld, \"fitting\": %ld, \"feasible\": %ld", sr->evaluated,
		    sr->valid, sr->fitting, sr->feasible);
	sink_puts(k, ", \"ceiling_tokens_per_ms_per_gpu\": ");
	json_number(k, sr->ceiling);
	sink_printf(k, ", \"target_impossible\": %s, \"stopped\": %s, \"top\": [", sr->target_impossible ? "true" : "false",
		    sr->stopped ? "true" : "false");
	for (int i = 0; i < sr->n_top; i++) {
		if (i)
			sink_puts(k, ", ");
		candidate_json(k, &sr->top[i], true);
	}
	sink_puts(k, "], \"pareto\": [");
	for (int i = 0; i < sr->n_front; i++) {
		if (i)
			sink_puts(k, ", ");
		candidate_json(k, &sr->front[i], false);
	}
	sink_puts(k, "], \"current\": ");
	if (sr->current_ok)
		candidate_json(k, &sr->current, false);
	else
		sink_puts(k, "null");
	/* an empty answer: the requirements none of the strategies met */
	sink_puts(k, ", \"why_none\": ");
	if (sr->n_top == 0) {
		char why[600];
		search_reach_explain(s, &sr->reach, sr->target_impossible ? NAN : sr->target, why, sizeof why);
		json_string(k, why);
	} else {
		sink_puts(k, "null");
	}
	sink_puts(k, "}}\n");
}

void search_report_csv(const struct sink *k, const struct search_result *sr)
{
	char label[96];
	sink_puts(k, "rank,strategy,dp,tp,pp,ep,etp,microbatches,gpus,tokens_per_s_per_gpu,tokens_per_s_per_user,"
		     "tokens_per_ms_per_gpu,ttft_s,tpot_ms,max_total_gib,gpu_s_per_sequence,pareto\n");
	for (int i = 0; i < sr->n_top; i++) {
		const struct candidate *c = &sr->top[i];
		candidate_label(c, label, sizeof label);
		sink_printf(k, "%d,%s,%ld,%ld,%ld,%ld,%ld,%ld", i + 1, label, c->dp, c->tp, c->pp, c->ep, c->etp, c->mb);
		const double v[] = { c->gpus, c->tokens, c->per_user, c->decode, c->ttft, c->tpot, c->mem, c->cost };
		csv_numbers(k, v, sizeof v / sizeof v[0]);
		sink_printf(k, ",%s\n", c->pareto ? "true" : "false");
	}
}
