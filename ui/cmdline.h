/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GNU readline inside the curses screen, through its callback interface:
 * the UI feeds it bytes, it edits, completes and recalls, and we draw its
 * line ourselves; nothing readline prints reaches the terminal. */
#ifndef MOESCOPE_CMDLINE_H
#define MOESCOPE_CMDLINE_H

#include <curses.h>

#include "app.h"
#include "render.h"
#include "style.h"

void cmdline_init(struct app *a, WINDOW *w, const struct style *st, struct layout *L);
/* Enter command mode, with text already typed (e.g. "save "). */
void cmdline_begin(const char *prefill);
/* One key from wgetch while in command mode. */
void cmdline_feed(int key);
/* Leave command mode, dropping what was typed. */
void cmdline_cancel(void);
/* While held, the line is not drawn (a paste fed key by key); releasing
 * draws it once. */
void cmdline_hold(bool hold);
/* Draw the line and place the cursor. */
void cmdline_redisplay(void);
/* Save the history and let go of readline. */
void cmdline_end(void);

/* Where the history lives: $XDG_STATE_HOME/moescope/history. */
int cmdline_history_path(char *buf, size_t len);

#endif
