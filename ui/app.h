/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The explorer's state and what each action does to it.  No curses here:
 * key codes arrive already mapped to actions (keymap), so the whole
 * behaviour can be tested without a terminal. */
#ifndef MOESCOPE_APP_H
#define MOESCOPE_APP_H

#include <stdbool.h>

#include "command.h"
#include "evaluate.h"
#include "diag.h"
#include "sink.h"

enum app_mode { MODE_SLIDERS, MODE_COMMAND, MODE_HELP, MODE_CHART, MODE_PICK, MODE_FRONTIER, MODE_CONFIRM, MODE_FIXES,
		MODE_COMPARE };
enum pane_view { VIEW_DIAG, VIEW_OUTPUT };

enum action {
	ACT_NONE, ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_HOME, ACT_END, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_COMMAND, ACT_SAVE, ACT_FIX, ACT_HELP, ACT_ESCAPE, ACT_QUIT, ACT_REDRAW, ACT_PIN, ACT_ENTER,
	ACT_FRONTIER, ACT_UNDO, ACT_REDO,
};

/* What the explorer can take back: the scenario before each change. */
#define UNDO_MAX 64
struct undo_step {
	struct scenario scn;
	char what[96];   /* the change, for the status line */
};

struct app {
	struct session ss;
	struct sink_buffer captured;   /* what the last command printed */
	struct result r;
	struct diag_list d;
	int selected;                  /* slider under the cursor */
	int visible_sliders;           /* how many the layout shows */
	int mode;
	int view;
	int scroll;                    /* first line shown in the lower pane */
	char status[256];              /* one line under the panes */
	bool status_error;
	char prefill[64];              /* text the command line opens with */
	struct result base_r;          /* the pinned baseline, evaluated */
	int chart_figure;              /* what the sweep chart plots */
	int pick;                      /* the row chosen among search results */
	int front_pick;                /* the point chosen on the frontier */
	/* the pager over the lower pane and the help (pager.c) */
	int page_rows;                 /* rows the lower pane shows (render sets it) */
	int top_line;                  /* the output line at the top of the pane (render sets it) */
	int goto_line;                 /* an output line to bring to the top, or -1 */
	int help_scroll;               /* first line of the help shown */
	char find[64];                 /* what / looks for */
	bool finding;                  /* typing it */
	/* undo and redo (undo.c): the oldest steps go first past UNDO_MAX */
	struct undo_step undo[UNDO_MAX], redo[UNDO_MAX];
	int n_undo, n_redo;
	int fix_pick;                  /* the fix chosen in the list of fixes */
	bool quit;
};

void app_init(struct app *a);
void app_free(struct app *a);
/* Re-evaluate after any change: the model is microseconds. */
void app_recompute(struct app *a);
void app_apply(struct app *a, int action);
/* Run a line of the command language; its output goes to the lower pane. */
void app_run_command(struct app *a, const char *line);
/* The answer to "FILE exists: overwrite it?" (MODE_CONFIRM). */
void app_confirm_key(struct app *a, bool yes);
/* Set slider i to value v (mouse). */
void app_set_slider(struct app *a, int i, long v);

/* The diagnostic whose fix the fix key applies, or NULL. */
const struct diag *app_fix_target(const struct app *a);

/* Keys of the sweep chart and of the search results: Left/Right change the
 * charted figure, Up/Down choose a result, Enter applies it, Esc closes.
 * On the frontier Left/Right walk the front and Enter applies the point. */
void app_overlay_key(struct app *a, int action);

/* After a change: keep `before` to undo it when the scenario moved
 * (what: the change, in words). */
void app_remember(struct app *a, const struct scenario *before, const char *what);
void app_undo(struct app *a);
void app_redo(struct app *a);

/* The list of fixes (f): the diagnostics that have one, the n-th. */
int app_fix_count(const struct app *a);
const struct diag *app_fix_at(const struct app *a, int n);
/* What a fix gives up: "relaxes a requirement", "changes the workload",
 * or "" when it changes only the deployment. */
const char *app_fix_cost(const char *fix);
/* Keys of the list: Up Down choose, Enter applies, Esc closes. */
void app_fixes_key(struct app *a, int action);

/* Key code (curses KEY_* or a byte) to action, in slider mode. */
int keymap_action(int key);

/* The pager: what keys do while output or the help is shown.  They never
 * reach the sliders. */
enum pager_action {
	PG_NONE, PG_LINE_UP, PG_LINE_DOWN, PG_PAGE_UP, PG_PAGE_DOWN, PG_TOP, PG_BOTTOM, PG_FIND, PG_NEXT,
	PG_PREV, PG_CLOSE, PG_COMMAND, PG_HELP, PG_QUIT, PG_REDRAW, PG_WHEEL_UP, PG_WHEEL_DOWN,
};
int pager_action(int key);
/* Keys on the output shown in the lower pane (view VIEW_OUTPUT). */
void app_pager_key(struct app *a, int pg_action);
/* A key typed after / : a character, Backspace (127 or 8), Enter, Esc. */
void app_find_key(struct app *a, int ch);
/* Keys on the full-screen help. */
void app_help_key(struct app *a, int pg_action);
/* Whether keys go to the pager now. */
bool app_paging(const struct app *a);

struct key_help {
	const char *keys;
	const char *what;
};
extern const struct key_help keymap_help[];

#endif
