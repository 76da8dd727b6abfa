/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Colours, attributes and glyphs: one place that knows whether the terminal
 * has colour (and whether NO_COLOR asks for none) and speaks UTF-8. */
#ifndef MOESCOPE_STYLE_H
#define MOESCOPE_STYLE_H

#include <stdbool.h>
#include <curses.h>

enum role {
	ROLE_NORMAL, ROLE_TITLE, ROLE_SELECTED, ROLE_ERROR, ROLE_WARN, ROLE_OK, ROLE_DIM,
	ROLE_WEIGHTS, ROLE_KV, ROLE_ACT, ROLE_RESERVED, ROLE_KNOB, ROLE_COUNT
};

struct glyphs {
	const char *left, *right, *knob, *done, *todo;         /* slider */
	const char *weights, *kv, *act, *reserved, *free_;     /* memory bar */
	const char *bar_open, *bar_close;
	const char *ok, *bad, *warn, *info, *arrow, *times, *dot, *le, *ge;
	const char *updown, *leftright;
};

struct style {
	bool color;
	bool utf8;
	const struct glyphs *g;
};

/* After initscr/newterm: colour pairs unless NO_COLOR or a mono terminal. */
void style_init(struct style *st);
attr_t style_attr(const struct style *st, int role);

/* Display columns of a UTF-8 string (wcwidth), and drawing that never
 * goes past max_cols. */
int text_cols(const char *s);
void put_text(WINDOW *w, int y, int x, int max_cols, attr_t attr, const char *s);
__attribute__((format(printf, 6, 7)))
void put_fmt(WINDOW *w, int y, int x, int max_cols, attr_t attr, const char *fmt, ...);
/* s without its first cols columns. */
const char *skip_cols(const char *s, int cols);
/* A horizontal run of one glyph. */
void put_repeat(WINDOW *w, int y, int x, int n, attr_t attr, const char *glyph);

#endif
