/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON readers: a Hugging Face config.json, read into a model or
 * refused with a message that changes nothing, whatever model it makes
 * evaluating without crashing; and the same bytes as a benchmark result,
 * read into runs that evaluate, or refused with a message. */
#include "config.h"

#include <stdint.h>

#include "fuzz_common.h"
#include "import_bench.h"
#include "import_hf.h"
#include "scenario_resolve.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	char err[600], ignored[600];

	if (size > 1048576)   /* the limit the readers enforce */
		return 0;
	scenario_default(&s);
	struct model before = s.model;
	static struct run_set rs;
	err[0] = '\0';
	if (import_bench_buffer("fuzz.json", (const char *)data, size, &s, &rs, err, sizeof err) != 0) {
		if (!err[0] || rs.n != 0)
			abort();
	} else {
		runs_evaluate(&rs);
		runs_free(&rs);
	}
	err[0] = '\0';
	if (import_hf_buffer("fuzz.json", (const char *)data, size, &s.model, ignored, sizeof ignored, err,
			     sizeof err) != 0) {
		if (!err[0] || memcmp(&before, &s.model, sizeof before) != 0)
			abort();
		return 0;
	}
	fuzz_evaluate(&s, size);
	return 0;
}
