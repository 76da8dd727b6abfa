/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One input swept over a range, the headline figures at each value. */
#ifndef MOESCOPE_SWEEP_H
#define MOESCOPE_SWEEP_H

#include "figures.h"
#include "keys.h"
#include "scenario.h"
#include "sink.h"

#define SWEEP_MAX 1000

/* The requirements a sweep checks, each in a column of its own. */
enum sweep_req { SR_TTFT, SR_TPOT, SR_TOKENS, SR_USER, SWEEP_REQS };

struct sweep_row {
	double value;
	bool ok;
	double fig[FIG_COUNT];
	int prefill_bound, decode_bound;
	int worst;               /* diagnostic code of the worst non-info one, or -1 */
	int fits;                /* 1 in memory, 0 out of it, -1 not known */
	int meets[SWEEP_REQS];   /* per requirement: 1 met, 0 missed, -1 not set or not known */
	double decode_hbm_share; /* of decode's op time, the part in HBM-bound ops */
	char strategy[64];
};

struct sweep {
	const struct key *key;
	double ttft_req, tpot_req, tokens_req;   /* requirement lines for charts */
	int n;
	struct sweep_row rows[SWEEP_MAX];
};

/* FROM TO [STEP|xFACTOR]: the values, ascending or descending.  Returns
 * the count, or -1 with a message in err. */
int sweep_values(const struct key *k, const char *from, const char *to, const char *step,
		 double *out, int max, char *err, size_t errlen);

/* Evaluate each value; -1 with a message when a value is out of range. */
int sweep_run(const struct scenario *s, const struct key *k, const double *values, int n,
	      struct sweep *out, char *err, size_t errlen);

void sweep_report_text(const struct sink *k, const struct sweep *sw);
void sweep_report_json(const struct sink *k, const struct sweep *sw);
void sweep_report_csv(const struct sink *k, const struct sweep *sw);

#endif
