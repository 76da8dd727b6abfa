/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "evaluate.h"
#include "keys.h"
#include "numfmt.h"
#include "serve.h"

/* The efficiencies of the silicon and the range real GPUs reach: MFU
 * above 85% or HBM utilisation above 95% is not seen on real serving
 * workloads. */
static const struct {
	const char *key;
	double lo, hi;
} silicon_knobs[FIT_SILICON] = {
	{ "hardware.mfu", 0.05, 0.85 },
	{ "hardware.hbm_util", 0.2, 0.95 },
	{ "hardware.kernel_us", 0.0, 60.0 },
	{ "hardware.expert_us", 0.0, 20.0 },
};
/* An engine's host side: a step costs at most a few hundred
 * microseconds, the request path at most a second or two. */
#define STEP_US_MAX 500.0
#define SEQ_US_MAX 100.0
#define FRONTEND_MS_MAX 2000.0

static double *field(struct scenario *s, const char *key)
{
	return (double *)((char *)s + key_find(key)->offset);
}


static bool in(const struct run_set *rs, const bool *train, int i, int engine)
{
	const struct run *run = &rs->runs[i];
	/* fitted to TTFT and TPOT: a throughput row is predicted, not fitted to */
	return run->ok && !run->throughput && (!train || train[i]) && (engine < 0 || run->s.work.engine == engine);
}

/* Median absolute % error of TPOT (or TTFT) over the selected runs. */
static double objective(struct run_set *rs, const bool *train, int engine, bool tpot, double *scratch)
{
	static struct result r;
	int n = 0;
	for (int i = 0; i < rs->n; i++) {
		if (!in(rs, train, i, engine))
			continue;
		struct run *run = &rs->runs[i];
		cost_evaluate(&run->s, &r);
		if (!r.ok)
			continue;
		double pred = tpot ? r.tpot_ms : r.ttft_s * 1000.0, meas = tpot ? run->tpot_ms : run->ttft_ms;
		if (!isfinite(pred))
			pred = 1e12;
		/* the log ratio treats too slow and too fast alike, and a cap
		 * keeps a few runs the model cannot describe from steering */
		scratch[n++] = fmin(fabs(log(pred / meas)), 1.0);
	}
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += scratch[i];
	return n ? sum / n : INFINITY;
}

/* The value behind a knob on every run it applies to. */
enum engine_knob { EK_STEP, EK_SEQ, EK_FRONTEND };

struct knob {
	const char *key;   /* a silicon key, or NULL for an engine's */
	int engine;        /* the engine of an engine knob */
	int which;         /* enum engine_knob */
	double lo, hi;
};

static double *engine_field(struct scenario *s, int which)
{
	return which == EK_STEP ? &s->engine.step_us : which == EK_SEQ ? &s->engine.seq_us : &s->engine.frontend_ms;
}

static void knob_set(struct run_set *rs, const struct knob *kn, double v)
{
	for (int i = 0; i < rs->n; i++) {
		struct scenario *s = &rs->runs[i].s;
		if (kn->key)
			*field(s, kn->key) = v;
		else if (s->work.engine == kn->engine)
			*engine_field(s, kn->which) = v;
	}
}

/* What a knob is fitted to: the silicon's efficiencies and an engine's
 * step costs to the TPOT, which the step model alone sets; an engine's
 * front end to its TTFT.  The MFU to both: it sets the compute-bound
 * work, which is all of a prefill (the TTFT) but of a decode only its
 * largest batches and the prompts mixed into its steps, so that the
 * TPOT alone lets the decode's other errors steer it. */
static double knob_objective(struct run_set *rs, const bool *train, const struct knob *kn, double *scratch)
{
	if (kn->key && !strcmp(kn->key, "hardware.mfu"))
		return objective(rs, train, -1, true, scratch) + objective(rs, train, -1, false, scratch);
	if (kn->key)
		return objective(rs, train, -1, true, scratch);
	return objective(rs, train, kn->engine, kn->which != EK_FRONTEND, scratch);
}

/* One knob over an 11-point grid around its value, `span` wide. */
static double search_knob(struct run_set *rs, const bool *train, const struct knob *kn, double value,
			  double span, double *scratch)
{
	double lo = fmax(kn->lo, value - span / 2), hi = fmin(kn->hi, value + span / 2);
	knob_set(rs, kn, value);
	double best = value, best_err = knob_objective(rs, train, kn, scratch);
	for (int i = 0; i <= 10; i++) {
		/* rounding must not step over a bound */
		double v = fmin(kn->hi, fmax(kn->lo, lo + (hi - lo) * i / 10.0));
		if (v <= 0 && kn->lo > 0)
			continue;
		knob_set(rs, kn, v);
		double e = knob_objective(rs, train, kn, scratch);
		if (e < best_err - 1e-9) {
			best_err = e;
			best = v;
		}
	}
	knob_set(rs, kn, best);
	return best;
}

