/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontier chart: output tokens/s per GPU against tokens/s per user,
 * the front as a stepped line, the chosen point and the current scenario. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "compare.h"
#include "frontier.h"
#include "numfmt.h"
#include "render.h"
#include "strategy_parse.h"

/* An axis: linear, or logarithmic when it spans more than a factor 20. */
struct axis {
	double lo, hi;
	bool log;
	int cells;
};

static void axis_fit(struct axis *ax, double lo, double hi, int cells)
{
	ax->cells = cells;
	ax->log = lo > 0 && hi / lo > 20;
	if (ax->log) {
		ax->lo = log(lo) - 0.05 * (log(hi) - log(lo));
		ax->hi = log(hi) + 0.05 * (log(hi) - log(lo));
		return;
	}
	double pad = hi > lo ? 0.05 * (hi - lo) : 0.5 * fabs(hi) + 1;
	ax->lo = lo - pad < 0 && lo >= 0 ? 0 : lo - pad;
	ax->hi = hi + pad;
}

/* The cell of a value, 0 .. cells-1, or -1 outside. */
static int axis_cell(const struct axis *ax, double v)
{
	double t = ax->log ? (v > 0 ? log(v) : -INFINITY) : v;
	double f = (t - ax->lo) / (ax->hi - ax->lo);
	if (!(f >= 0 && f <= 1))
		return -1;
	int c = (int)(f * (ax->cells - 1) + 0.5);
	return c < 0 ? 0 : c >= ax->cells ? ax->cells - 1 : c;
}

static double axis_value(const struct axis *ax, double f)
{
	double t = ax->lo + f * (ax->hi - ax->lo);
	return ax->log ? exp(t) : t;
}

static bool blank(WINDOW *w, int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		if ((mvwinch(w, y, x + i) & A_CHARTEXT) != ' ')
			return false;
	return true;
}

void frontier_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	char t[256];
	if (!a->ss.last_frontier || a->ss.last_frontier->n == 0)
		return;
	render_overlay_box(w, 1, 2, L->rows - 3, L->cols - 4);
	snprintf(t, sizeof t, "frontier%s: output tok/s per GPU against tok/s per user  (%s walk, Enter applies, Esc closes)",
		 a->ss.last_frontier->stopped ? " (partial: stopped)" : "", st->g->leftright);
	frontier_chart(w, a, st, 1, 2, L->rows - 3, L->cols - 4, t);
}

