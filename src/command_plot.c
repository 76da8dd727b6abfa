/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPUs side by side (compare) and charts as SVG files (plot). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "command_impl.h"
#include "compare.h"
#include "figures.h"
#include "frontier.h"
#include "numfmt.h"
#include "plot.h"
#include "serve.h"
#include "sweep.h"

int cmd_compare(struct invocation *inv)
{
	static const char usage[] = "compare HW... [rate R] [max-gpus N]";
	struct session *ss = inv->ss;
	const char *hw[COMPARE_MAX];
	int n = 0;
	double rate = NAN;
	long max_gpus = 64;
	for (int i = 1; i < inv->argc; i++) {
		const char *w = inv->w[i].text;
		if (!strcmp(w, "rate") || !strcmp(w, "max-gpus")) {
			if (i + 1 >= inv->argc)
				return cmd_fail(inv, i, "'%s' needs a value; usage: %s", w, usage);
			if (!strcmp(w, "max-gpus")) {
				if (cmd_parse_count(inv, i + 1, 1, 4096, &max_gpus))
					return -1;
			} else {
				char *end;
				rate = strtod(inv->w[i + 1].text, &end);
				if (*end || end == inv->w[i + 1].text || !(rate >= 1e-6) || rate > 1e9)
					return cmd_fail(inv, i + 1, "rate: expected requests per second from 1e-06 to 1e+09, not '%s'",
							inv->w[i + 1].text);
			}
			i++;
			continue;
		}
		if (n == COMPARE_MAX)
			return cmd_fail(inv, i, "at most %d GPUs side by side", COMPARE_MAX);
		hw[n++] = w;
	}
	if (n == 0)
		return cmd_fail(inv, 0, "compare needs GPU presets (presets lists them); usage: %s", usage);
	struct compare_result *c = calloc(1, sizeof *c);
	if (!c || compare_run(&ss->scn, hw, n, rate, max_gpus, &ss->stop, c) != 0) {
		free(c);
		return cmd_fail(inv, 0, "out of memory");
	}
	if (ss->format == FMT_JSON)
		compare_report_json(&ss->sink, c);
	else if (ss->format == FMT_CSV)
		compare_report_csv(&ss->sink, c);
	else
		compare_report_text(&ss->sink, &ss->scn, c);
	if (ss->last_compare) {
		compare_free(ss->last_compare);
		free(ss->last_compare);
	}
	ss->last_compare = c;
	ss->compares++;
	for (int i = 0; i < c->n; i++)
		if (c->rows[i].error[0])
			return cmd_fail(inv, 0, "%s", c->rows[i].error);
	if (c->stopped)
		return cmd_fail(inv, 0, "stopped; the result shown is partial");
	return 0;
}

/* What a chart is drawn from; the arrays live while the chart is written. */
#define PTS_MAX (FRONTIER_MAX * COMPARE_MAX)
static double xs[PTS_MAX], ys[PTS_MAX];
static char label_store[PTS_MAX][FRONTIER_LABEL_MAX + 16];
static const char *labels[PTS_MAX];
#define DETAIL_LEN (FRONTIER_LABEL_MAX + 80)
static char detail_store[COMPARE_MAX][DETAIL_LEN];
static int details_used;

/* A front as a series: tokens/s per user across, per GPU up, each point
 * labelled with its strategy and concurrency. */
static int front_series(const struct frontier_result *fr, const char *name, int at, struct plot_series *s)
{
	int n = 0;
	for (int i = 0; i < fr->n && at + n < PTS_MAX; i++) {
		const struct frontier_point *p = &fr->pts[i];
		char label[FRONTIER_LABEL_MAX];
		frontier_label(p, label, sizeof label);
		xs[at + n] = p->per_user;
		ys[at + n] = p->per_gpu;
		snprintf(label_store[at + n], sizeof label_store[0], "%s@%ld", label, p->batch);
		labels[at + n] = label_store[at + n];
		n++;
	}
	*s = (struct plot_series){ .name = name, .n = n, .x = xs + at, .y = ys + at, .labels = labels + at };
	/* every point of a front meets the requirements: the best is the one
	 * with the most tokens/s per GPU (compare's answer) */
	int best = -1;
	for (int i = 0; i < n; i++)
		if (best < 0 || ys[at + i] > ys[at + best])
			best = i;
	if (best >= 0) {
		const struct frontier_point *p = &fr->pts[best];
		s->marked = true;
		s->best = best;
		char *d = detail_store[details_used++ % COMPARE_MAX];
		if (isfinite(p->usd_per_mtok))
			snprintf(d, DETAIL_LEN, "%s\n%s tok/s/GPU\n$%s per Mtok", labels[at + best], NUM(p->per_gpu),
				 NUM(p->usd_per_mtok));
		else
			snprintf(d, DETAIL_LEN, "%s\n%s tok/s/GPU", labels[at + best], NUM(p->per_gpu));
		s->detail = d;
	}
	return n;
}

