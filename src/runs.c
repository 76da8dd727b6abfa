/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured runs (runs.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"

void runs_free(struct run_set *rs)
{
	free(rs->runs);
	rs->runs = NULL;
	rs->n = 0;
}

int runs_append(struct run_set *dst, struct run_set *src, char *err, size_t errlen)
{
	if (dst->n + src->n > RUNS_MAX) {
		snprintf(err, errlen, "more than %d runs in all", RUNS_MAX);
		return -1;
	}
	if (src->n == 0)
		return 0;
	struct run *grown = realloc(dst->runs, (size_t)(dst->n + src->n) * sizeof *grown);
	if (!grown) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(grown + dst->n, src->runs, (size_t)src->n * sizeof *grown);
	dst->runs = grown;
	dst->n += src->n;
	runs_free(src);
	return 0;
}
