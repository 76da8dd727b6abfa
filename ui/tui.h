/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The interactive explorer. */
#ifndef MOESCOPE_TUI_H
#define MOESCOPE_TUI_H

#include "scenario.h"

/* Run until the user quits; returns the exit status. */
int tui_main(const struct scenario *initial);

#endif