void fit_runs(struct run_set *rs, const bool *train, struct fit *f)
{
	double *scratch = malloc((size_t)(rs->n > 0 ? rs->n : 1) * sizeof *scratch);
	int n_in = 0;

	memset(f, 0, sizeof *f);
	if (!scratch)
		return;
	for (int i = 0; i < rs->n; i++) {
		if (!in(rs, train, i, -1))
			continue;
		n_in++;
		f->engine_seen[rs->runs[i].s.work.engine] = true;
	}
	if (n_in == 0) {
		free(scratch);
		return;
	}
	f->ok = true;
	/* from the middle of each range, not from the values the runs carry:
	 * the fit then does not depend on the constants a preset ships, which
	 * are its own output */
	for (int q = 0; q < FIT_SILICON; q++)
		f->silicon[q] = (silicon_knobs[q].lo + silicon_knobs[q].hi) / 2;
	/* the host-side costs start from nothing: they are what is left */
	for (int e = 1; e < ENGINE_COUNT; e++) {
		for (int w = EK_STEP; w <= EK_FRONTEND; w++) {
			struct knob kn = { .engine = e, .which = w };
			knob_set(rs, &kn, 0);
		}
	}

	for (int round = 0; round < 8; round++) {
		for (int q = 0; q < FIT_SILICON; q++) {
			struct knob kn = { .key = silicon_knobs[q].key, .lo = silicon_knobs[q].lo,
					   .hi = silicon_knobs[q].hi };
			f->silicon[q] = search_knob(rs, train, &kn, f->silicon[q], (kn.hi - kn.lo) / pow(2.0, round),
						    scratch);
		}
		for (int e = 1; e < ENGINE_COUNT; e++) {
			if (!f->engine_seen[e])
				continue;
			struct knob kn = { .engine = e, .which = EK_STEP, .lo = 0, .hi = STEP_US_MAX };
			f->step_us[e] = search_knob(rs, train, &kn, f->step_us[e], STEP_US_MAX / pow(2.0, round), scratch);
			struct knob ks = { .engine = e, .which = EK_SEQ, .lo = 0, .hi = SEQ_US_MAX };
			f->seq_us[e] = search_knob(rs, train, &ks, f->seq_us[e], SEQ_US_MAX / pow(2.0, round), scratch);
			struct knob kf = { .engine = e, .which = EK_FRONTEND, .lo = 0, .hi = FRONTEND_MS_MAX };
			f->frontend_ms[e] = search_knob(rs, train, &kf, f->frontend_ms[e],
							FRONTEND_MS_MAX / pow(2.0, round), scratch);
		}
	}
	free(scratch);
}

/* What an engine without runs of its own takes: the middle of the others. */
static double engine_median(const struct fit *f, const double *v)
{
	double seen[ENGINE_COUNT];
	int n = 0;
	for (int e = 1; e < ENGINE_COUNT; e++)
		if (f->engine_seen[e])
			seen[n++] = v[e];
	return n ? runs_median(seen, n) : 0;
}

void fit_apply(struct run_set *rs, const struct fit *f)
{
	if (!f->ok)
		return;
	for (int q = 0; q < FIT_SILICON; q++) {
		struct knob kn = { .key = silicon_knobs[q].key };
		knob_set(rs, &kn, f->silicon[q]);
	}
	for (int e = 1; e < ENGINE_COUNT; e++) {
		const double *v[3] = { f->step_us, f->seq_us, f->frontend_ms };
		for (int w = EK_STEP; w <= EK_FRONTEND; w++) {
			struct knob kn = { .engine = e, .which = w };
			knob_set(rs, &kn, f->engine_seen[e] ? v[w][e] : engine_median(f, v[w]));
		}
	}
}

static void table(const struct sink *k, const struct run_set *rs, const char *when)
{
	sink_printf(k, "%s: absolute %% error, median (mean)\n", when);
	for (int g = 0; g < rs->n_groups; g++) {
		const struct run_group *gr = &rs->groups[g];
		sink_printf(k, "  %-18s %-9s %-8s %4d runs  TPOT %5s%% (%5s%%)  TTFT %6s%% (%6s%%)\n", gr->model,
			    gr->hardware, gr->framework, gr->n, PCT(gr->tpot_median, 1), PCT(gr->tpot_mean, 1),
			    PCT(gr->ttft_median, 1), PCT(gr->ttft_mean, 1));
	}
	sink_printf(k, "  %-37s %4d runs  TPOT %5s%% (%5s%%)  TTFT %6s%% (%6s%%)\n", "overall", rs->overall.n,
		    PCT(rs->overall.tpot_median, 1), PCT(rs->overall.tpot_mean, 1), PCT(rs->overall.ttft_median, 1),
		    PCT(rs->overall.ttft_mean, 1));
}

void calibrate_runs(struct run_set *rs, const struct sink *k, const char *source)
{
	struct fit f;
	char buf[64];

	runs_evaluate(rs);
	table(k, rs, "before");
	fit_runs(rs, NULL, &f);
	fit_apply(rs, &f);
	runs_evaluate(rs);
	sink_puts(k, "\n");
	table(k, rs, "after (in-sample: fitted to these runs)");

	sink_printf(k, "\n# fitted by calibrate on %s: the efficiencies of the silicon, the same for\n"
		       "# every GPU of it; each engine's host-side costs\n", source);
	sink_puts(k, "hardware:\n");
	for (int q = 0; q < FIT_SILICON; q++) {
		fmt_exact(f.silicon[q], buf, sizeof buf);
		sink_printf(k, "  %s: %s\n", strchr(silicon_knobs[q].key, '.') + 1, buf);
	}
	for (int e = 1; e < ENGINE_COUNT; e++) {
		if (!f.engine_seen[e])
			continue;
		char a[40], b[40], c[40];
		fmt_exact(f.step_us[e], a, sizeof a);
		fmt_exact(f.seq_us[e], c, sizeof c);
		fmt_exact(f.frontend_ms[e], b, sizeof b);
		sink_printf(k, "# workload.engine %s\nengine:\n  step_us: %s\n  seq_us: %s\n  frontend_ms: %s\n",
			    serve_engine_name(e), a, c, b);
	}
	/* what the in-sample figures hide: the same fit on part of the runs */
	for (int dim = 0; dim < HOLD_COUNT; dim++) {
		if (dim == HOLD_MODEL)
			continue;
		sink_puts(k, "\n");
		holdout_report(rs, dim, k, 0);
	}
}
