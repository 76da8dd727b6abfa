/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evaluate.h"
#include "frontier.h"
#include "numfmt.h"
#include "report.h"
#include "search.h"
#include "serve.h"
#include "strategy_parse.h"

static void pool_label(const struct frontier_point *p, char *buf, size_t len);

/* Disaggregated: "2xDEP4/DEP16", two prefill instances of DEP4 and the
 * decode pool DEP16. */
void frontier_label(const struct frontier_point *p, char *buf, size_t len)
{
	if (!p->disagg) {
		pool_label(p, buf, len);
		return;
	}
	char pre[24], dec[24];
	struct frontier_point q = { .dp = p->p_dp, .tp = p->p_tp, .pp = p->p_pp, .ep = p->p_ep, .etp = p->p_etp };
	pool_label(&q, pre, sizeof pre);
	pool_label(p, dec, sizeof dec);
	snprintf(buf, len, "%ldx%s/%s", p->p_workers, pre, dec);
}

/* The field's name of a pool, and its expert TP when it is not the one
 * strategy.etp auto gives those degrees: DP2 with the FFN split over both
 * GPUs (etp 2) is not DP2 (etp 1). */
static void pool_label(const struct frontier_point *p, char *buf, size_t len)
{
	struct strategy fold = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep };
	scenario_resolve_etp(&fold);
	int n;
	if (p->ep > 1 && p->dp == 1 && p->ep == p->tp)
		n = snprintf(buf, len, "TEP%ld", p->tp);
	else if (p->ep > 1 && p->tp == 1 && p->ep == p->dp)
		n = snprintf(buf, len, "DEP%ld", p->dp);
	else if (p->ep > 1)
		n = snprintf(buf, len, "DP%ldTP%ldEP%ld", p->dp, p->tp, p->ep);
	else if (p->dp == 1)
		n = snprintf(buf, len, "TP%ld", p->tp);
	else if (p->tp == 1)
		n = snprintf(buf, len, "DP%ld", p->dp);
	else
		n = snprintf(buf, len, "DP%ldTP%ld", p->dp, p->tp);
	if (p->etp > 0 && p->etp != fold.etp && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "ETP%ld", p->etp);
	if (p->pp > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "PP%ld", p->pp);
}

void frontier_point_apply(const struct frontier_point *p, struct scenario *s)
{
	const struct candidate c = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp, .mb = 1,
				     .batch = p->batch };
	candidate_apply(&c, s);
	s->work.mode = MODE_SERVING;
	s->work.arrival = ARRIVAL_CLOSED;
	if (p->disagg) {
		s->work.mode = MODE_DISAGG;
		s->disagg = (struct disagg){ .dp = p->p_dp, .tp = p->p_tp, .pp = p->p_pp, .ep = p->p_ep, .etp = p->p_etp,
					     .prefill_workers = p->p_workers, .decode_workers = 1 };
	}
}

/* Among points of the same figures, the fewest GPUs, then the smallest
 * concurrency, then the smallest degrees: the front never depends on the
 * order of enumeration. */
static bool preferred(const struct frontier_point *a, const struct frontier_point *b)
{
	const double ka[7] = { a->gpus, (double)a->batch, (double)a->dp, (double)a->tp, (double)a->pp, (double)a->ep,
			       (double)a->etp };
	const double kb[7] = { b->gpus, (double)b->batch, (double)b->dp, (double)b->tp, (double)b->pp, (double)b->ep,
			       (double)b->etp };
	for (int i = 0; i < 7; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i];
	return false;
}

/* The front is kept by tokens/s per user ascending, so output tokens/s per
 * GPU descends strictly along it. */