void frontier_chart(WINDOW *w, const struct app *a, const struct style *st, int y0, int x0, int h, int wd,
		    const char *title)
{
	const struct frontier_result *fr = a->ss.last_frontier;
	char t[256], label[FRONTIER_LABEL_MAX], strat[64];

	if (!fr || fr->n == 0)
		return;
	render_title(w, y0, x0 + 2, wd - 4, st, title);

	int label_w = 8, px = x0 + 1 + label_w + 1, pw = wd - label_w - 4;
	int py = y0 + 1, ph = h - 6;   /* plot rows; then the axis, its labels and two lines of detail */
	if (pw < 10 || ph < 4)
		return;
	double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
	for (int i = 0; i < fr->n; i++) {
		xlo = fmin(xlo, fr->pts[i].per_user);
		xhi = fmax(xhi, fr->pts[i].per_user);
		ylo = fmin(ylo, fr->pts[i].per_gpu);
		yhi = fmax(yhi, fr->pts[i].per_gpu);
	}
	struct axis ax, ay;
	axis_fit(&ax, xlo, xhi, pw);
	axis_fit(&ay, ylo, yhi, ph);

	/* axes and their scales */
	for (int y = py; y < py + ph; y++)
		mvwaddch(w, y, px - 1, ACS_VLINE);
	mvwaddch(w, py + ph, px - 1, ACS_LLCORNER);
	mvwhline(w, py + ph, px, ACS_HLINE, pw);
	put_fmt(w, py, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(axis_value(&ay, 1)));
	put_fmt(w, py + ph - 1, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(axis_value(&ay, 0)));
	put_fmt(w, py + ph / 2, x0 + 1, label_w, style_attr(st, ROLE_DIM), "%*s", label_w, ay.log ? "log" : "");
	put_text(w, py + ph + 1, px, 12, A_NORMAL, NUM(axis_value(&ax, 0)));
	const char *right = NUM(axis_value(&ax, 1));
	put_text(w, py + ph + 1, px + pw - text_cols(right), 12, A_NORMAL, right);
	snprintf(t, sizeof t, "tokens/s per user%s", ax.log ? " (log)" : "");
	put_text(w, py + ph + 1, px + (pw - text_cols(t)) / 2, pw, style_attr(st, ROLE_DIM), t);

	/* the front, stepped: from each point across, then down to the next */
	attr_t line = style_attr(st, ROLE_DIM);
	for (int i = 0; i + 1 < fr->n; i++) {
		int xa = axis_cell(&ax, fr->pts[i].per_user), xb = axis_cell(&ax, fr->pts[i + 1].per_user);
		int ya = ph - 1 - axis_cell(&ay, fr->pts[i].per_gpu), yb = ph - 1 - axis_cell(&ay, fr->pts[i + 1].per_gpu);
		if (xb > xa + 1)
			mvwhline(w, py + ya, px + xa + 1, ACS_HLINE | line, xb - xa - 1);
		if (yb > ya) {
			if (xb > xa)
				mvwaddch(w, py + ya, px + xb, ACS_URCORNER | line);
			if (yb > ya + 1)
				mvwvline(w, py + ya + 1, px + xb, ACS_VLINE | line, yb - ya - 1);
		}
	}
	/* the points, then the labels that find room beside them */
	for (int i = 0; i < fr->n; i++) {
		int x = axis_cell(&ax, fr->pts[i].per_user), y = ph - 1 - axis_cell(&ay, fr->pts[i].per_gpu);
		put_text(w, py + y, px + x, 1, i == a->front_pick ? style_attr(st, ROLE_SELECTED) : style_attr(st, ROLE_OK),
			 st->g->knob);
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < fr->n; i++) {
			if ((pass == 0) != (i == a->front_pick))
				continue;
			int x = axis_cell(&ax, fr->pts[i].per_user), y = ph - 1 - axis_cell(&ay, fr->pts[i].per_gpu);
			/* the strategy at its concurrency */
			char name[FRONTIER_LABEL_MAX + 24];
			long cap;
			frontier_label(&fr->pts[i], label, sizeof label);
			/* ~: its decode runs past the engine's CUDA graphs */
			snprintf(name, sizeof name, "%s%s@%ld", label, frontier_point_past_graphs(fr, &fr->pts[i], &cap) ? "~" : "",
				 fr->pts[i].batch);
			/* left of the point first: the step from it runs right */
			int n = text_cols(name), lx_left = px + x - n - 1, lx_right = px + x + 2;
			bool fits_left = lx_left >= px && blank(w, py + y, lx_left - 1, n + 1);
			bool fits_right = lx_right + n <= px + pw && blank(w, py + y, lx_right - 1, n + 1);
			int lx = fits_left ? lx_left : fits_right ? lx_right : -1;
			if (lx < 0 && i == a->front_pick)
				lx = lx_left >= px ? lx_left : lx_right;
			if (lx >= 0)
				put_text(w, py + y, lx, n, i == a->front_pick ? style_attr(st, ROLE_SELECTED) : A_NORMAL,
					 name);
		}
	/* the current scenario, where it falls */
	if (a->r.ok) {
		int x = axis_cell(&ax, a->r.tokens_per_s_per_user), y = axis_cell(&ay, a->r.output_tokens_per_s_per_gpu);
		if (x >= 0 && y >= 0)
			put_text(w, py + ph - 1 - y, px + x, 1, style_attr(st, ROLE_WARN), st->g->times);
	}

	/* the chosen point in full, and where the current scenario stands */
	const struct frontier_point *p = &fr->pts[a->front_pick];
	struct strategy s = { .dp = p->dp, .tp = p->tp, .pp = p->pp, .ep = p->ep, .etp = p->etp };
	frontier_label(p, label, sizeof label);
	strategy_format(&s, strat, sizeof strat);
	int dy = py + ph + 2;
	long cap;
	bool past = frontier_point_past_graphs(fr, p, &cap);
	char graphs[64] = "";
	if (past)
		snprintf(graphs, sizeof graphs, "  ~ decode past the CUDA graphs (%ld)", cap);
	put_fmt(w, dy, x0 + 2, wd - 4, style_attr(st, ROLE_SELECTED),
		"%s%s %s  batch %ld  %s GPUs  TTFT %s s  TPOT %s ms  %s tok/s/user  %s tok/s/GPU%s", label, past ? "~" : "",
		strat, p->batch, NUM(p->gpus), NUM(p->ttft_s), NUM(p->tpot_ms), NUM(p->per_user), NUM(p->per_gpu), graphs);
	if (a->r.ok)
		put_fmt(w, dy + 1, x0 + 2, wd - 4, style_attr(st, ROLE_DIM),
			"%s now: %s tok/s/user, %s tok/s/GPU   point %d of %d, %ld pairs evaluated%s%s", st->g->times,
			NUM(a->r.tokens_per_s_per_user), NUM(a->r.output_tokens_per_s_per_gpu), fr->n - a->front_pick,
			fr->n, fr->evaluated, isnan(p->usd_per_mtok) ? "" : "  $/Mtok ",
			isnan(p->usd_per_mtok) ? "" : NUM(p->usd_per_mtok));
}

