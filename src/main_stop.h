/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batch mode: a long search says how far it is and stops on Ctrl-C. */
#ifndef MOESCOPE_MAIN_STOP_H
#define MOESCOPE_MAIN_STOP_H

#include <stdbool.h>

#include "search.h"

/* Ctrl-C (SIGINT) from now on is remembered, not fatal: a search, frontier
 * or recommend running asks st and stops with what it found so far; at any
 * other time the program ends after the command line it is on.  On a
 * terminal, a run past two seconds says on stderr every five how many
 * strategies it has looked at. */
void main_stop_install(struct search_stop *st);

/* Ctrl-C came: end the program (the caller cleans up first). */
bool main_stop_interrupted(void);

/* End as SIGINT does, so that a calling shell sees the interrupt. */
void main_stop_exit(void);

#endif
