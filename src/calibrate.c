/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "cost.h"
#include "keys.h"
#include "numfmt.h"

/* The knobs and the range real GPUs reach: MFU above 85% or HBM
 * utilisation above 95% is not seen on real serving workloads. */
struct knob {
	const char *key;
	double lo, hi;
	bool tpot;    /* fitted to TPOT (else to TTFT) */
};

static const struct knob knobs[] = {
	{ "hardware.mfu", 0.05, 0.85, true },
	{ "hardware.hbm_util", 0.2, 0.95, true },
	{ "hardware.kernel_us", 0.0, 60.0, true },
	{ "hardware.expert_us", 0.0, 20.0, true },
	{ "workload.ttft_overhead_ms", 0.0, 5000.0, false },
};
#define N_KNOBS (sizeof knobs / sizeof knobs[0])

static double *field(struct scenario *s, const char *key)
{
	return (double *)((char *)s + key_find(key)->offset);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median absolute % error of TPOT (or TTFT) over the runs on one GPU,
 * with the knob set to v. */
static double objective(struct run_set *rs, const char *hw, const struct knob *kn, double v, double *scratch)
{
	static struct result r;
	int n = 0;
	for (int i = 0; i < rs->n; i++) {
		struct run *run = &rs->runs[i];
		if (!run->ok || strcmp(run->hardware, hw) != 0)
			continue;
		*field(&run->s, kn->key) = v;
		cost_evaluate(&run->s, &r);
		if (!r.ok)
			continue;
		double pred = kn->tpot ? r.tpot_ms : r.ttft_s * 1000.0, meas = kn->tpot ? run->tpot_ms : run->ttft_ms;
		scratch[n++] = 100.0 * fabs(pred - meas) / meas;
	}
	if (n == 0)
		return INFINITY;
	qsort(scratch, (size_t)n, sizeof *scratch, cmp_double);
	return n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
}

static void set_all(struct run_set *rs, const char *hw, const char *key, double v)
{
	for (int i = 0; i < rs->n; i++)
		if (rs->runs[i].ok && strcmp(rs->runs[i].hardware, hw) == 0)
			*field(&rs->runs[i].s, key) = v;
}

/* Coordinate search: each knob on an 11-point grid over its range, then
 * over half that range around the best, and so on; the knobs in turn. */
static void fit(struct run_set *rs, const char *hw, bool tpot, double *values, double *scratch)
{
	for (int round = 0; round < 8; round++) {
		for (size_t q = 0; q < N_KNOBS; q++) {
			const struct knob *kn = &knobs[q];
			if (kn->tpot != tpot)
				continue;
			double span = (kn->hi - kn->lo) / pow(2.0, round);
			double lo = fmax(kn->lo, values[q] - span / 2), hi = fmin(kn->hi, values[q] + span / 2);
			double best = values[q], best_err = objective(rs, hw, kn, values[q], scratch);
			for (int i = 0; i <= 10; i++) {
				double v = i == 10 ? hi : lo + (hi - lo) * i / 10.0;
				v = fmin(kn->hi, fmax(kn->lo, v));
				if (v <= 0 && kn->lo > 0)
					continue;
				double e = objective(rs, hw, kn, v, scratch);
				if (e < best_err - 1e-9) {
					best_err = e;
					best = v;
				}
			}
			values[q] = best;
			set_all(rs, hw, kn->key, best);
		}
	}
}

static void table(const struct sink *k, const struct run_set *rs, const char *when)
{
	sink_printf(k, "%s: absolute %% error, median (mean)\n", when);
	for (int g = 0; g < rs->n_groups; g++) {
		const struct run_group *gr = &rs->groups[g];
		sink_printf(k, "  %-18s %-9s %-8s %4d runs  TPOT %5.1f%% (%5.1f%%)  TTFT %6.1f%% (%6.1f%%)\n", gr->model,
			    gr->hardware, gr->framework, gr->n, gr->tpot_median, gr->tpot_mean, gr->ttft_median,
			    gr->ttft_mean);
	}
	sink_printf(k, "  %-37s %4d runs  TPOT %5.1f%% (%5.1f%%)  TTFT %6.1f%% (%6.1f%%)\n", "overall", rs->overall.n,
		    rs->overall.tpot_median, rs->overall.tpot_mean, rs->overall.ttft_median, rs->overall.ttft_mean);
}

void calibrate_runs(struct run_set *rs, const struct sink *k, const char *source)
{
	double *scratch = malloc((size_t)(rs->n > 0 ? rs->n : 1) * sizeof *scratch);
	char seen[GROUPS_MAX][NAME_MAX_LEN];
	int n_seen = 0;
	char buf[64];

	if (!scratch)
		return;
	runs_evaluate(rs);
	table(k, rs, "before");
	for (int i = 0; i < rs->n; i++) {
		struct run *run = &rs->runs[i];
		bool known = false;
		for (int j = 0; j < n_seen; j++)
			known = known || strcmp(seen[j], run->hardware) == 0;
		if (!run->ok || known || n_seen == GROUPS_MAX)
			continue;
		snprintf(seen[n_seen++], NAME_MAX_LEN, "%s", run->hardware);
	}
	for (int h = 0; h < n_seen; h++) {
		double values[N_KNOBS];
		const struct scenario *first = NULL;
		for (int i = 0; i < rs->n && !first; i++)
			if (rs->runs[i].ok && strcmp(rs->runs[i].hardware, seen[h]) == 0)
				first = &rs->runs[i].s;
		for (size_t q = 0; q < N_KNOBS; q++)
			values[q] = *field((struct scenario *)first, knobs[q].key);
		fit(rs, seen[h], true, values, scratch);
		fit(rs, seen[h], false, values, scratch);

		sink_printf(k, "\n# %s fitted by calibrate on %s\n", seen[h], source);
		sink_puts(k, "hardware:\n");
		for (size_t i = 0; i < key_count; i++) {
			const struct key *key = &key_table[i];
			if (key->section != SEC_HARDWARE)
				continue;
			key_get(first, key, buf, sizeof buf);
			sink_printf(k, "  %s: %s\n", key_leaf(key), buf);
		}
		fmt_exact(values[N_KNOBS - 1], buf, sizeof buf);
		sink_printf(k, "workload:\n  ttft_overhead_ms: %s\n", buf);
	}
	runs_evaluate(rs);
	sink_puts(k, "\n");
	table(k, rs, "after");
	free(scratch);
}
