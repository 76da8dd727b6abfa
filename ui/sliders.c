/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "numfmt.h"
#include "sliders.h"

#define MAX_CANDIDATES 512
#define STRUCTURAL (CE_TP_HEADS | CE_EP_EXPERTS | CE_FOLD | CE_PP_LAYERS)

static const struct slider sliders[SLIDER_COUNT] = {
	{ "EP", "strategy.ep" }, { "TP", "strategy.tp" }, { "PP", "strategy.pp" },
	{ "DP", "strategy.dp" }, { "batch", "workload.batch" }, { "seq", "workload.prompt_len" },
	{ "out", "workload.output_len" }, { "mb", "workload.microbatches" },
};

const struct slider *slider_get(int i)
{
	return i >= 0 && i < SLIDER_COUNT ? &sliders[i] : NULL;
}

const struct key *slider_key(const struct slider *sl)
{
	return key_find(sl->key_name);
}

static long *field(struct scenario *s, const struct key *k)
{
	return (long *)((char *)s + k->offset);
}

long slider_value(const struct scenario *s, const struct slider *sl)
{
	return *field((struct scenario *)s, slider_key(sl));
}

/* Largest value a track shows: the key's range, but not absurdly wide. */
static long display_max(const struct scenario *s, const struct key *k)
{
	long cur = *field((struct scenario *)s, k);
	long cap;
	switch (k->slider) {
	case STEP_DIV_HEADS: return s->model.heads;
	case STEP_DIV_EXPERTS: return s->model.experts;
	case STEP_TO_LAYERS: return s->model.layers < (long)k->max ? s->model.layers : (long)k->max;
	case STEP_POW2:
		cap = k->offset == offsetof(struct scenario, strat.dp) ? 1024 : 1L << 20;
		if (k->offset == offsetof(struct scenario, work.batch))
			cap = 65536;
		break;
	default:
		cap = 64;
		break;
	}
	if (cap > (long)k->max)
		cap = (long)k->max;
	return cur > cap ? cur : cap;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The values a slider offers, ascending, before any validity check. */
static int candidates(const struct scenario *s, const struct key *k, long *out)
{
	int n = 0;
	long max = display_max(s, k), lo = k->min < 1 ? 1 : (long)k->min;

	switch (k->slider) {
	case STEP_DIV_HEADS:
	case STEP_DIV_EXPERTS:
		for (long d = 1; d <= max && n < MAX_CANDIDATES; d++)
			if (max % d == 0)
				out[n++] = d;
		return n;
	case STEP_TO_LAYERS:
		for (long v = 1; v <= max && n < MAX_CANDIDATES; v++)
			out[n++] = v;
		return n;
	case STEP_POW2: {
		/* powers of two, plus those times the replica step of dp so
		 * that a non-power-of-two ep still has valid dp values */
		long unit = 1;
		if (k->offset == offsetof(struct scenario, strat.dp)) {
			unit = s->strat.ep / gcd_long(s->strat.ep, s->strat.tp);
		}
		for (long v = lo; v <= (long)k->max && n < MAX_CANDIDATES - 1; v *= 2) {
			out[n++] = v;
			if (unit > 1 && v * unit <= (long)k->max)
				out[n++] = v * unit;
		}
		qsort(out, (size_t)n, sizeof *out, cmp_long);
		int m = 0;
		for (int i = 0; i < n; i++)
			if (m == 0 || out[i] != out[m - 1])
				out[m++] = out[i];
		return m;
	}
	default:
		for (long v = lo; v <= max && n < MAX_CANDIDATES; v++)
			out[n++] = v;
		return n;
	}
}

static unsigned structural_errors(const struct scenario *s)
{
	struct result r;
	cost_evaluate(s, &r);
	return r.errors & STRUCTURAL;
}

/* A value is acceptable when it brings no structural error that the
 * scenario did not already have. */
static bool acceptable(const struct scenario *s, const struct key *k, long v, unsigned now)
{
	struct scenario c = *s;
	*field(&c, k) = v;
	return (structural_errors(&c) & ~now) == 0;
}

bool slider_step(const struct scenario *s, const struct slider *sl, int dir, long *out)
{
	const struct key *k = slider_key(sl);
	long cand[MAX_CANDIDATES], cur = slider_value(s, sl);
	int n = candidates(s, k, cand);
	unsigned now = structural_errors(s);

	if (dir > 0) {
		for (int i = 0; i < n; i++)
			if (cand[i] > cur && acceptable(s, k, cand[i], now)) {
				*out = cand[i];
				return true;
			}
	} else {
		for (int i = n - 1; i >= 0; i--)
			if (cand[i] < cur && acceptable(s, k, cand[i], now)) {
				*out = cand[i];
				return true;
			}
	}
	return false;
}

bool slider_extreme(const struct scenario *s, const struct slider *sl, int dir, long *out)
{
	const struct key *k = slider_key(sl);
	long cand[MAX_CANDIDATES];
	int n = candidates(s, k, cand);
	unsigned now = structural_errors(s);

	for (int j = 0; j < n; j++) {
		int i = dir > 0 ? n - 1 - j : j;
		if (acceptable(s, k, cand[i], now)) {
			*out = cand[i];
			return *out != slider_value(s, sl);
		}
	}
	return false;
}

static double position_of(const struct scenario *s, const struct key *k, long v)
{
	long max = display_max(s, k), lo = k->min < 1 ? 1 : (long)k->min;
	if (max <= lo)
		return 0;
	switch (k->slider) {
	case STEP_DIV_HEADS:
	case STEP_DIV_EXPERTS:
	case STEP_POW2:
		/* divisors and powers of two sit evenly on a log scale */
		return fmin(1.0, fmax(0.0, log((double)v / (double)lo) / log((double)max / (double)lo)));
	default:
		return fmin(1.0, fmax(0.0, (double)(v - lo) / (double)(max - lo)));
	}
}

double slider_position(const struct scenario *s, const struct slider *sl)
{
	return position_of(s, slider_key(sl), slider_value(s, sl));
}

bool slider_at(const struct scenario *s, const struct slider *sl, double frac, long *out)
{
	const struct key *k = slider_key(sl);
	long cand[MAX_CANDIDATES];
	int n = candidates(s, k, cand), best = -1;
	unsigned now = structural_errors(s);
	double best_d = 2;

	for (int i = 0; i < n; i++) {
		double d = fabs(position_of(s, k, cand[i]) - frac);
		if (d < best_d && acceptable(s, k, cand[i], now)) {
			best_d = d;
			best = i;
		}
	}
	if (best < 0)
		return false;
	*out = cand[best];
	return true;
}
