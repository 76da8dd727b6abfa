/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy strings in the forms reports use: "EP16_TP4_PP1",
 * "DP2 TP2 PP4 EP16", "ep16-tp4", "EP-16 x TP-4 x PP-1", "tp=8,ep=8". */
#ifndef MOESCOPE_STRATEGY_PARSE_H
#define MOESCOPE_STRATEGY_PARSE_H

#include <stddef.h>

#include "scenario.h"

enum { SP_DP = 1, SP_TP = 2, SP_PP = 4, SP_EP = 8, SP_ETP = 16 };

struct strategy_spec {
	long dp, tp, pp, ep, etp;
	unsigned given;   /* SP_* bits of the degrees the string names */
};

/* Returns 0, or -1 with a message naming the offending word and its
 * 0-based offset in *err_col. */
int strategy_parse(const char *text, struct strategy_spec *out, char *err, size_t errlen,
		   size_t *err_col);

/* A string names a whole strategy: tp, pp and ep it leaves out are 1, etp
 * is auto, and dp, when left out, is the fewest replicas that let the
 * experts fold onto dp*tp GPUs (ep / gcd(ep, tp)). */
void strategy_apply(const struct strategy_spec *spec, struct strategy *st);

/* strategy_apply on a scenario, each degree checked against its key's
 * range (pp at most 128, ...): -1 with the message, scenario unchanged. */
int strategy_apply_checked(const struct strategy_spec *spec, struct scenario *s, char *err, size_t errlen);

/* "DP16_TP4_PP1_EP16" (and "_ETP2" when etp is not auto). */
void strategy_format(const struct strategy *st, char *buf, size_t len);

#endif
