/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands that analyse: check, sweep, search, validate, calibrate. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "check.h"
#include "command_impl.h"
#include "evaluate.h"
#include "diag.h"
#include "frontier.h"
#include "import_bench.h"
#include "numfmt.h"
#include "recommend.h"
#include "search.h"
#include "sweep.h"
#include "validate.h"

int cmd_check(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct result r;
	struct diag_list d;
	struct check_report c;

	cost_evaluate(&ss->scn, &r);
	diag_collect(&ss->scn, &r, &d);
	check_claims(&ss->scn, &r, &d, &c);
	if (ss->format == FMT_JSON)
		check_report_json(&ss->sink, &ss->scn, &c);
	else if (ss->format == FMT_CSV)
		check_report_csv(&ss->sink, &c);
	else
		check_report_text(&ss->sink, &ss->scn, &c);
	if (c.contradicted)
		ss->contradicted = true;
	return 0;
}

int cmd_sweep(struct invocation *inv)
{
	struct session *ss = inv->ss;
	const struct key *k = key_find(inv->w[1].text);
	char err[400];

	if (!k) {
		const char *hint = key_suggest(inv->w[1].text, -1);
		return cmd_fail(inv, 1, "unknown key '%s'%s%s%s", inv->w[1].text, hint ? "; did you mean '" : "",
			    hint ? hint : "", hint ? "'?" : "");
	}
	double *values = malloc(SWEEP_MAX * sizeof *values);
	struct sweep *sw = malloc(sizeof *sw);
	if (!values || !sw) {
		free(values);
		free(sw);
		return cmd_fail(inv, 0, "out of memory");
	}
	int n = sweep_values(k, inv->w[2].text, inv->w[3].text, inv->argc > 4 ? inv->w[4].text : NULL, values,
			     SWEEP_MAX, err, sizeof err);
	if (n < 0 || sweep_run(&ss->scn, k, values, n, sw, err, sizeof err) != 0) {
		free(values);
		free(sw);
		return cmd_fail(inv, n < 0 ? 2 : 1, "%s", err);
	}
	free(values);
	if (ss->format == FMT_JSON)
		sweep_report_json(&ss->sink, sw);
	else if (ss->format == FMT_CSV)
		sweep_report_csv(&ss->sink, sw);
	else
		sweep_report_text(&ss->sink, sw);
	free(ss->last_sweep);
	ss->last_sweep = sw;
	ss->sweeps++;
	return 0;
}

/* "FROM..TO" of concurrencies, both at least 1. */
static int parse_range(struct invocation *inv, int i, long *from, long *to)
{
	const char *w = inv->w[i].text, *dots = strstr(w, "..");
	char *end;
	if (!dots)
		return cmd_fail(inv, i, "expected a range FROM..TO (1..4096), not '%s'", w);
	long a = strtol(w, &end, 10);
	if (end != dots || a < 1 || a > FRONTIER_BATCH_MAX)
		return cmd_fail(inv, i, "the range must start with a whole number from 1 to %d: '%s'", FRONTIER_BATCH_MAX, w);
	long b = strtol(dots + 2, &end, 10);
	if (*end || end == dots + 2 || b < a || b > FRONTIER_BATCH_MAX)
		return cmd_fail(inv, i, "the range must end with a whole number from %ld to %d: '%s'", a, FRONTIER_BATCH_MAX, w);
	*from = a;
	*to = b;
	return 0;
}

/* A search stopped before the end (the explorer's Esc or Ctrl-C) printed
 * what it saw; the command did not finish, so it fails. */
static int stopped(struct invocation *inv)
{
	const struct search_stop *st = &inv->ss->stop;
	if (!st->stopped)
		return 0;
	return cmd_fail(inv, 0, "stopped after %ld strategies; the result shown is partial", st->visited);
}

/* What search, frontier and recommend look over: GPUs and concurrency. */
struct scope {
	long gpus, max_gpus, batch_from, batch_to, batch_step;
};

/* By default what the current deployment has, at least one node. */
static void scope_default(const struct scenario *s, struct scope *sc)
{
	struct result r;
	cost_evaluate(s, &r);
	long g = (long)r.gpus > s->hw.gpus_per_node ? (long)r.gpus : s->hw.gpus_per_node;
	sc->max_gpus = g > SEARCH_GPUS_MAX ? SEARCH_GPUS_MAX : g;
}

