/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics: stable codes, severities, one-line
 * messages with the numbers, and a fix where one can be computed. */
#ifndef MOESCOPE_DIAG_H
#define MOESCOPE_DIAG_H

#include <stddef.h>

#include "evaluate.h"
#include "scenario.h"

enum diag_severity { SEV_ERROR, SEV_WARNING, SEV_INFO };

enum diag_code {
	E_TP_HEADS, E_EP_EXPERTS, E_FOLD, E_PP_LAYERS, E_OOM, E_TARGET_IMPOSSIBLE, E_OVERLOAD, E_BAD_VALUE,
	W_EP_UNEVEN, W_PP_UNEVEN, W_KV_REPLICATED, W_TP_CROSS_NODE, W_EP_CROSS_NODE,
	W_BATCH_DP, W_BUBBLE, W_TTFT, W_TPOT, W_THROUGHPUT, W_COMM_BOUND, W_MEM_TIGHT,
	W_KV_ADMISSION, W_NO_GRAPH, W_PARAMS, W_SPEC, I_BOUND, I_SERVING_MB, I_SPEC, I_TAIL, I_SPREAD, DIAG_CODE_COUNT
};

#define DIAG_MAX 32

struct diag {
	int code;
	int severity;
	char message[240];
	char fix[160];   /* "" when there is none; otherwise commands ("set tp 4") */
};

struct diag_list {
	int n;
	struct diag items[DIAG_MAX];
};

/* Every diagnostic for this scenario and its evaluation, errors first. */
void diag_collect(const struct scenario *s, const struct result *r, struct diag_list *out);
/* The same codes and messages without the fixes that need evaluating
 * alternatives (a batch that fits, a regrouping): for sweeps and tables. */
void diag_collect_quick(const struct scenario *s, const struct result *r, struct diag_list *out);

const char *diag_code_name(int code);
const char *diag_severity_name(int severity);
/* The index of the most severe diagnostic, or -1 when there is none. */
int diag_worst(const struct diag_list *l);

/* The phrase that names a phase's bottleneck ("decode is HBM-bound: 71% of
 * the step reads weights and KV cache"). */
/* What most of a phase's time goes to, communication taken as a whole:
 * "HBM-bound 39%", "communication 61% (EP 24, TP 24, ETP 12)"; compact
 * for a narrow screen: "comm 61%: EP TP ETP". */
void diag_bottleneck_words(const struct phase *ph, bool compact, char *buf, size_t len);
void diag_bound_sentence(const struct scenario *s, const struct result *r, bool decode,
			 char *buf, size_t len);

/* "1 2 4 8 16": the tp values the model's heads allow. */
void diag_valid_tp(const struct model *m, char *buf, size_t len);

#endif
