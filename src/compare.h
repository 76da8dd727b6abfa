/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPUs side by side: for the scenario's model, workload, engine and
 * requirements, each GPU preset's frontier and its best point (the most
 * output tokens/s per GPU that meets the requirements), with what a
 * million tokens cost in dollars and joules, and with a rate the GPUs and
 * hosts that serve it. */
#ifndef MOESCOPE_COMPARE_H
#define MOESCOPE_COMPARE_H

#include <stdbool.h>

#include "frontier.h"
#include "recommend.h"
#include "scenario.h"
#include "sink.h"

#define COMPARE_MAX 12

struct compare_row {
	char hardware[NAME_MAX_LEN];
	char error[300];               /* the preset could not be loaded: why ("" else) */
	bool found;                    /* a point meets the requirements */
	struct frontier_point best;    /* the most tokens/s per GPU that does */
	long hosts;                    /* the hosts that point takes */
	double usd_per_gpu_hour, watts;
	char price_source[NAME_MAX_LEN];
	double tokens_per_s_per_mw;    /* best.per_gpu per watt, x 10^6 */
	struct recommendation rec;     /* with a rate: recommend on this GPU */
};

struct compare_result {
	int n;
	struct compare_row rows[COMPARE_MAX];
	struct frontier_result *fronts[COMPARE_MAX];   /* each GPU's front, for charts (NULL: none) */
	double rate;                   /* NaN: none asked */
	long max_gpus;
	bool stopped;
};

/* Each of n GPU presets in turn (a frontier of at most max_gpus GPUs; with
 * a rate > 0, a recommendation too).  -1 when out of memory. */
int compare_run(const struct scenario *s, const char *const *hw, int n, double rate, long max_gpus,
		struct search_stop *stop, struct compare_result *out);
void compare_free(struct compare_result *c);

void compare_report_text(const struct sink *k, const struct scenario *s, const struct compare_result *c);
void compare_report_json(const struct sink *k, const struct compare_result *c);
void compare_report_csv(const struct sink *k, const struct compare_result *c);

#endif