/* Option pair i of a command that has a scope: 1 when it was one of
 * gpus, max-gpus (when allowed) or batch, 0 when not, -1 on an error. */
static int scope_option(struct invocation *inv, int i, struct scope *sc, bool exact_gpus, const char *usage)
{
	const char *w = inv->w[i].text;
	if (i + 1 >= inv->argc)
		return cmd_fail(inv, i, "'%s' needs a value; usage: %s", w, usage);
	if (exact_gpus && strcmp(w, "gpus") == 0)
		return cmd_parse_count(inv, i + 1, 1, SEARCH_GPUS_MAX, &sc->gpus) ? -1 : 1;
	if (strcmp(w, "max-gpus") == 0) {
		sc->gpus = 0;
		return cmd_parse_count(inv, i + 1, 1, SEARCH_GPUS_MAX, &sc->max_gpus) ? -1 : 1;
	}
	if (strcmp(w, "batch") == 0)
		return parse_range(inv, i + 1, &sc->batch_from, &sc->batch_to) ? -1 : 1;
	if (strcmp(w, "step") == 0)
		return cmd_parse_count(inv, i + 1, 1, FRONTIER_BATCH_MAX, &sc->batch_step) ? -1 : 1;
	return 0;
}

/* The most evaluations a search, frontier or recommend takes on, and
 * what one takes in such a run (a frontier of DeepSeek-R1 over 16384
 * GPUs: 233M pairs in about 80 s on one core): past WORK_MAX, about three
 * minutes, the answer is refused before any work, with what would narrow
 * it; below it a long run shows its progress. */
#define WORK_MAX 5e8
#define WORK_EVAL_S 0.4e-6

/* The work a run over the scope is: its strategies, each at each
 * concurrency of the range, times what each pair costs (a disaggregated
 * front pairs a decode pool with up to FRONTIER_PREFILL_POOLS prefill
 * pools, at about two prefill worker counts each). */
static int work_check(struct invocation *inv, const char *what, const struct scope *sc, double per_pair)
{
	static long batches[SEARCH_BATCHES_MAX];
	const struct scenario *s = &inv->ss->scn;
	int nb = search_batch_list(sc->batch_from, sc->batch_to, sc->batch_step, s->work.batch, batches,
				   SEARCH_BATCHES_MAX);
	double n = (double)search_count_strategies(s, sc->gpus, sc->max_gpus) * nb * per_pair;
	if (n <= WORK_MAX)
		return 0;
	long g = sc->gpus ? sc->gpus : sc->max_gpus;
	char evals[32], limit[32];
	fmt_si(n, evals, sizeof evals);
	fmt_si(WORK_MAX, limit, sizeof limit);
	return cmd_fail(inv, 0,
			"%s over %s%ld GPUs at %d concurrenc%s is about %s evaluations (about %.0f minutes); at most %s: "
			"a smaller max-gpus or a narrower batch range",
			what, sc->gpus ? "" : "up to ", g, nb, nb == 1 ? "y" : "ies", evals, n * WORK_EVAL_S / 60.0, limit);
}

/* A range and its step: a range of at most SEARCH_BATCHES_MAX
 * concurrencies, and a step only with a range. */
static int scope_check(struct invocation *inv, struct scope *sc, bool ranged)
{
	if (!sc->batch_step)
		return 0;
	if (!ranged)
		return cmd_fail(inv, 0, "step needs a range: batch FROM..TO step N");
	long n = (sc->batch_to - sc->batch_from) / sc->batch_step + 2;
	if (n > SEARCH_BATCHES_MAX)
		return cmd_fail(inv, 0, "batch %ld..%ld step %ld lists %ld concurrencies; at most %d: a larger step",
				sc->batch_from, sc->batch_to, sc->batch_step, n - 1, SEARCH_BATCHES_MAX);
	return 0;
}

