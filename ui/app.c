/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "compare.h"
#include "figures.h"
#include "frontier.h"
#include "keys.h"
#include "search.h"
#include "strategy_parse.h"
#include "sweep.h"
#include "sliders.h"

void app_init(struct app *a)
{
	struct sink k;

	memset(a, 0, sizeof *a);
	sink_buffer_init(&a->captured, &k);
	session_init(&a->ss, &k);
	a->ss.source = "command";
	a->visible_sliders = SLIDER_BASIC;
	a->chart_figure = FIG_TOKENS;
	a->goto_line = -1;
	/* the explorer asks before a save overwrites a file */
	a->ss.no_clobber = true;
	app_recompute(a);
}

void app_free(struct app *a)
{
	session_free(&a->ss);
	sink_buffer_free(&a->captured);
}

void app_recompute(struct app *a)
{
	cost_evaluate(&a->ss.scn, &a->r);
	diag_collect(&a->ss.scn, &a->r, &a->d);
	if (a->ss.pinned)
		cost_evaluate(&a->ss.baseline, &a->base_r);
}

__attribute__((format(printf, 3, 4)))
static void status(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->status, sizeof a->status, fmt, ap);
	va_end(ap);
	a->status_error = error;
}

void app_set_slider(struct app *a, int i, long v)
{
	const struct slider *sl = slider_get(i);
	const struct key *k = slider_key(sl);
	char text[32], err[300];

	snprintf(text, sizeof text, "%ld", v);
	static struct scenario before;
	before = a->ss.scn;
	if (session_set(&a->ss, k->name, text, err, sizeof err) != 0) {
		status(a, true, "%s", err);
		return;
	}
	char what[96];
	snprintf(what, sizeof what, "%s = %ld", sl->label, v);
	app_remember(a, &before, what);
	a->selected = i;
	a->view = VIEW_DIAG;
	a->scroll = 0;
	status(a, false, "%s = %ld", sl->label, v);
	app_recompute(a);
}

static void step(struct app *a, int dir, bool extreme)
{
	const struct slider *sl = slider_get(a->selected);
	long v;
	bool moved = extreme ? slider_extreme(&a->ss.scn, sl, dir, &v)
			     : slider_step(&a->ss.scn, sl, dir, &v);
	if (!moved) {
		status(a, false, "%s: no valid value %s %ld", sl->label, dir > 0 ? "above" : "below",
		       slider_value(&a->ss.scn, sl));
		return;
	}
	app_set_slider(a, a->selected, v);
}

const struct diag *app_fix_target(const struct app *a)
{
	for (int i = 0; i < a->d.n; i++)
		if (a->d.items[i].fix[0] && a->d.items[i].severity != SEV_INFO)
			return &a->d.items[i];
	return NULL;
}

/* f: the list of fixes, the suggested one chosen; Enter applies. */
static void open_fixes(struct app *a)
{
	if (app_fix_count(a) == 0) {
		status(a, false, "nothing to fix");
		return;
	}
	a->mode = MODE_FIXES;
	a->fix_pick = 0;
}

static void toggle_pin(struct app *a)
{
	char strat[96];
	if (a->ss.pinned) {
		a->ss.pinned = false;
		status(a, false, "baseline dropped");
		return;
	}
	a->ss.baseline = a->ss.scn;
	a->ss.pinned = true;
	app_recompute(a);
	strategy_format(&a->ss.scn.strat, strat, sizeof strat);
	status(a, false, "pinned %s: the figures now show the change against it", strat);
}

/* The point of the front nearest the current scenario's interactivity. */
static int nearest_point(const struct app *a)
{
	const struct frontier_result *fr = a->ss.last_frontier;
	int best = fr->n - 1;
	if (!a->r.ok)
		return best;
	double x = log(a->r.tokens_per_s_per_user), d = INFINITY;
	for (int i = 0; i < fr->n; i++) {
		double e = fabs(log(fr->pts[i].per_user) - x);
		if (e < d) {
			d = e;
			best = i;
		}
	}
	return best;
}

/* The inputs a frontier does not vary: all but the strategy and the
 * concurrency (and the mode it serves in). */
static bool same_outside_search(const struct scenario *a, const struct scenario *b)
{
	char va[128], vb[128];
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->section == SEC_STRATEGY || k->section == SEC_CLAIMS || (k->flags & KF_NOSAVE) ||
		    !strcmp(k->name, "workload.batch") || !strcmp(k->name, "workload.mode") ||
		    !strcmp(k->name, "workload.microbatches"))
			continue;
		key_get(a, k, va, sizeof va);
		key_get(b, k, vb, sizeof vb);
		if (strcmp(va, vb))
			return false;
	}
	return true;
}

/* Open the frontier: the last one, run again with its options when an
 * input outside the search changed since (a GPU, a model, the lengths). */