/* GPUs side by side (compare): each GPU's front in its own digit, a legend
 * under the chart; Esc closes. */
void compare_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct compare_result *c = a->ss.last_compare;
	if (!c || c->n == 0)
		return;
	int y0 = 1, x0 = 2, h = L->rows - 3, wd = L->cols - 4;
	render_overlay_box(w, y0, x0, h, wd);
	render_title(w, y0, x0 + 2, wd - 4, st, "compare: output tok/s per GPU against tok/s per user, one digit a GPU  (Esc closes)");
	int label_w = 8, px = x0 + 1 + label_w + 1, pw = wd - label_w - 4;
	int py = y0 + 1, ph = h - 5;
	if (pw < 10 || ph < 4)
		return;
	double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
	for (int g = 0; g < c->n; g++)
		for (int i = 0; c->fronts[g] && i < c->fronts[g]->n; i++) {
			const struct frontier_point *p = &c->fronts[g]->pts[i];
			xlo = fmin(xlo, p->per_user);
			xhi = fmax(xhi, p->per_user);
			ylo = fmin(ylo, p->per_gpu);
			yhi = fmax(yhi, p->per_gpu);
		}
	if (!isfinite(xlo))
		return;
	struct axis ax, ay;
	axis_fit(&ax, xlo, xhi, pw);
	axis_fit(&ay, ylo, yhi, ph);
	for (int y = py; y < py + ph; y++)
		mvwaddch(w, y, px - 1, ACS_VLINE);
	mvwaddch(w, py + ph, px - 1, ACS_LLCORNER);
	mvwhline(w, py + ph, px, ACS_HLINE, pw);
	put_fmt(w, py, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(axis_value(&ay, 1)));
	put_fmt(w, py + ph - 1, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(axis_value(&ay, 0)));
	put_fmt(w, py + ph / 2, x0 + 1, label_w, style_attr(st, ROLE_DIM), "%*s", label_w, ay.log ? "log" : "");
	put_text(w, py + ph + 1, px, 12, A_NORMAL, NUM(axis_value(&ax, 0)));
	const char *right = NUM(axis_value(&ax, 1));
	put_text(w, py + ph + 1, px + pw - text_cols(right), 12, A_NORMAL, right);
	char t[96];
	snprintf(t, sizeof t, "tokens/s per user%s", ax.log ? " (log)" : "");
	put_text(w, py + ph + 1, px + (pw - text_cols(t)) / 2, pw, style_attr(st, ROLE_DIM), t);
	/* the tokens/s per user requirement: a dotted column, the side left of
	 * it misses */
	double req = a->ss.scn.req.tokens_per_s_per_user;
	if (isfinite(req) && req >= axis_value(&ax, 0) && req <= axis_value(&ax, 1))
		for (int y = py; y < py + ph; y++)
			put_text(w, y, px + axis_cell(&ax, req), 1, style_attr(st, ROLE_DIM), ":");
	/* each GPU's points as its digit, its best point (the most tok/s per
	 * GPU: compare's answer) in reverse video; the legend names them, with
	 * each best figure when the line holds them all */
	char names[512], figures[512];
	size_t n = 0, nf = 0;
	names[0] = figures[0] = '\0';
	for (int g = 0; g < c->n && g < 9; g++) {
		const struct frontier_result *fr = c->fronts[g];
		char digit[2] = { (char)('1' + g), '\0' };
		int best = -1;
		for (int i = 0; fr && i < fr->n; i++)
			if (best < 0 || fr->pts[i].per_gpu > fr->pts[best].per_gpu)
				best = i;
		for (int i = 0; fr && i < fr->n; i++) {
			int x = axis_cell(&ax, fr->pts[i].per_user), y = ph - 1 - axis_cell(&ay, fr->pts[i].per_gpu);
			attr_t at = g % 2 ? style_attr(st, ROLE_WARN) : style_attr(st, ROLE_OK);
			put_text(w, py + y, px + x, 1, i == best ? at | A_REVERSE : at, digit);
		}
		if (n + 1 < sizeof names)
			n += (size_t)snprintf(names + n, sizeof names - n, "%s%s %s", g ? "   " : "", digit, c->rows[g].hardware);
		if (nf + 1 < sizeof figures)
			nf += (size_t)snprintf(figures + nf, sizeof figures - nf, "%s%s %s %s", g ? "  " : "", digit,
					       c->rows[g].hardware, best >= 0 ? NUM(fr->pts[best].per_gpu) : "-");
	}
	const char *legend = text_cols(figures) + 8 <= wd - 4 ? figures : names;
	if (legend == figures && n + 1 < sizeof names) {
		snprintf(names, sizeof names, "%s  (best tok/s/GPU)", figures);
		legend = names;
	}
	put_text(w, py + ph + 2, x0 + 2, wd - 4, A_BOLD, legend);
}
