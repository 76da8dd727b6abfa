/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured runs (runs.h). */
#include "config.h"

#include <stdlib.h>

#include "runs.h"

void runs_free(struct run_set *rs)
{
	free(rs->runs);
	rs->runs = NULL;
	rs->n = 0;
}