bool frontier_keep(struct frontier_result *fr, const struct frontier_point *p)
{
	int lo = 0, hi = fr->n;
	while (lo < hi) {   /* the first point at least as interactive */
		int mid = (lo + hi) / 2;
		if (fr->pts[mid].per_user < p->per_user)
			lo = mid + 1;
		else
			hi = mid;
	}
	int i = lo;
	if (i < fr->n && fr->pts[i].per_gpu >= p->per_gpu) {
		const struct frontier_point *q = &fr->pts[i];
		/* dominated, unless it is the same point of figures and a better choice */
		if (q->per_user == p->per_user && q->per_gpu == p->per_gpu && preferred(p, q)) {
			fr->pts[i] = *p;
			return true;
		}
		return false;
	}
	/* the points it beats: a run of less interactive ones just before i,
	 * and the one at i when it is as interactive but makes less */
	int first = i, last = i;
	while (first > 0 && fr->pts[first - 1].per_gpu <= p->per_gpu)
		first--;
	if (last < fr->n && fr->pts[last].per_user == p->per_user)
		last++;
	int removed = last - first;
	if (removed == 0 && fr->n == FRONTIER_MAX) {
		fr->truncated = true;
		return false;
	}
	memmove(&fr->pts[first + 1], &fr->pts[last], (size_t)(fr->n - last) * sizeof fr->pts[0]);
	fr->pts[first] = *p;
	fr->n += 1 - removed;
	return true;
}

struct run_ctx {
	struct scenario s;             /* the base, served */
	struct frontier_result *fr;
	const long *batches;
	int n_batches;
	double target;                 /* tok/ms/GPU, NaN when not a filter */
};

/* What one (strategy, concurrency) came to. */
enum tried { T_NONE, T_NO_FIT, T_MISSES, T_BEHIND, T_KEPT };

/* Evaluate one (strategy, concurrency); T_NO_FIT when a larger
 * concurrency cannot fit either. */
static int try_batch(struct run_ctx *x, long batch, double *cap)
{
	static struct result r;   /* large: off the stack */
	x->s.work.batch = batch;
	cost_evaluate(&x->s, &r);
	x->fr->evaluated++;
	if (!r.ok)
		return T_NO_FIT;
	if (cap && !isnan(r.kv_capacity_seqs))
		*cap = r.kv_capacity_seqs;
	if (r.max_total_gib > r.capacity_gib || r.admit_none)
		return T_NO_FIT;
	search_reach_add(&x->fr->reach, &r);
	if (!search_requirements_met(&x->s, &r, x->target) || !(r.output_tokens_per_s_per_gpu > 0))
		return T_MISSES;
	x->fr->feasible++;
	const struct strategy *st = &x->s.strat;
	struct frontier_point p = {
		.dp = st->dp, .tp = st->tp, .pp = st->pp, .ep = st->ep, .etp = r.etp, .batch = batch,
		.gpus = r.gpus, .ttft_s = r.ttft_s, .tpot_ms = r.tpot_ms, .per_user = r.tokens_per_s_per_user,
		.per_gpu = r.output_tokens_per_s_per_gpu, .usd_per_mtok = r.usd_per_mtok,
		.joules_per_token = r.joules_per_token, .running = r.running_per_replica,
	};
	return frontier_keep(x->fr, &p) ? T_KEPT : T_BEHIND;
}

static bool feasible(int t)
{
	return t == T_BEHIND || t == T_KEPT;
}

/* Between two powers of two where a strategy's point joins the front, or
 * where it stops meeting the requirements, the front turns: the quarters
 * of the gap (or every concurrency of a gap under 4) are tried too. */
static void refine(struct run_ctx *x, const int *tried, int n)
{
	for (int i = 0; i + 1 < n; i++) {
		int a = tried[i], b = tried[i + 1];
		if (a == T_NONE || b == T_NONE || a == T_NO_FIT || b == T_NO_FIT)
			continue;
		if (!(a == T_KEPT || b == T_KEPT || feasible(a) != feasible(b)))
			continue;
		long lo = x->batches[i], hi = x->batches[i + 1], gap = hi - lo, last = lo;
		for (int q = 1; q < 4; q++) {
			long m = lo + (gap * q + 2) / 4;
			if (m <= last || m >= hi)
				continue;
			last = m;
			if (try_batch(x, m, NULL) == T_NO_FIT)
				break;
		}
	}
}

