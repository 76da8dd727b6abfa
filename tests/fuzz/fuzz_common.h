/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the fuzz harnesses: evaluate a scenario and check the
 * promises every output keeps (no nan or inf is ever printed). */
#ifndef MOESCOPE_FUZZ_COMMON_H
#define MOESCOPE_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "diag.h"
#include "report.h"
#include "sink.h"

/* No bare nan or inf outside JSON strings: numbers are finite or null. */
static void fuzz_check_json(const char *text)
{
	bool in_string = false;
	for (const char *p = text; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = false;
			continue;
		}
		if (*p == '"')
			in_string = true;
		else if ((p[0] == 'n' && p[1] == 'a' && p[2] == 'n') || (p[0] == 'i' && p[1] == 'n' && p[2] == 'f'))
			abort();   /* by hand: strncmp per byte is the harness's slowest part */
	}
}

/* Evaluate; render the JSON report (the costly part) for one input in
 * eight, chosen by the input, so the fuzzer keeps its pace. */
static void fuzz_evaluate(const struct scenario *s, size_t input_size)
{
	static struct result r;
	static struct diag_list d;
	struct sink_buffer b;
	struct sink k;

	cost_evaluate(s, &r);
	diag_collect_quick(s, &r, &d);
	if (input_size % 8 != 0)
		return;
	sink_buffer_init(&b, &k);
	report_json(&k, s, &r, &d, NULL);
	fuzz_check_json(b.out);
	sink_buffer_free(&b);
}

#endif
