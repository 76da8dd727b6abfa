/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scenario loader, from a buffer: never crashes, leaks or misbehaves,
 * and a file it refuses leaves the scenario exactly as it was. */
#include "config.h"

#include <stdint.h>

#include "fuzz_common.h"
#include "preset.h"
#include "scenario_resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s, before;
	char err[1024];

	scenario_default(&s);
	before = s;
	if (preset_load_buffer(&s, "fuzz.yaml", (const char *)data, size, err, sizeof err) != 0) {
		if (memcmp(&s, &before, sizeof s) != 0)
			abort();   /* a refused file changed something */
		if (!err[0])
			abort();   /* and every refusal says why */
		return 0;
	}
	fuzz_evaluate(&s, size);
	return 0;
}