static void visit(void *ctx, const struct candidate *c)
{
	struct run_ctx *x = ctx;
	static int tried[SEARCH_BATCHES_MAX];
	candidate_apply(c, &x->s);
	double cap = NAN;
	bool have_cap = false;
	for (int i = 0; i < x->n_batches; i++)
		tried[i] = T_NONE;
	for (int i = 0; i < x->n_batches; i++) {
		if (!search_batch_useful(x->batches, x->n_batches, i, c->dp))
			continue;
		tried[i] = try_batch(x, x->batches[i], have_cap ? NULL : &cap);
		if (tried[i] == T_NO_FIT)
			break;
		have_cap = have_cap || !isnan(cap);
	}
	if (x->fr->opts.batch_step == 0)
		refine(x, tried, x->n_batches);
	/* where the KV cache (or the engine's limit) starts to make requests
	 * wait: the most throughput before the wait */
	if (x->s.work.engine != ENGINE_NONE) {
		struct engine_cfg e;
		serve_engine_resolve(x->s.work.engine, &x->s.engine, &x->s.hw, c->tp, &e);
		if (e.max_seqs > 0 && (isnan(cap) || (double)(e.max_seqs * c->dp) < cap))
			cap = (double)(e.max_seqs * c->dp);
	}
	if (isnan(cap) || cap < (double)x->fr->opts.batch_from || cap > (double)x->fr->opts.batch_to)
		return;
	long b = (long)cap;
	for (int i = 0; i < x->n_batches; i++)
		if (x->batches[i] == b)
			return;
	if (b >= 1)
		try_batch(x, b, NULL);
}

/* The most tokens/s per GPU of a front at tokens/s per user of at least u. */
static double best_at(const struct frontier_result *f, double u)
{
	double best = NAN;
	for (int i = 0; i < f->n; i++)
		if (f->pts[i].per_user >= u && !(f->pts[i].per_gpu <= best))
			best = f->pts[i].per_gpu;
	return best;
}

/* Disaggregation against aggregation at four levels of interactivity: the
 * aggregated front's own quartiles of tokens/s per user. */
static void compare(const struct frontier_result *agg, const struct frontier_result *dis, struct frontier_compare *c,
		    const struct scenario *s)
{
	memset(c, 0, sizeof *c);
	c->prompt_over_output = (double)s->work.prompt_len / (double)s->work.output_len;
	if (agg->n == 0 && dis->n == 0)
		return;
	const struct frontier_result *ref = agg->n ? agg : dis;
	for (int q = 0; q < FRONTIER_CMP; q++) {
		int i = (int)floor((double)(ref->n - 1) * q / (FRONTIER_CMP - 1));
		double u = ref->pts[i].per_user;
		c->per_user[c->n] = u;
		c->agg[c->n] = best_at(agg, u);
		c->dis[c->n] = best_at(dis, u);
		c->n++;
	}
	/* what the best disaggregated point pays to move its KV cache */
	int top = -1;
	for (int i = 0; i < dis->n; i++)
		if (top < 0 || dis->pts[i].per_gpu > dis->pts[top].per_gpu)
			top = i;
	if (top >= 0) {
		static struct scenario t;
		static struct result r;
		t = *s;
		frontier_point_apply(&dis->pts[top], &t);
		cost_evaluate(&t, &r);
		c->transfer_ms = 1000.0 * r.dis.transfer_s;
		c->transfer_share = r.ok ? r.dis.transfer_s / r.ttft_s : NAN;
	}
}

/* Mode both: the disaggregated front on its own, to compare, then merged
 * into the aggregated one. */
static void add_disagg(const struct scenario *s, const struct frontier_opts *o, const long *batches, int nb,
		       double target, struct frontier_result *fr)
{
	static struct frontier_result dis;
	memset(&dis, 0, sizeof dis);
	dis.opts = *o;
	frontier_disagg_run(s, o, batches, nb, target, &dis);
	compare(fr, &dis, &fr->cmp, s);
	fr->evaluated += dis.evaluated;
	fr->feasible += dis.feasible;
	for (int i = 0; i < dis.n; i++)
		frontier_keep(fr, &dis.pts[i]);
	fr->truncated = fr->truncated || dis.truncated;
}

