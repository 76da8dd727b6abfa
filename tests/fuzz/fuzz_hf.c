/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hugging Face config.json: read into a model or refused with a message
 * that changes nothing, and whatever model it makes evaluates without
 * crashing. */
#include "config.h"

#include <stdint.h>

#include "fuzz_common.h"
#include "import_hf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	char err[600], ignored[600];

	if (size > 65536)
		return 0;
	scenario_default(&s);
	struct model before = s.model;
	if (import_hf_buffer("fuzz.json", (const char *)data, size, &s.model, ignored, sizeof ignored, err,
			     sizeof err) != 0) {
		if (!err[0] || memcmp(&before, &s.model, sizeof before) != 0)
			abort();
		return 0;
	}
	fuzz_evaluate(&s, size);
	return 0;
}
