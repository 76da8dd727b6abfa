/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The headline figures of an evaluation, as one table: baseline deltas,
 * sweeps, search rankings and charts all name them the same way. */
#ifndef MOESCOPE_FIGURES_H
#define MOESCOPE_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "evaluate.h"

enum figure {
	FIG_GPUS, FIG_MEM, FIG_TTFT, FIG_TPOT, FIG_TOKENS, FIG_PREFILL, FIG_E2E, FIG_COUNT
};

struct figure_info {
	const char *label;     /* "TTFT" */
	const char *json;      /* "ttft_s" */
	const char *unit;      /* "s" */
	bool higher_better;
};

const struct figure_info *figure_info(int fig);
/* NaN when the evaluation could not compute it. */
double figure_value(const struct result *r, int fig);

/* "▲ 12%" / "▼ 30%" / "= 0%" (ASCII "+12%" / "-30%" when utf8 is false). */
void fmt_delta(double now, double base, bool utf8, char *buf, size_t len);
/* Whether the output locale speaks UTF-8 (for the arrows). */
bool output_utf8(void);

#endif