void frontier_run(const struct scenario *s, const struct frontier_opts *o, struct frontier_result *fr)
{
	static struct run_ctx x;
	static long batches[SEARCH_BATCHES_MAX];
	int nb = 0;
	struct result r0;

	/* the disaggregated pools' pairs are counted their own way: no total */
	if (o->mode != FR_AGG)
		search_stop_reset(o->stop);
	else
		search_stop_start(o->stop, s, o->gpus, o->max_gpus);
	memset(fr, 0, sizeof *fr);
	search_reach_init(&fr->reach);
	fr->opts = *o;
	fr->was_static = s->work.mode != MODE_SERVING;
	fr->engine = s->work.engine;
	fr->scn = *s;
	x.s = *s;
	x.s.work.mode = MODE_SERVING;
	x.s.work.microbatches = 1;
	/* the front is of closed loops at each concurrency, whatever the
	 * scenario's arrivals */
	x.s.work.arrival = ARRIVAL_CLOSED;
	x.fr = fr;
	/* the throughput target filters unless no strategy can reach it */
	cost_evaluate(&x.s, &r0);
	x.target = s->req.tokens_per_ms_per_gpu;
	if (!isnan(x.target) && !isnan(r0.ceiling_tokens_per_ms_per_gpu) && x.target > r0.ceiling_tokens_per_ms_per_gpu)
		x.target = NAN;
	fr->target = x.target;

	nb = search_batch_list(o->batch_from, o->batch_to, o->batch_step, s->work.batch, batches, SEARCH_BATCHES_MAX);
	x.batches = batches;
	x.n_batches = nb;
	if (o->mode != FR_DISAGG)
		search_each_strategy(&x.s, o->gpus, o->max_gpus, o->stop, visit, &x);
	if (o->mode == FR_DISAGG)
		frontier_disagg_run(&x.s, o, batches, nb, x.target, fr);
	if (o->mode == FR_BOTH)
		add_disagg(&x.s, o, batches, nb, x.target, fr);
	fr->stopped = o->stop && o->stop->stopped;
}

bool frontier_point_past_graphs(const struct frontier_result *fr, const struct frontier_point *p, long *cap)
{
	const struct scenario *s = &fr->scn;
	struct strategy st = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
	*cap = serve_engine_graph_max_seqs(fr->engine, &s->engine, &s->hw, &s->model, &st, s->work.spec_tokens);
	return serve_past_graphs(*cap, p->running);
}

/* ---- reports ---- */

/* Mode both: what disaggregation gains or loses, and why. */
static void compare_text(const struct sink *k, const struct frontier_compare *c)
{
	if (c->n == 0)
		return;
	sink_puts(k, "  disaggregated against aggregated: the most output tok/s per GPU at tok/s per user of at least\n");
	for (int i = 0; i < c->n; i++) {
		sink_printf(k, "    %8s: aggregated %s, disaggregated %s", NUM(c->per_user[i]),
			    isnan(c->agg[i]) ? "none" : NUM(c->agg[i]), isnan(c->dis[i]) ? "none" : NUM(c->dis[i]));
		if (!isnan(c->agg[i]) && !isnan(c->dis[i]))
			sink_printf(k, " (%+.0f%%)", 100.0 * (c->dis[i] / c->agg[i] - 1.0));
		sink_puts(k, "\n");
	}
	sink_printf(k, "  why: prompt/output %s (long prompts stall an aggregated deployment's decode, which a prefill pool "
		       "spares); a KV transfer of %s ms a request (%.1f%% of the TTFT of the best disaggregated point); "
		       "the prefill pool's GPUs count against its throughput\n",
		    NUM(c->prompt_over_output), NUM(c->transfer_ms), 100.0 * c->transfer_share);
}