int cmd_search(struct invocation *inv)
{
	static const char usage[] = "search [gpus N|max-gpus N] [objective throughput|ttft|gpus|cost] [top K] [batch FROM..TO [step N]]";
	struct session *ss = inv->ss;
	struct search_opts o = { .objective = OBJ_THROUGHPUT, .top = 10 };
	struct scope sc = { 0 };
	long top = 10;

	scope_default(&ss->scn, &sc);
	for (int i = 1; i < inv->argc; i += 2) {
		const char *w = inv->w[i].text;
		int rc = scope_option(inv, i, &sc, true, usage);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (strcmp(w, "objective") == 0) {
			o.objective = objective_parse(inv->w[i + 1].text);
			if (o.objective < 0)
				return cmd_fail(inv, i + 1, "unknown objective '%s'; valid: throughput ttft gpus cost", inv->w[i + 1].text);
		} else if (strcmp(w, "top") == 0) {
			if (cmd_parse_count(inv, i + 1, 1, SEARCH_TOP_MAX, &top))
				return -1;
		} else {
			return cmd_fail(inv, i, "unknown option '%s'; valid: gpus max-gpus objective top batch step", w);
		}
	}
	if (scope_check(inv, &sc, sc.batch_from > 0) || work_check(inv, "a search", &sc, 1))
		return -1;
	o.top = (int)top;
	o.gpus = sc.gpus;
	o.max_gpus = sc.max_gpus;
	o.batch_from = sc.batch_from;
	o.batch_to = sc.batch_to;
	o.batch_step = sc.batch_step;
	o.stop = &ss->stop;
	struct search_result *sr = malloc(sizeof *sr);
	if (!sr)
		return cmd_fail(inv, 0, "out of memory");
	search_run(&ss->scn, &o, sr);
	if (ss->format == FMT_JSON)
		search_report_json(&ss->sink, &ss->scn, sr);
	else if (ss->format == FMT_CSV)
		search_report_csv(&ss->sink, sr);
	else
		search_report_text(&ss->sink, &ss->scn, sr);
	free(ss->last_search);
	ss->last_search = sr;
	ss->searches++;
	if (!ss->stop.stopped && sr->n_top == 0) {
		char why[600];
		search_reach_explain(&ss->scn, &sr->reach, sr->target_impossible ? NAN : sr->target, why, sizeof why);
		return cmd_fail(inv, 0, "no strategy fits and meets the requirements: %s", why);
	}
	return stopped(inv);
}

int cmd_frontier(struct invocation *inv)
{
	static const char usage[] = "frontier [gpus N|max-gpus N] [batch FROM..TO [step N]] [mode agg|disagg|both]";
	struct session *ss = inv->ss;
	struct scope sc = { .batch_from = 1, .batch_to = 4096 };
	int mode = ss->scn.work.mode == MODE_DISAGG ? FR_DISAGG : FR_AGG;

	scope_default(&ss->scn, &sc);
	for (int i = 1; i < inv->argc; i += 2) {
		int rc = scope_option(inv, i, &sc, true, usage);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (strcmp(inv->w[i].text, "mode") != 0)
			return cmd_fail(inv, i, "unknown option '%s'; usage: %s", inv->w[i].text, usage);
		if (i + 1 >= inv->argc)
			return cmd_fail(inv, i, "'mode' needs a value: agg, disagg or both");
		const char *m = inv->w[i + 1].text;
		mode = !strcmp(m, "agg") ? FR_AGG : !strcmp(m, "disagg") ? FR_DISAGG : !strcmp(m, "both") ? FR_BOTH : -1;
		if (mode < 0)
			return cmd_fail(inv, i + 1, "'%s': expected agg, disagg or both", m);
	}
	if (scope_check(inv, &sc, true) ||
	    work_check(inv, "a frontier", &sc, mode == FR_AGG ? 1 : 1 + 2.0 * FRONTIER_PREFILL_POOLS))
		return -1;
	struct frontier_opts o = { .gpus = sc.gpus, .max_gpus = sc.max_gpus, .batch_from = sc.batch_from,
				   .batch_to = sc.batch_to, .batch_step = sc.batch_step, .mode = mode, .stop = &ss->stop };
	struct frontier_result *fr = malloc(sizeof *fr);
	if (!fr)
		return cmd_fail(inv, 0, "out of memory");
	frontier_run(&ss->scn, &o, fr);
	if (ss->format == FMT_JSON)
		frontier_report_json(&ss->sink, fr);
	else if (ss->format == FMT_CSV)
		frontier_report_csv(&ss->sink, fr);
	else
		frontier_report_text(&ss->sink, &ss->scn, fr);
	free(ss->last_frontier);
	ss->last_frontier = fr;
	ss->frontiers++;
	/* an empty front is an answer that failed: its why is in the output */
	if (!ss->stop.stopped && fr->n == 0) {
		char why[600] = "";
		if (fr->opts.mode != FR_DISAGG)
			search_reach_explain(&fr->scn, &fr->reach, fr->target, why, sizeof why);
		return cmd_fail(inv, 0, "no strategy fits and meets the requirements%s%s", why[0] ? ": " : "", why);
	}
	return stopped(inv);
}

