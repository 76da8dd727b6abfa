/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured runs as the files that hold them give them: a scenario and its
 * measured TTFT and TPOT per run, and the groups validate summarises them
 * in.  Read from a CSV (validate.c) or from benchmark result files
 * (import_bench.c); predicted by validate. */
#ifndef MOESCOPE_RUNS_H
#define MOESCOPE_RUNS_H

#include <stdbool.h>
#include <stddef.h>

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
	/* A throughput row: the best output tokens/s per GPU an engine
	 * reached with every request queued, at a concurrency of its own */
	bool throughput;
	double tok_s_gpu, pred_tok_s_gpu;
	long pred_batch;                  /* the concurrency of the prediction */
	bool ok;                          /* evaluated */
	bool overloaded;                  /* evaluated: an open stream the deployment cannot keep up with */
	char reason[640];                 /* why not; evaluated: E_OVERLOAD's message when overloaded */
};

struct run_group {
	char model[NAME_MAX_LEN], hardware[NAME_MAX_LEN], framework[24];
	int n;
	double ttft_median, ttft_mean, tpot_median, tpot_mean;   /* absolute % errors */
	int n_tput;                       /* throughput rows */
	double tput_median, tput_signed;  /* their absolute and signed median % error */
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
/* Move the runs of src to the end of dst (src is left empty); -1 with a
 * message past RUNS_MAX or out of memory, both sets as they were. */
int runs_append(struct run_set *dst, struct run_set *src, char *err, size_t errlen);

#endif
