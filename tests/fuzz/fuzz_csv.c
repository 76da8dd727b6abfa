/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The measured-runs reader (validate, calibrate): any bytes are read as
 * rows or refused with a message, and whatever is read evaluates. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run_set rs;
	char err[700];

	if (size == 0 || size > 65536)
		return 0;
	runs_keep_presets(true);   /* the presets on disk do not change here */
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	int rc = runs_read_stream(f, "fuzz.csv", &rs, err, sizeof err);
	fclose(f);
	if (rc != 0) {
		if (!err[0])
			abort();
		return 0;
	}
	runs_evaluate(&rs);
	for (int i = 0; i < rs.n; i++)
		if (!rs.runs[i].ok && !rs.runs[i].reason[0])
			abort();   /* a skipped row always says why */
	runs_free(&rs);
	return 0;
}