int cmd_recommend(struct invocation *inv)
{
	static const char usage[] = "recommend rate R [max-gpus N] [batch FROM..TO [step N]]";
	struct session *ss = inv->ss;
	struct scope sc = { .batch_from = 1, .batch_to = 4096 };
	struct recommendation rc;
	double rate = NAN;

	scope_default(&ss->scn, &sc);
	for (int i = 1; i < inv->argc; i += 2) {
		int got = scope_option(inv, i, &sc, false, usage);
		if (got < 0)
			return -1;
		if (got > 0)
			continue;
		if (strcmp(inv->w[i].text, "rate") != 0)
			return cmd_fail(inv, i, "unknown option '%s'; usage: %s", inv->w[i].text, usage);
		char *end;
		double v = strtod(inv->w[i + 1].text, &end);
		/* a rate so small that one replica's headroom is past any number is
		 * no rate a deployment is planned for */
		if (*end || end == inv->w[i + 1].text || !(v >= 1e-6) || v > 1e9)
			return cmd_fail(inv, i + 1, "rate: expected requests per second from 1e-06 to 1e+09, not '%s'",
					inv->w[i + 1].text);
		rate = v;
	}
	if (isnan(rate))
		return cmd_fail(inv, 0, "recommend needs a rate; usage: %s", usage);
	if (scope_check(inv, &sc, true) || work_check(inv, "a recommendation", &sc, 1))
		return -1;
	struct recommend_opts o = { .rate = rate, .max_gpus = sc.max_gpus, .batch_from = sc.batch_from,
				    .batch_to = sc.batch_to, .batch_step = sc.batch_step, .stop = &ss->stop };
	recommend_run(&ss->scn, &o, &rc);
	if (!ss->last_recommend)
		ss->last_recommend = malloc(sizeof *ss->last_recommend);
	if (ss->last_recommend)
		*ss->last_recommend = rc;
	if (ss->format == FMT_JSON)
		recommend_report_json(&ss->sink, &ss->scn, &o, &rc);
	else if (ss->format == FMT_CSV)
		recommend_report_csv(&ss->sink, &o, &rc);
	else
		recommend_report_text(&ss->sink, &ss->scn, &o, &rc);
	if (!ss->stop.stopped && !rc.found) {
		char why[600];
		search_reach_explain(&ss->scn, &rc.reach, NAN, why, sizeof why);
		return cmd_fail(inv, 0, "no strategy and concurrency serves %s requests/s within the requirements: %s",
				NUM(rate), why);
	}
	return stopped(inv);
}

/* An answer of the session into its scenario: what the explorer's Enter
 * does, for scripts. */
int cmd_apply(struct invocation *inv)
{
	struct session *ss = inv->ss;
	const char *what = inv->w[1].text;
	long n = 0;
	char label[96];
	if (inv->argc > 2 && cmd_parse_count(inv, 2, 1, 1000000, &n))
		return -1;
	if (!strcmp(what, "search")) {
		const struct search_result *sr = ss->last_search;
		if (!sr || sr->n_top == 0)
			return cmd_fail(inv, 1, "no search result to apply: run search first");
		if (n == 0)
			n = 1;
		if (n > sr->n_top)
			return cmd_fail(inv, 2, "the search ranked %d strateg%s: expected 1 to %d", sr->n_top,
					sr->n_top == 1 ? "y" : "ies", sr->n_top);
		candidate_apply(&sr->top[n - 1], &ss->scn);
		candidate_label(&sr->top[n - 1], label, sizeof label);
		sink_notef(&ss->sink, "applied search rank %ld: %s\n", n, label);
		return 0;
	}
	if (!strcmp(what, "frontier")) {
		const struct frontier_result *fr = ss->last_frontier;
		if (!fr || fr->n == 0)
			return cmd_fail(inv, 1, "no frontier to apply: run frontier first");
		if (n == 0)
			n = fr->n;
		if (n > fr->n)
			return cmd_fail(inv, 2, "the front has %d point%s: expected 1 to %d", fr->n, fr->n == 1 ? "" : "s",
					fr->n);
		/* printed the most interactive first: row n is from the end */
		const struct frontier_point *p = &fr->pts[fr->n - n];
		frontier_point_apply(p, &ss->scn);
		frontier_label(p, label, sizeof label);
		sink_notef(&ss->sink, "applied frontier point %ld: %s at concurrency %ld, %s tok/s/GPU, %s tok/s per user\n", n,
			   label, p->batch, NUM(p->per_gpu), NUM(p->per_user));
		return 0;
	}
	if (!strcmp(what, "recommend")) {
		const struct recommendation *rc = ss->last_recommend;
		if (!rc || !rc->found)
			return cmd_fail(inv, 1, "no recommendation to apply: run recommend first");
		if (inv->argc > 2)
			return cmd_fail(inv, 2, "recommend has one answer: apply recommend");
		ss->scn.strat.dp = rc->dp;
		ss->scn.strat.tp = rc->tp;
		ss->scn.strat.pp = rc->pp;
		ss->scn.strat.ep = rc->ep;
		ss->scn.strat.etp = rc->etp;
		ss->scn.work.batch = rc->batch;
		ss->scn.work.mode = MODE_SERVING;
		ss->scn.work.microbatches = 1;
		sink_notef(&ss->sink, "applied recommend: one of its %ld replica%s, at concurrency %ld\n", rc->replicas,
			   rc->replicas == 1 ? "" : "s", rc->batch);
		return 0;
	}
	return cmd_fail(inv, 1, "'%s': expected search, frontier or recommend", what);
}

