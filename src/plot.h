/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Charts as self-contained SVG, for a slide: axes with units and ticks,
 * one coloured series a curve with its points, its best point ringed and
 * as many labels as fit without overlapping, a legend, and the requirement
 * line with the side that misses it shaded.  The caller owns the data. */
#ifndef MOESCOPE_PLOT_H
#define MOESCOPE_PLOT_H

#include <stdbool.h>

#include "sink.h"

#define PLOT_SERIES_MAX 12

struct plot_series {
	const char *name;           /* in the legend */
	int n;
	const double *x, *y;
	const char *const *labels;  /* one a point, or NULL */
	bool marked;                /* best is the point to ring and name first */
	int best;
	const char *detail;         /* a second legend line (the best point's figures), or NULL */
};

struct plot {
	const char *title, *subtitle, *xlabel, *ylabel;
	bool logx, logy;
	int n_series;
	struct plot_series series[PLOT_SERIES_MAX];
	double x_min_req;           /* a vertical line: x at least this (NaN: none) */
	const char *x_req_label;
	const char *note;           /* a line under the chart (where the figures come from) */
	const char *marked_meaning; /* the legend's word for the ringed points */
};

/* The chart as an SVG document of 960 x 600. */
void plot_svg(const struct sink *k, const struct plot *p);

#endif
