/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main loop: keys and mouse in, actions applied, screen redrawn. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#include "app.h"
#include "cmdline.h"
#include "render.h"
#include "sliders.h"
#include "style.h"
#include "tui.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

/* A search, frontier or recommend over thousands of GPUs takes seconds:
 * after a quarter of a second the last line says it runs and how to stop
 * it, and Esc or Ctrl-C (or a signal that ends the program) stops it.
 * Asked every 1,024 strategies; looks at the keyboard every 50 ms. */
struct busy {
	double start, next;
	const struct search_stop *st;   /* the run's total */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool busy_poll(void *ctx, long visited)
{
	struct busy *b = ctx;
	double t = now_s();
	if (visited <= 1024) {   /* the first question of a run */
		b->start = t;
		b->next = t + 0.25;
	}
	if (stop_signal)
		return true;
	if (t < b->next)
		return false;
	b->next = t + 0.05;
	char where[160], msg[224];
	search_progress_text(b->st, visited, t - b->start, where, sizeof where);
	snprintf(msg, sizeof msg, "working: %s; Esc or Ctrl-C stops", where);
	/* on the status line, inside the frame */
	if (LINES >= 3 && COLS >= 5) {
		mvwhline(stdscr, LINES - 2, 2, ' ', COLS - 4);
		mvwaddnstr(stdscr, LINES - 2, 2, msg, COLS - 4);
	}
	nodelay(stdscr, TRUE);
	int ch = wgetch(stdscr);   /* refreshes the line above too */
	wtimeout(stdscr, 250);
	if (ch == 27 || ch == 3)
		return true;
	if (ch != ERR)
		ungetch(ch);   /* typed ahead: the loop reads it after the run */
	return false;
}

/* Click or drag on a slider: select it and move it to the pointer. */
static void mouse(struct app *a, const struct layout *L)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || L->too_small)
		return;
	/* the wheel scrolls what is shown: the help, or the lower pane */
	mmask_t up = BUTTON4_PRESSED, down = 0;
#ifdef BUTTON5_PRESSED
	down = BUTTON5_PRESSED;
#endif
	if (ev.bstate & (up | down)) {
		int pg = (ev.bstate & up) ? PG_WHEEL_UP : PG_WHEEL_DOWN;
		if (a->mode == MODE_HELP)
			app_help_key(a, pg);
		else if (a->mode == MODE_SLIDERS)
			app_pager_key(a, pg);
		return;
	}
	if (a->mode != MODE_SLIDERS || app_paging(a))
		return;
	int i = ev.y - 1;
	if (i < 0 || i >= L->slider_rows || ev.x > L->left_w)
		return;
	a->selected = i;
	int track0 = L->slider_x + 1, span = L->slider_w - 3;
	if (ev.x < track0 - 1 || span <= 0)
		return;
	double frac = (double)(ev.x - track0) / span;
	frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
	long v;
	if (slider_at(&a->ss.scn, slider_get(i), frac, &v) && v != slider_value(&a->ss.scn, slider_get(i)))
		app_set_slider(a, i, v);
}

/* Bracketed paste (xterm, tmux, most terminals): a paste comes between
 * ESC [200~ and ESC [201~, which curses hands over as these two keys. */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)

