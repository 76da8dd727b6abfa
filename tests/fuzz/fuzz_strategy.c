/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy strings: parsed or refused with a message, and whatever they
 * describe evaluates without crashing. */
#include "config.h"

#include <stdint.h>

#include "fuzz_common.h"
#include "scenario_resolve.h"
#include "strategy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	struct strategy_spec spec;
	char text[1024], err[300];
	size_t col;

	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	scenario_default(&s);
	if (strategy_parse(text, &spec, err, sizeof err, &col) != 0) {
		if (!err[0] || col > size)
			abort();
		return 0;
	}
	if (strategy_apply_checked(&spec, &s, err, sizeof err) != 0) {
		if (!err[0])
			abort();
		return 0;
	}
	fuzz_evaluate(&s, size);
	return 0;
}
