/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How far apart two names are: the "did you mean" of keys and flags. */
#ifndef MOESCOPE_SPELLING_H
#define MOESCOPE_SPELLING_H

/* Optimal string alignment distance (insertions, deletions, substitutions
 * and swaps of neighbours) of two names of under 64 bytes, or limit + 1
 * when it is more than limit; 99 for longer names. */
int spelling_distance(const char *a, const char *b, int limit);

#endif
