/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sliders: which keys they drive and the values they step through.
 * No curses here: the stepping rules are tested on their own. */
#ifndef MOESCOPE_SLIDERS_H
#define MOESCOPE_SLIDERS_H

#include <stdbool.h>

#include "keys.h"
#include "scenario.h"

#define SLIDER_COUNT 8      /* ep tp pp dp batch seq, then out and mb when tall */
#define SLIDER_BASIC 6

struct slider {
	const char *label;
	const char *key_name;
};

const struct slider *slider_get(int i);
const struct key *slider_key(const struct slider *sl);
long slider_value(const struct scenario *s, const struct slider *sl);

/* Where the value sits on the track, 0..1 (log scale for powers of two). */
double slider_position(const struct scenario *s, const struct slider *sl);

/* The next value in direction dir (+1 or -1) that keeps the strategy
 * valid (or at least adds no new structural error); false when none. */
bool slider_step(const struct scenario *s, const struct slider *sl, int dir, long *out);
/* The first or last such value (Home, End). */
bool slider_extreme(const struct scenario *s, const struct slider *sl, int dir, long *out);
/* The acceptable value nearest to a track position (mouse). */
bool slider_at(const struct scenario *s, const struct slider *sl, double frac, long *out);

#endif