static void bracketed_paste(bool on)
{
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

/* Keys already waiting behind this one (typed ahead, or a paste the
 * terminal does not bracket) are fed to the command line together and
 * drawn once; once a newline has run the line, the rest are keys again. */
static void feed_burst(struct app *a, int ch)
{
	cmdline_hold(true);
	cmdline_feed(ch == '\r' || ch == '\n' ? '\r' : ch);
	wtimeout(stdscr, 0);
	for (int more; a->mode == MODE_COMMAND && (more = wgetch(stdscr)) != ERR;) {
		if (more == KEY_RESIZE || more == KEY_MOUSE || more == KEY_PASTE_BEGIN || more == 27 || more == 26) {
			ungetch(more);
			break;
		}
		cmdline_feed(more == '\r' || more == '\n' ? '\r' : more);
	}
	wtimeout(stdscr, 250);
	cmdline_hold(false);
}

/* A bracketed paste is text for the command line, whatever the mode: each
 * line of it is run as a command, never read as keys. */
static void paste(struct app *a)
{
	cmdline_hold(true);
	wtimeout(stdscr, 1000);
	for (int ch; (ch = wgetch(stdscr)) != ERR && ch != KEY_PASTE_END;) {
		if (ch == KEY_RESIZE || ch == KEY_MOUSE)
			continue;
		if (a->mode != MODE_COMMAND) {
			if (ch == '\r' || ch == '\n')
				continue;   /* a blank line runs nothing */
			a->mode = MODE_COMMAND;
			cmdline_begin("");
		}
		cmdline_feed(ch == '\r' || ch == '\n' ? '\r' : ch);
	}
	wtimeout(stdscr, 250);
	cmdline_hold(false);
}

/* Ctrl-Z: give the terminal back, stop, and take it again on resume. */
static void suspend(void)
{
	def_prog_mode();
	bracketed_paste(false);
	endwin();
	raise(SIGTSTP);
	reset_prog_mode();
	bracketed_paste(true);
	clearok(curscr, TRUE);
}

static void setup_terminal(void)
{
	raw();                  /* Ctrl-C and Ctrl-Z arrive as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mmask_t wheel = BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	wheel |= BUTTON5_PRESSED;
#endif
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | REPORT_MOUSE_POSITION | wheel, NULL);
	mouseinterval(0);
	wtimeout(stdscr, 250);  /* wake up now and then to notice signals */
}

int tui_main(const struct scenario *initial)
{
	static struct app a;
	struct style st;
	struct layout L;
	bool dirty = true;

	/* text and wide characters follow the user's locale; numbers never do:
	 * "0.5" must read, print and save alike everywhere (a decimal comma
	 * would write files that moescope itself then refuses) */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	install_signals();
	if (!initscr())
		return 2;
	setup_terminal();
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	bracketed_paste(true);
	style_init(&st);

	app_init(&a);
	static struct busy busy;
	a.ss.stop.fn = busy_poll;
	a.ss.stop.ctx = &busy;
	busy.st = &a.ss.stop;
	a.ss.scn = *initial;
	app_recompute(&a);
	layout_compute(LINES, COLS, &L);
	cmdline_init(&a, stdscr, &st, &L);

	while (!a.quit && !stop_signal) {
		if (dirty) {
			render(stdscr, &a, &st, &L);
			curs_set(a.mode == MODE_COMMAND && !L.too_small ? 1 : 0);
			wnoutrefresh(stdscr);
			doupdate();
			if (a.mode == MODE_COMMAND)
				cmdline_redisplay();
			dirty = false;
		}
		int ch = wgetch(stdscr);
		if (ch == ERR)
			continue;
		dirty = true;
		if (ch == KEY_RESIZE) {
			/* repaint every cell: after a burst of resizes what the
			 * terminal shows need not be what curses last drew */
			clearok(curscr, TRUE);
			continue;
		}
		if (ch == KEY_MOUSE) {
			mouse(&a, &L);
			continue;
		}
		if (ch == KEY_PASTE_BEGIN) {
			if (a.mode == MODE_SLIDERS || a.mode == MODE_COMMAND)
				paste(&a);
			continue;
		}
		if (ch == KEY_PASTE_END)
			continue;
		if (a.mode == MODE_HELP) {
			app_help_key(&a, pager_action(ch));
			continue;
		}
		if (a.mode == MODE_FIXES) {
			app_fixes_key(&a, keymap_action(ch));
			continue;
		}
		if (a.mode == MODE_CONFIRM) {
			app_confirm_key(&a, ch == 'y' || ch == 'Y');
			continue;
		}
		if (a.mode == MODE_CHART || a.mode == MODE_PICK || a.mode == MODE_FRONTIER || a.mode == MODE_COMPARE) {
			app_overlay_key(&a, keymap_action(ch));
			continue;
		}
		if (a.mode == MODE_COMMAND) {
			if (ch == 27 || ch == 3 || ch == 7)   /* Esc, Ctrl-C, Ctrl-G */
				cmdline_cancel();
			else if (ch == 26)
				suspend();
			else if (ch == KEY_PPAGE || ch == KEY_NPAGE)
				app_apply(&a, ch == KEY_PPAGE ? ACT_PAGE_UP : ACT_PAGE_DOWN);
			else if (ch != KEY_MOUSE && ch != KEY_RESIZE)
				feed_burst(&a, ch);
			continue;
		}
		if (ch == 26) {
			suspend();
			continue;
		}
		if (app_paging(&a)) {
			/* output is shown: keys page through it, none reaches a slider */
			if (a.finding) {
				app_find_key(&a, ch);
				continue;
			}
			int pg = pager_action(ch);
			if (pg == PG_REDRAW)
				clearok(curscr, TRUE);
			app_pager_key(&a, pg);
			if (a.mode == MODE_COMMAND)
				cmdline_begin(a.prefill);
			continue;
		}
		int action = keymap_action(ch);
		app_apply(&a, action);
		if (action == ACT_REDRAW)
			clearok(curscr, TRUE);
		if (a.mode == MODE_COMMAND)
			cmdline_begin(a.prefill);
	}

	cmdline_end();
	bracketed_paste(false);
	endwin();
	app_free(&a);
	/* stopped by a signal: the terminal is restored, the status says why */
	return stop_signal ? 128 + stop_signal : 0;
}
