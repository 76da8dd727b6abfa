/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "style.h"

static const struct glyphs utf8_glyphs = {
	.left = "\u25c0", .right = "\u25b6", .knob = "\u25cf", .done = "\u2501", .todo = "\u2500",
	.weights = "\u2588", .kv = "\u2593", .act = "\u2592", .reserved = "\u2591", .free_ = " ",
	.bar_open = "\u2595", .bar_close = "\u258f",
	.ok = "\u2713", .bad = "\u2717", .warn = "!", .info = "\u00b7", .arrow = "\u2192",
	.times = "\u00d7", .dot = "\u00b7", .le = "\u2264", .ge = "\u2265",
	.updown = "\u2191\u2193", .leftright = "\u2190\u2192",
};

static const struct glyphs ascii_glyphs = {
	.left = "<", .right = ">", .knob = "O", .done = "=", .todo = "-",
	.weights = "#", .kv = "=", .act = "+", .reserved = ":", .free_ = " ",
	.bar_open = "[", .bar_close = "]",
	.ok = "ok", .bad = "X", .warn = "!", .info = "-", .arrow = "->",
	.times = "x", .dot = "-", .le = "<=", .ge = ">=",
	.updown = "Up/Dn", .leftright = "<-/->",
};

enum { PAIR_RED = 1, PAIR_GREEN, PAIR_YELLOW, PAIR_CYAN, PAIR_BLUE, PAIR_MAGENTA, PAIR_GREY };

void style_init(struct style *st)
{
	const char *no_color = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);

	st->utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	st->g = st->utf8 ? &utf8_glyphs : &ascii_glyphs;
	st->color = has_colors() && !(no_color && *no_color);
	if (!st->color)
		return;
	start_color();
	use_default_colors();   /* keep the terminal's own background */
	init_pair(PAIR_RED, COLOR_RED, -1);
	init_pair(PAIR_GREEN, COLOR_GREEN, -1);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, -1);
	init_pair(PAIR_CYAN, COLOR_CYAN, -1);
	init_pair(PAIR_BLUE, COLOR_BLUE, -1);
	init_pair(PAIR_MAGENTA, COLOR_MAGENTA, -1);
	init_pair(PAIR_GREY, COLOR_WHITE, -1);
}

attr_t style_attr(const struct style *st, int role)
{
	if (!st->color) {
		/* monochrome: bold and reverse carry the meaning */
		switch (role) {
		case ROLE_TITLE: case ROLE_ERROR: case ROLE_WARN: case ROLE_KNOB: return A_BOLD;
		case ROLE_SELECTED: return A_REVERSE;
		case ROLE_DIM: return A_DIM;
		default: return A_NORMAL;
		}
	}
	switch (role) {
	case ROLE_TITLE: return A_BOLD;
	case ROLE_SELECTED: return A_REVERSE | A_BOLD;
	case ROLE_ERROR: return COLOR_PAIR(PAIR_RED) | A_BOLD;
	case ROLE_WARN: return COLOR_PAIR(PAIR_YELLOW);
	case ROLE_OK: return COLOR_PAIR(PAIR_GREEN);
	case ROLE_DIM: return A_DIM;
	case ROLE_WEIGHTS: return COLOR_PAIR(PAIR_BLUE);
	case ROLE_KV: return COLOR_PAIR(PAIR_MAGENTA);
	case ROLE_ACT: return COLOR_PAIR(PAIR_YELLOW);
	case ROLE_RESERVED: return COLOR_PAIR(PAIR_GREY);
	case ROLE_KNOB: return COLOR_PAIR(PAIR_CYAN) | A_BOLD;
	default: return A_NORMAL;
	}
}

/* Bytes of s that fit in max_cols columns; *cols gets their width. */
static size_t fit(const char *s, int max_cols, int *cols)
{
	mbstate_t ps;
	size_t off = 0, len = strlen(s);
	int used = 0;

	memset(&ps, 0, sizeof ps);
	while (off < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + off, len - off, &ps);
		int w = 1;
		if (n == (size_t)-1 || n == (size_t)-2) {
			n = 1;   /* a stray byte counts as one column */
			memset(&ps, 0, sizeof ps);
		} else {
			if (n == 0)
				break;
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		if (used + w > max_cols)
			break;
		used += w;
		off += n;
	}
	if (cols)
		*cols = used;
	return off;
}

int text_cols(const char *s)
{
	int cols;
	fit(s, 1 << 30, &cols);
	return cols;
}

void put_text(WINDOW *w, int y, int x, int max_cols, attr_t attr, const char *s)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	if (y < 0 || y >= rows || x < 0 || x >= cols || max_cols <= 0)
		return;
	if (max_cols > cols - x)
		max_cols = cols - x;
	size_t n = fit(s, max_cols, NULL);
	if (n == 0)
		return;
	wattr_on(w, attr, NULL);
	mvwaddnstr(w, y, x, s, (int)n);
	wattr_off(w, attr, NULL);
}

void put_fmt(WINDOW *w, int y, int x, int max_cols, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put_text(w, y, x, max_cols, attr, buf);
}

void put_repeat(WINDOW *w, int y, int x, int n, attr_t attr, const char *glyph)
{
	for (int i = 0; i < n; i++)
		put_text(w, y, x + i, 1, attr, glyph);
}

const char *skip_cols(const char *s, int cols)
{
	if (cols <= 0)
		return s;
	return s + fit(s, cols, NULL);
}
