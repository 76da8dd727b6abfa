/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fitting the efficiencies of each GPU to measured runs: mfu, hbm_util and
 * kernel_us to the TPOT, then ttft_overhead_ms to the TTFT.  A
 * deterministic shrinking-grid coordinate search on the pure model. */
#ifndef MOESCOPE_CALIBRATE_H
#define MOESCOPE_CALIBRATE_H

#include "sink.h"
#include "validate.h"

/* Fits in place (the runs' scenarios get the fitted values), reports the
 * errors before and after and the fitted sections as YAML. */
void calibrate_runs(struct run_set *rs, const struct sink *k, const char *source);

#endif