void frontier_report_text(const struct sink *k, const struct scenario *s, const struct frontier_result *fr)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	const struct frontier_opts *o = &fr->opts;

	long scope = o->gpus ? o->gpus : o->max_gpus;
	char step[32] = "";
	if (o->batch_step > 0)
		snprintf(step, sizeof step, " step %ld", o->batch_step);
	sink_printf(k, "frontier: %s on %s, %s, served as a closed loop at concurrency %ld..%ld%s, %s %ld GPU%s\n",
		    s->model.name, s->hw.name, serve_engine_name(fr->engine), o->batch_from, o->batch_to, step,
		    o->gpus ? "on" : "at most", scope, scope == 1 ? "" : "s");
	sink_printf(k, "  %ld (strategy, concurrency) pairs evaluated, %ld fit and meet the requirements; %d on the front%s\n",
		    fr->evaluated, fr->feasible, fr->n, fr->truncated ? " (truncated)" : "");
	if (fr->stopped)
		sink_puts(k, "  stopped before the end: the front is of the strategies seen, not of all\n");
	if (fr->was_static)
		sink_puts(k, "  (the scenario is in static mode: the frontier serves it, workload.mode serving)\n");
	if (fr->n == 0) {
		char why[600] = "";
		/* the aggregated deployments' reach; a disaggregated front alone
		 * has none */
		if (fr->opts.mode != FR_DISAGG)
			search_reach_explain(&fr->scn, &fr->reach, fr->target, why, sizeof why);
		sink_printf(k, "  no strategy fits and meets the requirements%s%s\n", why[0] ? ": " : "", why);
		return;
	}
	if (fr->opts.mode == FR_BOTH)
		compare_text(k, &fr->cmp);
	/* columns as wide as the longest label and strategy (DP3TP4EP6ETP1~,
	 * a disaggregated pair), so that the figures stay aligned */
	int wl = 12, ws = 22;
	for (int i = 0; i < fr->n; i++) {
		const struct frontier_point *p = &fr->pts[i];
		struct strategy st = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
		frontier_label(p, label, sizeof label);
		strategy_format(&st, strat, sizeof strat);
		int nl = (int)strlen(label) + 1, ns = (int)strlen(strat);   /* room for ~ */
		wl = nl > wl ? nl : wl;
		ws = ns > ws ? ns : ws;
	}
	sink_printf(k, "%-*s %-*s %6s %5s %9s %8s %10s %10s %8s %8s\n", wl, "label", ws, "strategy", "batch", "GPUs",
		    "TTFT s", "TPOT ms", "tok/s/user", "tok/s/GPU", "$/Mtok", "J/tok");
	/* the most interactive first; ~ marks a decode past the CUDA graphs */
	long cap = 0;
	int past = 0;
	for (int i = fr->n - 1; i >= 0; i--) {
		const struct frontier_point *p = &fr->pts[i];
		struct strategy st = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
		frontier_label(p, label, sizeof label);
		if (frontier_point_past_graphs(fr, p, &cap)) {
			past++;
			size_t n = strlen(label);
			if (n + 1 < sizeof label) {
				label[n] = '~';
				label[n + 1] = '\0';
			}
		}
		strategy_format(&st, strat, sizeof strat);
		sink_printf(k, "%-*s %-*s %6ld %5s %9s %8s %10s %10s %8s %8s\n", wl, label, ws, strat, p->batch, NUM(p->gpus),
			    NUM(p->ttft_s), NUM(p->tpot_ms), NUM(p->per_user), NUM(p->per_gpu),
			    isnan(p->usd_per_mtok) ? "-" : NUM(p->usd_per_mtok),
			    isnan(p->joules_per_token) ? "-" : NUM(p->joules_per_token));
	}
	if (past)
		sink_printf(k, "  ~ %d point%s decode%s more sequences a replica than %s's CUDA graphs hold: their figures "
			       "assume graphs (W_NO_GRAPH; engine.graph_max_seqs)\n",
			    past, past == 1 ? "" : "s", past == 1 ? "s" : "", serve_engine_display_name(fr->engine));
}

