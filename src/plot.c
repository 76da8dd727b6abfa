/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Charts as SVG (plot.h).  Numbers are written in the C locale's form
 * (batch mode keeps LC_NUMERIC "C", the explorer sets it so). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "plot.h"

#define W 960
#define H 600
#define LEFT 90
#define RIGHT 220
#define TOP 70
#define BOTTOM 80
#define FONT "DejaVu Sans, Helvetica, Arial, sans-serif"

/* Okabe and Ito's colours, told apart by most colour-blind readers. */
static const char *const colours[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#000000", "#999999" };
#define NCOLOURS ((int)(sizeof colours / sizeof colours[0]))

/* Text as XML character data: markup characters escaped; control bytes
 * (which names never hold) left out. */
static void text(const struct sink *k, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': sink_puts(k, "&amp;"); break;
		case '<': sink_puts(k, "&lt;"); break;
		case '>': sink_puts(k, "&gt;"); break;
		case '"': sink_puts(k, "&quot;"); break;
		case '\'': sink_puts(k, "&apos;"); break;
		default:
			if (c >= 0x20 && c != 0x7f)
				sink_printf(k, "%c", c);
		}
	}
}

struct axis {
	double lo, hi;   /* data range, in log10 when log */
	bool log;
	double p0, p1;   /* pixels */
};

