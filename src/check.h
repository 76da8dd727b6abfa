/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Claims a report makes, checked against the model. */
#ifndef MOESCOPE_CHECK_H
#define MOESCOPE_CHECK_H

#include "evaluate.h"
#include "diag.h"
#include "scenario.h"
#include "sink.h"

enum claim_id { CL_VALID, CL_GPUS, CL_SHARDS, CL_MEM, CL_TTFT, CL_TPOT, CL_TOKENS, CL_COUNT };
enum verdict { V_HOLDS, V_CONTRADICTED, V_UNCHECKABLE };

struct claim_result {
	int id;
	double claimed, computed;   /* computed is NaN when not checkable */
	int rel;                    /* enum claim_rel: about, at most, at least */
	double ratio;               /* claimed / computed */
	int verdict;
	char words[64];             /* the verdict in words: "holds", "66x too high" */
	char note[480];             /* why, in one line */
};

struct check_report {
	double tolerance;
	int n, holds, contradicted, uncheckable;
	struct claim_result items[CL_COUNT];
};

void check_claims(const struct scenario *s, const struct result *r, const struct diag_list *d,
		  struct check_report *out);

const char *claim_name(int id);
const char *verdict_name(int v);
const char *claim_rel_name(int rel);   /* "about", "at_most", "at_least" */

void check_report_text(const struct sink *k, const struct scenario *s, const struct check_report *c);
void check_report_json(const struct sink *k, const struct scenario *s, const struct check_report *c);
void check_report_csv(const struct sink *k, const struct check_report *c);

#endif