static void open_frontier(struct app *a)
{
	const struct frontier_result *fr = a->ss.last_frontier;
	char line[160] = "frontier";
	if (fr && same_outside_search(&fr->scn, &a->ss.scn)) {
		if (fr->n == 0) {
			status(a, true, "the last frontier has no point: no strategy fits and meets the requirements");
			return;
		}
		a->mode = MODE_FRONTIER;
		a->front_pick = nearest_point(a);
		return;
	}
	if (fr)
		snprintf(line, sizeof line, "frontier %s %ld batch %ld..%ld", fr->opts.gpus ? "gpus" : "max-gpus",
			 fr->opts.gpus ? fr->opts.gpus : fr->opts.max_gpus, fr->opts.batch_from, fr->opts.batch_to);
	app_run_command(a, line);
}

void app_overlay_key(struct app *a, int action)
{
	const struct search_result *sr = a->ss.last_search;
	const struct frontier_result *fr = a->ss.last_frontier;

	if (a->mode == MODE_COMPARE) {
		if (action == ACT_ESCAPE || action == ACT_QUIT || action == ACT_ENTER)
			a->mode = MODE_SLIDERS;
		return;
	}
	if (a->mode == MODE_FRONTIER) {
		char label[FRONTIER_LABEL_MAX];
		if (!fr || fr->n == 0) {
			a->mode = MODE_SLIDERS;
			return;
		}
		if (action == ACT_LEFT && a->front_pick > 0)
			a->front_pick--;
		else if (action == ACT_RIGHT && a->front_pick + 1 < fr->n)
			a->front_pick++;
		else if (action == ACT_HOME)
			a->front_pick = 0;
		else if (action == ACT_END)
			a->front_pick = fr->n - 1;
		else if (action == ACT_ESCAPE || action == ACT_QUIT)
			a->mode = MODE_SLIDERS;
		else if (action == ACT_ENTER) {
			const struct frontier_point *p = &fr->pts[a->front_pick];
			static struct scenario before;
			before = a->ss.scn;
			frontier_point_apply(p, &a->ss.scn);
			frontier_label(p, label, sizeof label);
			app_remember(a, &before, label);
			a->mode = MODE_SLIDERS;
			a->view = VIEW_DIAG;
			app_recompute(a);
			status(a, false, "applied %s at concurrency %ld (frontier point %d of %d)", label, p->batch,
			       fr->n - a->front_pick, fr->n);
		}
		return;
	}

	switch (action) {
	case ACT_LEFT:
		a->chart_figure = (a->chart_figure + FIG_COUNT - 1) % FIG_COUNT;
		break;
	case ACT_RIGHT:
		a->chart_figure = (a->chart_figure + 1) % FIG_COUNT;
		break;
	case ACT_UP:
		if (a->pick > 0)
			a->pick--;
		break;
	case ACT_DOWN:
		if (sr && a->pick + 1 < sr->n_top)
			a->pick++;
		break;
	case ACT_ENTER:
		if (a->mode == MODE_PICK && sr && a->pick < sr->n_top) {
			char label[96];
			static struct scenario before;
			before = a->ss.scn;
			candidate_apply(&sr->top[a->pick], &a->ss.scn);
			candidate_label(&sr->top[a->pick], label, sizeof label);
			app_remember(a, &before, label);
			a->mode = MODE_SLIDERS;
			a->view = VIEW_DIAG;
			app_recompute(a);
			status(a, false, "applied %s (search rank %d)", label, a->pick + 1);
		}
		break;
	case ACT_ESCAPE:
	case ACT_QUIT:
		a->mode = MODE_SLIDERS;
		break;
	default:
		break;
	}
}

void app_apply(struct app *a, int action)
{
	switch (action) {
	case ACT_UP:
		a->selected = (a->selected + a->visible_sliders - 1) % a->visible_sliders;
		break;
	case ACT_DOWN:
		a->selected = (a->selected + 1) % a->visible_sliders;
		break;
	case ACT_LEFT:
		step(a, -1, false);
		break;
	case ACT_RIGHT:
		step(a, +1, false);
		break;
	case ACT_HOME:
		step(a, -1, true);
		break;
	case ACT_END:
		step(a, +1, true);
		break;
	case ACT_PAGE_UP:
		a->scroll = a->scroll > 5 ? a->scroll - 5 : 0;
		break;
	case ACT_PAGE_DOWN:
		a->scroll += 5;   /* the renderer clamps it */
		break;
	case ACT_COMMAND:
		a->mode = MODE_COMMAND;
		a->prefill[0] = '\0';
		break;
	case ACT_SAVE:
		a->mode = MODE_COMMAND;
		snprintf(a->prefill, sizeof a->prefill, "save ");
		break;
	case ACT_FIX:
		open_fixes(a);
		break;
	case ACT_UNDO:
		app_undo(a);
		break;
	case ACT_REDO:
		app_redo(a);
		break;
	case ACT_HELP:
		a->mode = MODE_HELP;
		break;
	case ACT_ESCAPE:
		if (a->mode != MODE_SLIDERS)
			a->mode = MODE_SLIDERS;
		else {
			a->view = VIEW_DIAG;
			a->scroll = 0;
			a->status[0] = '\0';
		}
		break;
	case ACT_QUIT:
		a->quit = true;
		break;
	case ACT_PIN:
		toggle_pin(a);
		break;
	case ACT_FRONTIER:
		open_frontier(a);
		break;
	default:
		break;
	}
	if (a->selected >= a->visible_sliders)
		a->selected = a->visible_sliders - 1;
}

