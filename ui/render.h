/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing the explorer into a curses window of any size. */
#ifndef MOESCOPE_RENDER_H
#define MOESCOPE_RENDER_H

#include <curses.h>

#include "app.h"
#include "style.h"

#define MIN_COLS 60
#define MIN_ROWS 16

/* Where things are, for the mouse and the command line. */
struct layout {
	bool too_small;
	int rows, cols;
	int slider_rows;        /* sliders shown */
	int slider_x, slider_w; /* track: first column and width */
	int left_w;             /* width of the slider pane */
	int cmd_y;              /* the command line */
	int side_x, side_w;     /* from 120 columns: a pane right of the lower one (0: none) */
};

void layout_compute(int rows, int cols, struct layout *L);
/* Draw everything (not refreshed).  Updates a->visible_sliders. */
void render(WINDOW *w, struct app *a, const struct style *st, struct layout *L);
/* A framed, blanked box, and a title on its top edge (for the overlays). */
void render_overlay_box(WINDOW *w, int y0, int x0, int h, int wd);
void render_title(WINDOW *w, int y, int x, int max, const struct style *st, const char *text);
/* The frontier chart (frontier_view.c): over the whole screen, or in the
 * rectangle whose top edge (y0, from x0, wd wide) carries the title. */
void frontier_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L);
void compare_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L);
void frontier_chart(WINDOW *w, const struct app *a, const struct style *st, int y0, int x0, int h, int wd,
		    const char *title);

/* side_pane.c: the time per phase and the frontier beside the lower pane
 * (from 120 columns), and the context line above the status. */
void side_pane(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L, int y0, int rows);
void context_line(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L);

/* The command line row alone, for the readline bridge. */
void render_cmdline(WINDOW *w, const struct style *st, const struct layout *L, const char *prompt,
		    const char *line, int point_col);

#endif