void frontier_report_json(const struct sink *k, const struct frontier_result *fr)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	sink_puts(k, "{\"schema\": \"moescope/1\", \"frontier\": {\"points\": [");
	for (int i = 0; i < fr->n; i++) {
		const struct frontier_point *p = &fr->pts[i];
		struct strategy st = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
		frontier_label(p, label, sizeof label);
		strategy_format(&st, strat, sizeof strat);
		sink_puts(k, i ? ", {\"strategy\": " : "{\"strategy\": ");
		json_string(k, strat);
		sink_puts(k, ", \"label\": ");
		json_string(k, label);
		sink_printf(k, ", \"batch\": %ld, \"gpus\": ", p->batch);
		json_number(k, p->gpus);
		if (p->disagg)
			sink_printf(k, ", \"prefill\": {\"dp\": %ld, \"tp\": %ld, \"pp\": %ld, \"ep\": %ld, \"workers\": %ld}",
				    p->p_dp, p->p_tp, p->p_pp, p->p_ep, p->p_workers);
		const char *names[] = { "ttft_s", "tpot_ms", "tokens_per_s_per_user", "tokens_per_s_per_gpu", "usd_per_mtok",
					"joules_per_token" };
		const double v[] = { p->ttft_s, p->tpot_ms, p->per_user, p->per_gpu, p->usd_per_mtok, p->joules_per_token };
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
			sink_printf(k, ", \"%s\": ", names[j]);
			json_number(k, v[j]);
		}
		long cap;
		sink_printf(k, ", \"past_graphs\": %s}", frontier_point_past_graphs(fr, p, &cap) ? "true" : "false");
	}
	sink_printf(k, "], \"evaluated\": %ld, \"feasible\": %ld, \"truncated\": %s, \"stopped\": %s", fr->evaluated,
		    fr->feasible, fr->truncated ? "true" : "false", fr->stopped ? "true" : "false");
	if (fr->opts.mode == FR_BOTH) {
		sink_puts(k, ", \"compare\": [");
		for (int i = 0; i < fr->cmp.n; i++) {
			sink_puts(k, i ? ", {\"tokens_per_s_per_user\": " : "{\"tokens_per_s_per_user\": ");
			json_number(k, fr->cmp.per_user[i]);
			sink_puts(k, ", \"aggregated_tokens_per_s_per_gpu\": ");
			json_number(k, fr->cmp.agg[i]);
			sink_puts(k, ", \"disaggregated_tokens_per_s_per_gpu\": ");
			json_number(k, fr->cmp.dis[i]);
			sink_puts(k, "}");
		}
		sink_puts(k, "]");
	}
	sink_puts(k, ", \"why_none\": ");
	if (fr->n == 0) {
		char why[600] = "no strategy fits and meets the requirements";
		if (fr->opts.mode != FR_DISAGG)
			search_reach_explain(&fr->scn, &fr->reach, fr->target, why, sizeof why);
		json_string(k, why);
	} else {
		sink_puts(k, "null");
	}
	sink_puts(k, "}}\n");
}

void frontier_report_csv(const struct sink *k, const struct frontier_result *fr)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	sink_puts(k, "label,strategy,dp,tp,pp,ep,etp,batch,gpus,ttft_s,tpot_ms,tokens_per_s_per_user,tokens_per_s_per_gpu,usd_per_mtok,joules_per_token\n");
	for (int i = 0; i < fr->n; i++) {
		const struct frontier_point *p = &fr->pts[i];
		struct strategy st = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
		frontier_label(p, label, sizeof label);
		strategy_format(&st, strat, sizeof strat);
		sink_printf(k, "%s,%s,%ld,%ld,%ld,%ld,%ld,%ld", label, strat, p->dp, p->tp, p->pp, p->ep, p->etp, p->batch);
		const double v[] = { p->gpus, p->ttft_s, p->tpot_ms, p->per_user, p->per_gpu, p->usd_per_mtok,
				     p->joules_per_token };
		csv_numbers(k, v, sizeof v / sizeof v[0]);
		sink_puts(k, "\n");
	}
}