/* Log axes when a span passes a factor of 20, as the explorer's chart. */
static bool wide(const double *v, int n)
{
	double lo = INFINITY, hi = 0;
	for (int i = 0; i < n; i++)
		if (v[i] > 0 && isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	return isfinite(lo) && hi / lo > 20;
}

static int plot_to(struct invocation *inv, const char *file, const struct plot *p)
{
	struct atomic_file af;
	struct sink to;
	char err[600];
	if (atomic_open(&af, file, err, sizeof err) != 0)
		return cmd_fail(inv, 2, "%s", err);
	sink_file(&to, af.f);
	plot_svg(&to, p);
	if (atomic_commit(&af, err, sizeof err) != 0)
		return cmd_fail(inv, 2, "%s", err);
	sink_notef(&inv->ss->sink, "wrote %s (an SVG chart of 960 x 600)\n", file);
	return 0;
}

int cmd_plot(struct invocation *inv)
{
	struct session *ss = inv->ss;
	const struct scenario *s = &ss->scn;
	const char *what = inv->w[1].text, *file = inv->w[2].text;
	static char title[256], sub[256], req[96], note[256];
	struct plot p = { .x_min_req = NAN };
	details_used = 0;
	int total = 0;
	if (!strcmp(what, "frontier") || !strcmp(what, "compare")) {
		if (!strcmp(what, "frontier")) {
			const struct frontier_result *fr = ss->last_frontier;
			if (!fr || fr->n == 0)
				return cmd_fail(inv, 1, "no frontier to draw: run frontier first");
			total = front_series(fr, fr->scn.hw.name, 0, &p.series[0]);
			p.n_series = 1;
			snprintf(title, sizeof title, "%s on %s: throughput against interactivity", fr->scn.model.name,
				 fr->scn.hw.name);
		} else {
			const struct compare_result *c = ss->last_compare;
			if (!c || c->n == 0)
				return cmd_fail(inv, 1, "no comparison to draw: run compare first");
			for (int i = 0; i < c->n; i++) {
				if (!c->fronts[i] || c->fronts[i]->n == 0)
					continue;
				total += front_series(c->fronts[i], c->rows[i].hardware, total, &p.series[p.n_series++]);
			}
			if (p.n_series == 0)
				return cmd_fail(inv, 1, "no GPU of the comparison has a front to draw");
			snprintf(title, sizeof title, "%s: GPUs side by side", s->model.name);
		}
		snprintf(sub, sizeof sub, "%ld-token prompts, %ld-token answers, %s; the Pareto front of every strategy and concurrency",
			 s->work.prompt_len, s->work.output_len, s->work.engine ? serve_engine_name(s->work.engine) : "no engine");
		p.title = title;
		p.subtitle = sub;
		p.xlabel = "tokens/s per user (1000 / TPOT)";
		p.ylabel = "output tokens/s per GPU";
		p.logx = wide(xs, total);
		p.logy = wide(ys, total);
		if (!isnan(s->req.tokens_per_s_per_user)) {
			p.x_min_req = s->req.tokens_per_s_per_user;
			snprintf(req, sizeof req, "requirement: >= %s tok/s per user", NUM(p.x_min_req));
			p.x_req_label = req;
		}
		snprintf(note, sizeof note, "moescope %s: each point a strategy at a concurrency (label@concurrency), served as a closed loop",
			 PACKAGE_VERSION);
		p.note = note;
		p.marked_meaning = "best: most tok/s per GPU";
		return plot_to(inv, file, &p);
	}
	if (!strcmp(what, "sweep")) {
		const struct sweep *sw = ss->last_sweep;
		if (!sw || sw->n == 0)
			return cmd_fail(inv, 1, "no sweep to draw: run sweep first");
		int fig = FIG_TPOT;
		if (inv->argc > 3) {
			fig = -1;
			for (int f = 0; f < FIG_COUNT; f++)
				if (!strcmp(inv->w[3].text, figure_info(f)->json))
					fig = f;
			if (fig < 0)
				return cmd_fail(inv, 3, "'%s': expected gpus, max_total_gib, ttft_s, tpot_ms, tokens_per_ms_per_gpu, "
						"prefill_tokens_per_s or e2e_latency_s", inv->w[3].text);
		}
		for (int i = 0; i < sw->n && i < PTS_MAX; i++) {
			xs[i] = sw->rows[i].value;
			ys[i] = sw->rows[i].ok ? sw->rows[i].fig[fig] : NAN;
		}
		const struct figure_info *fi = figure_info(fig);
		static char ylabel[64], series_name[96];
		snprintf(ylabel, sizeof ylabel, "%s%s%s%s", fi->label, fi->unit[0] ? " (" : "", fi->unit, fi->unit[0] ? ")" : "");
		snprintf(series_name, sizeof series_name, "%s", s->model.name);
		p.series[0] = (struct plot_series){ .name = series_name, .n = sw->n, .x = xs, .y = ys };
		p.n_series = 1;
		snprintf(title, sizeof title, "%s on %s: %s across %s", s->model.name, s->hw.name, fi->label, sw->key->name);
		p.title = title;
		snprintf(sub, sizeof sub, "%ld-token prompts, %ld-token answers, %s, DP%ld TP%ld PP%ld EP%ld; every other key as set",
			 s->work.prompt_len, s->work.output_len, s->work.engine ? serve_engine_name(s->work.engine) : "no engine",
			 s->strat.dp, s->strat.tp, s->strat.pp, s->strat.ep);
		p.subtitle = sub;
		snprintf(note, sizeof note, "moescope %s: each point one evaluation of the scenario with %s at that value; "
			 "a gap is a value that does not fit", PACKAGE_VERSION, sw->key->name);
		p.note = note;
		p.xlabel = sw->key->name;
		p.ylabel = ylabel;
		p.logx = wide(xs, sw->n);
		p.logy = wide(ys, sw->n);
		return plot_to(inv, file, &p);
	}
	return cmd_fail(inv, 1, "'%s': expected frontier, compare or sweep", what);
}