static double pos(const struct axis *a, double v)
{
	double t = a->log ? log10(v) : v;
	return a->p0 + (t - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

/* The range of every series' positive (log) or finite values, padded. */
static void range(const struct plot *p, bool xs, bool log, struct axis *a)
{
	double lo = INFINITY, hi = -INFINITY;
	for (int s = 0; s < p->n_series; s++)
		for (int i = 0; i < p->series[s].n; i++) {
			double v = xs ? p->series[s].x[i] : p->series[s].y[i];
			if (!isfinite(v) || (log && v <= 0))
				continue;
			double t = log ? log10(v) : v;
			lo = fmin(lo, t);
			hi = fmax(hi, t);
		}
	if (xs && !isnan(p->x_min_req) && (!log || p->x_min_req > 0)) {
		double t = log ? log10(p->x_min_req) : p->x_min_req;
		lo = fmin(lo, t);
		hi = fmax(hi, t);
	}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	/* a linear y axis of positive figures starts at zero unless they sit in
	 * a narrow band far from it: heights then compare as ratios */
	if (!xs && !log && lo > 0 && lo < 0.4 * hi)
		lo = 0;
	if (hi - lo < 1e-9) {
		lo -= log ? 0.5 : fabs(lo) * 0.1 + 1;
		hi += log ? 0.5 : fabs(hi) * 0.1 + 1;
	}
	double pad = 0.06 * (hi - lo);
	a->lo = lo - pad;
	a->hi = hi + pad;
	if (!log && lo >= 0 && a->lo < 0)
		a->lo = 0;
	a->log = log;
}

/* Tick values: 1, 2, 5 times powers of ten inside the range. */
static int ticks(const struct axis *a, double *out, int max)
{
	int n = 0;
	if (a->log) {
		for (int e = (int)floor(a->lo) - 1; e <= (int)ceil(a->hi) && n < max; e++)
			for (int m = 0; m < 3 && n < max; m++) {
				static const double mult[3] = { 1, 2, 5 };
				double v = mult[m] * pow(10, e), t = log10(v);
				if (t >= a->lo && t <= a->hi)
					out[n++] = v;
			}
		return n;
	}
	double span = a->hi - a->lo, raw = span / 6, mag = pow(10, floor(log10(raw))), step = mag;
	if (raw / mag > 5)
		step = 10 * mag;
	else if (raw / mag > 2)
		step = 5 * mag;
	else if (raw / mag > 1)
		step = 2 * mag;
	for (double v = ceil(a->lo / step) * step; v <= a->hi + 1e-9 * span && n < max; v += step)
		out[n++] = fabs(v) < 1e-12 * span ? 0 : v;
	return n;
}

static void axes(const struct sink *k, const struct plot *p, const struct axis *x, const struct axis *y)
{
	double t[64];
	char num[32];
	/* the grid and the tick labels */
	int n = ticks(x, t, 64);
	for (int i = 0; i < n; i++) {
		double px = pos(x, t[i]);
		fmt_num(t[i], num, sizeof num);
		sink_printf(k, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>\n", px, TOP, px, H - BOTTOM);
		sink_printf(k, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>\n", px,
			    H - BOTTOM + 18, num);
	}
	n = ticks(y, t, 64);
	for (int i = 0; i < n; i++) {
		double py = pos(y, t[i]);
		fmt_num(t[i], num, sizeof num);
		sink_printf(k, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", LEFT, py, W - RIGHT, py);
		sink_printf(k, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">%s</text>\n", LEFT - 8, py + 4,
			    num);
	}
	sink_printf(k, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>\n", LEFT, TOP,
		    W - LEFT - RIGHT, H - TOP - BOTTOM);
	sink_printf(k, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\">", (LEFT + W - RIGHT) / 2, H - BOTTOM + 44);
	text(k, p->xlabel);
	sink_puts(k, x->log ? " (log scale)" : "");
	sink_puts(k, "</text>\n");
	sink_printf(k, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 %d %d)\">", 24,
		    (TOP + H - BOTTOM) / 2, 24, (TOP + H - BOTTOM) / 2);
	text(k, p->ylabel);
	sink_puts(k, y->log ? " (log scale)" : "");
	sink_puts(k, "</text>\n");
}

/* Where labels may go: rectangles already taken (markers, other labels,
 * the requirement's label), inside the plot area only.  A label that fits
 * nowhere near its point is left out rather than drawn over another. */
#define TAKEN_MAX 4096
struct box {
	double x0, y0, x1, y1;
};
struct taken {
	int n;
	struct box b[TAKEN_MAX];
};

static void take(struct taken *t, struct box b)
{
	if (t->n < TAKEN_MAX)
		t->b[t->n++] = b;
}

static bool fits(const struct taken *t, struct box b)
{
	if (b.x0 < LEFT + 2 || b.x1 > W - RIGHT - 2 || b.y0 < TOP + 2 || b.y1 > H - BOTTOM - 2)
		return false;
	for (int i = 0; i < t->n; i++)
		if (b.x0 < t->b[i].x1 && t->b[i].x0 < b.x1 && b.y0 < t->b[i].y1 && t->b[i].y0 < b.y1)
			return false;
	return true;
}

/* The width of a label in pixels at a font size: DejaVu Sans' capitals and
 * digits run about 0.65 em, '@' a whole one; a little over is safe. */
static double text_width(const char *s, double size)
{
	double w = 0;
	for (; *s; s++)
		if ((*s & 0xc0) != 0x80)
			w += (*s == '@' || *s == 'M' || *s == 'W') ? 1.0 : 0.68;
	return w * size;
}

/* A label beside a point: right above, right below, left above, left
 * below, whichever is free first; `far` tries further out too (a best
 * point's label, worth a longer look).  False when none is free. */
static bool place_label(struct taken *t, double px, double py, const char *label, double size, bool far, double *tx,
			double *ty, bool *end, bool *leader)
{
	double w = text_width(label, size), h = size * 1.15;
	static const double dx[4] = { 1, 1, -1, -1 }, dy[4] = { -1, 1, -1, 1 };
	for (int reach = 0; reach < (far ? 2 : 1); reach++)
		for (int c = 0; c < 4; c++) {
			double gap = 6 + 12 * reach;
			double x0 = dx[c] > 0 ? px + gap : px - gap - w;
			double base = dy[c] < 0 ? py - gap : py + gap + size;
			struct box b = { x0 - 1, base - size, x0 + w + 1, base - size + h };
			if (!fits(t, b))
				continue;
			take(t, b);
			*tx = dx[c] > 0 ? px + gap : px - gap;
			*ty = base;
			*end = dx[c] < 0;
			*leader = reach > 0;
			return true;
		}
	return false;
}

static bool marked(const struct plot_series *s)
{
	return s->marked && s->best >= 0 && s->best < s->n;
}

/* Where series s's points start among all the series' points. */
static int offset(const struct plot *p, int s)
{
	int at = 0;
	for (int i = 0; i < s; i++)
		at += p->series[i].n;
	return at;
}

static bool drawable(const struct plot_series *s, int i, const struct axis *x, const struct axis *y)
{
	return isfinite(s->x[i]) && isfinite(s->y[i]) && (!x->log || s->x[i] > 0) && (!y->log || s->y[i] > 0);
}

/* A series: its curve and its points; the best point ringed. */
static void series(const struct sink *k, const struct plot_series *s, const char *colour, const struct axis *x,
		   const struct axis *y, int index, struct taken *t)
{
	sink_printf(k, "<g class=\"series\" id=\"series-%d\">\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		    index, colour);
	bool first = true;
	for (int i = 0; i < s->n; i++)
		if (drawable(s, i, x, y)) {
			sink_printf(k, "%s%.1f,%.1f", first ? "" : " ", pos(x, s->x[i]), pos(y, s->y[i]));
			first = false;
		}
	sink_puts(k, "\"/>\n");
	for (int i = 0; i < s->n; i++) {
		if (!drawable(s, i, x, y))
			continue;
		double px = pos(x, s->x[i]), py = pos(y, s->y[i]);
		sink_printf(k, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", px, py, colour);
		/* markers leave room for the labels' boxes (at most 12 a series) */
		if (t->n < TAKEN_MAX - 16 * PLOT_SERIES_MAX)
			take(t, (struct box){ px - 5, py - 5, px + 5, py + 5 });
		if (marked(s) && i == s->best) {
			sink_printf(k, "<circle class=\"best\" cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"%s\" "
				       "stroke-width=\"2\"/>\n",
				    px, py, colour);
			take(t, (struct box){ px - 10, py - 10, px + 10, py + 10 });
		}
	}
	sink_puts(k, "</g>\n");
}

static void label_at(const struct sink *k, const struct plot_series *s, int i, const char *colour, const struct axis *x,
		     const struct axis *y, struct taken *t, bool bold)
{
	double size = bold ? 12 : 10, tx, ty, px = pos(x, s->x[i]), py = pos(y, s->y[i]);
	bool end, leader;
	if (!place_label(t, px, py, s->labels[i], size, bold, &tx, &ty, &end, &leader))
		return;
	/* a label set further out points back at its point */
	if (leader)
		sink_printf(k, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n", px, py,
			    tx, ty < py ? ty + 2 : ty - size + 2, colour);
	/* a white halo keeps the label readable where a curve crosses it */
	sink_printf(k, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\"%s%s stroke=\"#ffffff\" "
		       "stroke-width=\"3\" paint-order=\"stroke\">",
		    tx, ty, size, colour, end ? " text-anchor=\"end\"" : "", bold ? " font-weight=\"bold\"" : "");
	text(k, s->labels[i]);
	sink_puts(k, "</text>\n");
}

/* Labels, most telling first: each series' best point, then its ends, then
 * points halving the gaps between those labelled, up to `budget` a series,
 * the series taking turns so that none crowds out the others. */
static void labels(const struct sink *k, const struct plot *p, const struct axis *x, const struct axis *y,
		   struct taken *t, int budget)
{
	sink_puts(k, "<g class=\"labels\">\n");
	int placed[PLOT_SERIES_MAX] = { 0 }, total = 0;
	for (int s = 0; s < p->n_series; s++) {
		const struct plot_series *ps = &p->series[s];
		total += ps->n;
		if (ps->labels && marked(ps) && ps->labels[ps->best] && drawable(ps, ps->best, x, y))
			label_at(k, ps, ps->best, colours[s % NCOLOURS], x, y, t, true);
	}
	/* a point is tried once (the halving can come back to one) */
	unsigned char *tried = calloc((size_t)total + 1, 1);
	if (!tried) {
		sink_puts(k, "</g>\n");
		return;
	}
	/* the order of a series' points: 0, n-1, then midpoints level by level */
	for (int step = 0;; step++) {
		bool any = false;
		for (int s = 0; s < p->n_series; s++) {
			const struct plot_series *ps = &p->series[s];
			if (!ps->labels || ps->n == 0 || placed[s] >= budget)
				continue;
			int i;
			if (step == 0)
				i = 0;
			else if (step == 1)
				i = ps->n - 1;
			else {
				/* step 2: 1/2; 3, 4: 1/4, 3/4; 5..8: 1/8, 3/8, ... */
				int level = 1, m = step - 2;
				while (m >= (1 << (level - 1))) {
					m -= 1 << (level - 1);
					level++;
				}
				if ((1 << level) > 2 * ps->n)
					continue;
				i = (int)((2 * m + 1) * (double)(ps->n - 1) / (1 << level) + 0.5);
			}
			any = true;
			unsigned char *was = tried + offset(p, s) + i;
			if (*was || (marked(ps) && i == ps->best) || !ps->labels[i] || !drawable(ps, i, x, y))
				continue;
			*was = 1;
			int before = t->n;
			label_at(k, ps, i, colours[s % NCOLOURS], x, y, t, false);
			placed[s] += t->n > before;
		}
		if (!any || step >= 1 << 20)
			break;
	}
	free(tried);
	sink_puts(k, "</g>\n");
}

void plot_svg(const struct sink *k, const struct plot *p)
{
	struct axis x = { .p0 = LEFT, .p1 = W - RIGHT }, y = { .p0 = H - BOTTOM, .p1 = TOP };
	range(p, true, p->logx, &x);
	range(p, false, p->logy, &y);
	sink_printf(k, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		       "font-family=\"%s\">\n",
		    W, H, W, H, FONT);
	sink_puts(k, "<title>");
	text(k, p->title);
	sink_puts(k, "</title>\n");
	sink_printf(k, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
	sink_printf(k, "<text x=\"%d\" y=\"30\" font-size=\"20\" font-weight=\"bold\">", LEFT);
	text(k, p->title);
	sink_puts(k, "</text>\n");
	if (p->subtitle) {
		sink_printf(k, "<text x=\"%d\" y=\"52\" font-size=\"13\" fill=\"#555555\">", LEFT);
		text(k, p->subtitle);
		sink_puts(k, "</text>\n");
	}
	bool req = !isnan(p->x_min_req) && (!x.log || p->x_min_req > 0);
	double rx = req ? pos(&x, p->x_min_req) : 0;
	/* the side that misses the requirement, greyed under everything */
	if (req && rx > LEFT)
		sink_printf(k, "<rect class=\"missed\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f2f2f2\"/>\n", LEFT,
			    TOP, fmin(rx, W - RIGHT) - LEFT, H - TOP - BOTTOM);
	axes(k, p, &x, &y);
	if (req)
		sink_printf(k, "<line class=\"requirement\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#b00020\" "
			       "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/>\n",
			    rx, TOP, rx, H - BOTTOM);
	struct taken *t = calloc(1, sizeof *t);
	static struct taken none;   /* out of memory: every label fits nowhere */
	if (!t) {
		none.n = 1;
		none.b[0] = (struct box){ 0, 0, W, H };
	}
	struct taken *room = t ? t : &none;
	for (int s = 0; s < p->n_series; s++)
		series(k, &p->series[s], colours[s % NCOLOURS], &x, &y, s, room);
	/* the requirement's label by its line, at the foot of the chart where the
	 * fronts seldom are, else at its top */
	if (req && p->x_req_label) {
		double w = text_width(p->x_req_label, 12) * 0.85;
		struct box foot = { rx + 3, H - BOTTOM - 22, rx + 5 + w, H - BOTTOM - 6 };
		struct box top = { rx + 3, TOP + 4, rx + 5 + w, TOP + 20 };
		bool at_foot = fits(room, foot) || !fits(room, top);
		take(room, at_foot ? foot : top);
		sink_printf(k, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#b00020\">", rx + 4,
			    at_foot ? H - BOTTOM - 10 : TOP + 16);
		text(k, p->x_req_label);
		sink_puts(k, "</text>\n");
	}
	labels(k, p, &x, &y, room, p->n_series > 1 ? 6 : 12);
	free(t);
	/* the legend, beside the chart: each series' name and its best point */
	sink_printf(k, "<g class=\"legend\">\n");
	/* as many detail lines as the height holds for every series (three
	 * for five series, none past eleven) */
	int ly = TOP + 10, room_lines = p->n_series ? ((H - TOP - BOTTOM - 40) / p->n_series - 26) / 14 : 0;
	for (int s = 0; s < p->n_series; s++) {
		const char *c = colours[s % NCOLOURS];
		sink_printf(k, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n", W - RIGHT + 16,
			    ly, W - RIGHT + 40, ly, c);
		sink_printf(k, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>\n", W - RIGHT + 28, ly, c);
		sink_printf(k, "<text x=\"%d\" y=\"%d\" font-size=\"13\">", W - RIGHT + 48, ly + 4);
		text(k, p->series[s].name);
		sink_puts(k, "</text>\n");
		/* the detail's lines, one under the other */
		int lines = 0;
		for (const char *d = p->series[s].detail; d && *d && lines++ < room_lines;) {
			size_t len = strcspn(d, "\n");
			char line[128];
			snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), d);
			sink_printf(k, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">", W - RIGHT + 48, ly + 19);
			text(k, line);
			sink_puts(k, "</text>\n");
			ly += 14;
			d += len + (d[len] == '\n');
		}
		ly += 26;
	}
	if (p->n_series && p->series[0].marked) {
		sink_printf(k, "<circle cx=\"%d\" cy=\"%d\" r=\"7\" fill=\"none\" stroke=\"#333333\" stroke-width=\"2\"/>\n",
			    W - RIGHT + 28, ly + 4);
		sink_printf(k, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">", W - RIGHT + 48, ly + 8);
		text(k, p->marked_meaning ? p->marked_meaning : "the best point");
		sink_puts(k, "</text>\n");
	}
	sink_puts(k, "</g>\n");
	if (p->note) {
		sink_printf(k, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">", LEFT, H - 14);
		text(k, p->note);
		sink_puts(k, "</text>\n");
	}
	sink_puts(k, "</svg>\n");
}
