/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fitting the model's constants to measured runs, and checking them on
 * runs they were not fitted to.  What is fitted is what the rule of the
 * model allows: the efficiencies of the silicon (mfu, hbm_util,
 * kernel_us, expert_us), one set for every GPU in the runs (H100, H200
 * and H800 are one silicon), and for each engine its host-side costs
 * (engine.step_us and engine.seq_us to the TPOT, engine.frontend_ms to
 * the TTFT).  Nothing
 * is fitted per GPU, per model or per pair.  A deterministic
 * shrinking-grid coordinate search on the pure model. */
#ifndef MOESCOPE_CALIBRATE_H
#define MOESCOPE_CALIBRATE_H

#include <stdbool.h>

#include "scenario.h"
#include "sink.h"
#include "validate.h"

#define FIT_SILICON 4

struct fit {
	double silicon[FIT_SILICON];          /* mfu, hbm_util, kernel_us, expert_us */
	double step_us[ENGINE_COUNT], seq_us[ENGINE_COUNT], frontend_ms[ENGINE_COUNT];
	bool engine_seen[ENGINE_COUNT];
	bool ok;                              /* there were runs to fit to */
};

/* The dimension a held-out check leaves out, one value at a time. */
enum holdout_dim { HOLD_GPU, HOLD_MODEL, HOLD_ENGINE, HOLD_CAMPAIGN, HOLD_COUNT };
int holdout_dim_find(const char *name);   /* -1 when unknown */

/* Fit to the runs with train[i] set (NULL: all); the runs keep the
 * values they were evaluated with. */
void fit_runs(struct run_set *rs, const bool *train, struct fit *f);
/* Give every run (train[i] unset too) the fitted values; an engine the
 * fit never saw takes the median of those it saw. */
void fit_apply(struct run_set *rs, const struct fit *f);

/* Fits in place (the runs' scenarios get the fitted values), reports the
 * errors before and after, and held out by GPU and by engine, and the
 * fitted values as YAML. */
void calibrate_runs(struct run_set *rs, const struct sink *k, const char *source);

/* Leave one GPU, model or engine out: fit on the rest, predict it, for
 * each in turn; print held-out beside in-sample error.  The runs end up
 * with their held-out predictions. */
void holdout_report(struct run_set *rs, int dim, const struct sink *k, int format);

#endif
