/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pager over the lower pane's output and over the help: scrolling by
 * line, page and end, searching with / n N, closing with q or Esc.  While
 * it is open no key reaches the sliders. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app.h"

bool app_paging(const struct app *a)
{
	return a->mode == MODE_SLIDERS && a->view == VIEW_OUTPUT;
}

static void say(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->status, sizeof a->status, fmt, ap);
	va_end(ap);
	a->status_error = error;
}

/* Case-insensitive: does line [p, p+len) hold the search text? */
static bool line_has(const char *p, size_t len, const char *what)
{
	size_t n = strlen(what);
	for (size_t i = 0; n && i + n <= len; i++)
		if (strncasecmp(p + i, what, n) == 0)
			return true;
	return false;
}

/* The next output line holding the search text after line `from` (dir 1)
 * or before it (dir -1), going round the end; -1 if none. */
static int find_line(const struct app *a, int from, int dir)
{
	const char *text = a->captured.out;
	int n = 0;
	for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0))
		n++;
	if (n == 0 || !a->find[0])
		return -1;
	for (int step = 1; step <= n; step++) {
		int want = ((from + dir * step) % n + n) % n;
		const char *p = text;
		for (int i = 0; i < want; i++)
			p += strcspn(p, "\n") + 1;
		if (line_has(p, strcspn(p, "\n"), a->find))
			return want;
	}
	return -1;
}

static void find_next(struct app *a, int dir)
{
	if (!a->find[0]) {
		say(a, false, "/ to search the output");
		return;
	}
	int at = find_line(a, a->top_line, dir);
	if (at < 0) {
		say(a, true, "not found: %s", a->find);
		return;
	}
	a->goto_line = at;
	say(a, false, "/%s  (n: next, N: previous)", a->find);
}

static void scroll_by(int *scroll, int by)
{
	*scroll += by;
	if (*scroll < 0)
		*scroll = 0;   /* the renderer clamps the other end */
}

void app_pager_key(struct app *a, int pg)
{
	int page = a->page_rows > 1 ? a->page_rows - 1 : 1;
	switch (pg) {
	case PG_LINE_UP: scroll_by(&a->scroll, -1); break;
	case PG_LINE_DOWN: scroll_by(&a->scroll, 1); break;
	case PG_WHEEL_UP: scroll_by(&a->scroll, -3); break;
	case PG_WHEEL_DOWN: scroll_by(&a->scroll, 3); break;
	case PG_PAGE_UP: scroll_by(&a->scroll, -page); break;
	case PG_PAGE_DOWN: scroll_by(&a->scroll, page); break;
	case PG_TOP: a->scroll = 0; break;
	case PG_BOTTOM: a->scroll = 1 << 30; break;
	case PG_FIND:
		a->finding = true;
		a->find[0] = '\0';
		say(a, false, "/");
		break;
	case PG_NEXT: find_next(a, 1); break;
	case PG_PREV: find_next(a, -1); break;
	case PG_CLOSE:
		a->view = VIEW_DIAG;
		a->scroll = 0;
		a->status[0] = '\0';
		break;
	case PG_COMMAND:
		a->mode = MODE_COMMAND;
		a->prefill[0] = '\0';
		break;
	case PG_HELP:
		a->mode = MODE_HELP;
		a->help_scroll = 0;
		break;
	case PG_QUIT: a->quit = true; break;
	default: break;
	}
}

void app_find_key(struct app *a, int ch)
{
	size_t n = strlen(a->find);
	if (ch == 27 || ch == 3 || ch == 7) {   /* Esc, Ctrl-C, Ctrl-G */
		a->finding = false;
		a->find[0] = '\0';
		a->status[0] = '\0';
		return;
	}
	if (ch == '\r' || ch == '\n') {
		a->finding = false;
		find_next(a, 1);
		return;
	}
	if ((ch == 127 || ch == 8) && n > 0)
		a->find[n - 1] = '\0';
	else if (ch >= 32 && ch < 127 && n + 1 < sizeof a->find) {
		a->find[n] = (char)ch;
		a->find[n + 1] = '\0';
	}
	say(a, false, "/%s", a->find);
}

void app_help_key(struct app *a, int pg)
{
	int page = a->page_rows > 1 ? a->page_rows - 1 : 1;
	switch (pg) {
	case PG_LINE_UP: scroll_by(&a->help_scroll, -1); break;
	case PG_LINE_DOWN: scroll_by(&a->help_scroll, 1); break;
	case PG_WHEEL_UP: scroll_by(&a->help_scroll, -3); break;
	case PG_WHEEL_DOWN: scroll_by(&a->help_scroll, 3); break;
	case PG_PAGE_UP: scroll_by(&a->help_scroll, -page); break;
	case PG_PAGE_DOWN: scroll_by(&a->help_scroll, page); break;
	case PG_TOP: a->help_scroll = 0; break;
	case PG_BOTTOM: a->help_scroll = 1 << 30; break;
	case PG_CLOSE:
	case PG_HELP:
		a->mode = MODE_SLIDERS;
		break;
	case PG_QUIT: a->quit = true; break;
	default: break;
	}
}