void app_confirm_key(struct app *a, bool yes)
{
	char path[sizeof a->ss.confirm_save], written[4096], err[1024];
	snprintf(path, sizeof path, "%s", a->ss.confirm_save);
	a->ss.confirm_save[0] = '\0';
	a->mode = MODE_SLIDERS;
	if (!yes) {
		status(a, false, "not saved: %s is as it was", path);
		return;
	}
	if (session_save(&a->ss, path, true, written, sizeof written, err, sizeof err) != 0)
		status(a, true, "%s", err);
	else
		status(a, false, "saved %s", written);
}

/* The notes of a command that succeeded, put before its output. */
static void notes_before_output(struct sink_buffer *b)
{
	size_t n = b->err_len + b->out_len;
	char *both = malloc(n + 1);
	if (!both)
		return;
	memcpy(both, b->err, b->err_len);
	memcpy(both + b->err_len, b->out, b->out_len);
	both[n] = '\0';
	free(b->out);
	b->out = both;
	b->out_len = n;
	b->out_cap = n + 1;
	b->err_len = 0;
	b->err[0] = '\0';
}

void app_run_command(struct app *a, const char *line)
{
	struct sink_buffer *b = &a->captured;

	/* keep only this command's output */
	b->out_len = b->err_len = 0;
	b->out[0] = b->err[0] = '\0';
	a->ss.format = FMT_TEXT;
	unsigned sweeps = a->ss.sweeps, searches = a->ss.searches, frontiers = a->ss.frontiers;
	unsigned compares = a->ss.compares;
	static struct scenario before;
	before = a->ss.scn;
	int rc = session_run_line(&a->ss, line, 1);
	app_remember(a, &before, line);
	if (a->ss.quit)
		a->quit = true;
	app_recompute(a);
	a->scroll = 0;
	if (rc != 0 && a->ss.confirm_save[0]) {
		a->mode = MODE_CONFIRM;
		status(a, false, "%s exists: overwrite it? y: yes, any other key: no", a->ss.confirm_save);
		return;
	}
	/* a search or frontier stopped with Esc: what it saw is shown, said partial */
	bool partial = rc != 0 && a->ss.stop.stopped &&
		       ((a->ss.searches != searches && a->ss.last_search->n_top > 0) ||
			(a->ss.frontiers != frontiers && a->ss.last_frontier->n > 0));
	if (rc != 0) {
		/* "command:1:5: set: ..." -> "set: ...", without the position */
		const char *msg = b->err;
		for (int colons = 0; colons < 3 && strchr(msg, ':'); colons++)
			msg = strchr(msg, ':') + 1;
		while (*msg == ' ')
			msg++;
		status(a, true, "%.*s", (int)strcspn(msg, "\n"), msg);
		a->view = VIEW_DIAG;
		if (!partial)
			return;
		a->view = VIEW_OUTPUT;
		if (a->ss.searches != searches && a->ss.last_search->n_top > 0) {
			a->mode = MODE_PICK;
			a->pick = 0;
		}
		if (a->ss.frontiers != frontiers && a->ss.last_frontier->n > 0) {
			a->mode = MODE_FRONTIER;
			a->front_pick = nearest_point(a);
		}
		return;
	}
	/* notes beside the output (what a load dropped, which file was
	 * written) read before it, in the status or the pager */
	if (b->err_len > 0)
		notes_before_output(b);
	/* one line of output ("saved ...", a value) is a status, not a page */
	const char *nl = strchr(b->out, '\n');
	bool one_line = b->out_len > 0 && (!nl || nl[1] == '\0') && a->ss.sweeps == sweeps &&
			a->ss.searches == searches && a->ss.frontiers == frontiers;
	if (one_line) {
		a->view = VIEW_DIAG;
		status(a, false, "%.*s", (int)strcspn(b->out, "\n"), b->out);
		return;
	}
	if (b->out_len > 0) {
		a->view = VIEW_OUTPUT;
		status(a, false, "%s", line);
		/* a new sweep opens its chart, a new search its results */
		if (a->ss.sweeps != sweeps)
			a->mode = MODE_CHART;
		if (a->ss.searches != searches && a->ss.last_search->n_top > 0) {
			a->mode = MODE_PICK;
			a->pick = 0;
		}
		if (a->ss.frontiers != frontiers && a->ss.last_frontier->n > 0) {
			a->mode = MODE_FRONTIER;
			a->front_pick = nearest_point(a);
		}
		/* a new comparison opens its chart */
		if (a->ss.compares != compares && a->ss.last_compare && a->ss.last_compare->n > 0)
			a->mode = MODE_COMPARE;
	} else {
		a->view = VIEW_DIAG;
		status(a, false, "%s", line);
	}
}