int cmd_validate(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct run_set *rs = calloc(1, sizeof *rs);
	char err[600];

	if (!rs)
		return cmd_fail(inv, 0, "out of memory");
	/* the files, up to the word holdout: their runs in one set */
	int files = 1;
	while (files + 1 < inv->argc && strcmp(inv->w[files + 1].text, "holdout") != 0 &&
	       strcmp(inv->w[files + 1].text, "--holdout") != 0)
		files++;
	for (int f = 1; f <= files; f++) {
		struct run_set more;
		/* a benchmark's result file: its load and measured means, on the
		 * current scenario's model, GPU, engine and strategy */
		int read = import_bench_wants(inv->w[f].text)
				   ? import_bench_read(inv->w[f].text, &ss->scn, &more, err, sizeof err)
				   : runs_read(inv->w[f].text, &more, err, sizeof err);
		if (read == 0 && runs_append(rs, &more, err, sizeof err) != 0)
			runs_free(&more);
		else if (read == 0)
			continue;
		runs_free(rs);
		free(rs);
		return cmd_fail(inv, f, "%s", err);
	}
	/* no run to measure against: say why instead of printing nan% */
	runs_evaluate(rs);
	int usable = 0;
	const struct run *first_bad = NULL;
	for (int i = 0; i < rs->n; i++) {
		usable += rs->runs[i].ok;
		if (!rs->runs[i].ok && !first_bad)
			first_bad = &rs->runs[i];
	}
	if (usable == 0) {
		if (first_bad)
			snprintf(err, sizeof err, "%.200s:%ld: no run can be evaluated (%d rows; the first: %.300s)", inv->w[1].text,
				 first_bad->line, rs->n, first_bad->reason);
		else
			snprintf(err, sizeof err, "%s: no runs: a header and no rows", inv->w[1].text);
		runs_free(rs);
		free(rs);
		return cmd_fail(inv, 1, "%s", err);
	}
	if (strcmp(inv->w[0].text, "calibrate") == 0) {
		calibrate_runs(rs, &ss->sink, inv->w[1].text);
	} else if (inv->argc > files + 1) {
		/* validate FILE... holdout gpu|model|engine|campaign (or --holdout) */
		int dim = inv->argc == files + 3 ? holdout_dim_find(inv->w[files + 2].text) : -1;
		if (dim < 0) {
			runs_free(rs);
			free(rs);
			return cmd_fail(inv, 2, "validate: expected 'holdout gpu|model|engine|campaign' after the file");
		}
		runs_evaluate(rs);
		holdout_report(rs, dim, &ss->sink, ss->format == FMT_JSON ? 1 : 0);
	} else {
		runs_evaluate(rs);
		if (ss->format == FMT_JSON)
			validate_report_json(&ss->sink, rs);
		else if (ss->format == FMT_CSV)
			validate_report_csv(&ss->sink, rs);
		else
			validate_report_text(&ss->sink, rs);
	}
	runs_free(rs);
	free(rs);
	return 0;
}
