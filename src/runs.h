/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured runs as the files that hold them give them: a scenario and its
 * measured TTFT and TPOT per run, and the groups validate summarises them
 * in.  Read from a CSV (validate.c) or from benchmark result files
 * (import_bench.c); predicted by validate. */
#ifndef MOESCOPE_RUNS_H
#define MOESCOPE_RUNS_H

#include <stdbool.h>

#include "scenario.h"

#define RUNS_MAX 20000
#define GROUPS_MAX 64

struct run {
	long line;
	char name[48], framework[24], hardware[NAME_MAX_LEN], model[NAME_MAX_LEN];
	char campaign[48];                /* the measurement campaign, "" if not given */
	struct scenario s;
	double ttft_ms, tpot_ms;          /* measured */
	double pred_ttft_ms, pred_tpot_ms;
	bool ok;                          /* evaluated */
	char reason[640];                 /* why not */
};

struct run_group {
	char model[NAME_MAX_LEN], hardware[NAME_MAX_LEN], framework[24];
	int n;
	double ttft_median, ttft_mean, tpot_median, tpot_mean;   /* absolute % errors */
};

struct run_set {
	int n, n_ok;
	struct run *runs;                 /* n of them, allocated */
	int n_groups;
	struct run_group groups[GROUPS_MAX];
	struct run_group overall;
};

/* Free the runs of a set (and forget them). */
void runs_free(struct run_set *rs);

#endif
