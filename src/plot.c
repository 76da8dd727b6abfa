/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Charts as SVG (plot.h).  Numbers are written in the C locale's form
 * (batch mode keeps LC_NUMERIC "C", the explorer sets it so). */
#include "config.h"

#include <math.h>
#include <stdio.h>
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

/* A series: its curve, its points, and labels on at most `budget` of them
 * (the first, the last, and evenly between: ten alone, five beside others). */
static void series(const struct sink *k, const struct plot_series *s, const char *colour, const struct axis *x,
		   const struct axis *y, int index, int budget)
{
	sink_printf(k, "<g class=\"series\" id=\"series-%d\">\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		    index, colour);
	for (int i = 0; i < s->n; i++)
		if (isfinite(s->x[i]) && isfinite(s->y[i]) && (!x->log || s->x[i] > 0) && (!y->log || s->y[i] > 0))
			sink_printf(k, "%s%.1f,%.1f", i ? " " : "", pos(x, s->x[i]), pos(y, s->y[i]));
	sink_puts(k, "\"/>\n");
	int every = s->n > budget ? (s->n + budget - 1) / budget : 1;
	for (int i = 0; i < s->n; i++) {
		if (!isfinite(s->x[i]) || !isfinite(s->y[i]) || (x->log && s->x[i] <= 0) || (y->log && s->y[i] <= 0))
			continue;
		double px = pos(x, s->x[i]), py = pos(y, s->y[i]);
		sink_printf(k, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", px, py, colour);
		if (s->labels && s->labels[i] && (i % every == 0 || i == s->n - 1)) {
			/* near the right edge the label reads leftwards: never over the legend */
			bool left = px > W - RIGHT - 130;
			sink_printf(k, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\"%s>", left ? px - 6 : px + 6,
				    py - 6, colour, left ? " text-anchor=\"end\"" : "");
			text(k, s->labels[i]);
			sink_puts(k, "</text>\n");
		}
	}
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
	axes(k, p, &x, &y);
	/* the requirement: a dashed line, the side that meets it named */
	if (!isnan(p->x_min_req) && (!x.log || p->x_min_req > 0)) {
		double px = pos(&x, p->x_min_req);
		sink_printf(k, "<line class=\"requirement\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#b00020\" "
			       "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/>\n",
			    px, TOP, px, H - BOTTOM);
		sink_printf(k, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#b00020\">", px + 4, TOP + 14);
		text(k, p->x_req_label);
		sink_puts(k, "</text>\n");
	}
	for (int s = 0; s < p->n_series; s++)
		series(k, &p->series[s], colours[s % (int)(sizeof colours / sizeof colours[0])], &x, &y, s,
		       p->n_series > 1 ? 5 : 10);
	/* the legend, beside the chart */
	sink_printf(k, "<g class=\"legend\">\n");
	for (int s = 0; s < p->n_series; s++) {
		int ly = TOP + 10 + 24 * s;
		const char *c = colours[s % (int)(sizeof colours / sizeof colours[0])];
		sink_printf(k, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n", W - RIGHT + 16,
			    ly, W - RIGHT + 40, ly, c);
		sink_printf(k, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>\n", W - RIGHT + 28, ly, c);
		sink_printf(k, "<text x=\"%d\" y=\"%d\" font-size=\"13\">", W - RIGHT + 48, ly + 4);
		text(k, p->series[s].name);
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
