/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The valid strategy nearest to one that is not: what a model switch
 * lands on when the old strategy does not fit the new model (8 experts
 * cannot take EP 16). */
#ifndef MOESCOPE_NEAREST_H
#define MOESCOPE_NEAREST_H

#include <stdbool.h>

#include "scenario.h"
#include "search.h"

/* The valid strategy (one the cost model can evaluate) closest to
 * s->strat: the same GPU count if one exists, each degree as near as it
 * can be (by factors of two), one that fits in memory before one that does
 * not.  false when the model has none up to twice the GPUs.  Up to 32,768
 * GPUs that takes seconds: a stop (or NULL) may end it early, with the
 * nearest of the strategies seen. */
bool nearest_valid_strategy(const struct scenario *s, struct search_stop *stop, struct strategy *out);

#endif
