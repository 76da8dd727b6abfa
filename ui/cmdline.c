/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "cmdline.h"
#include "keys.h"
#include "preset.h"
#include "report.h"

#define PROMPT "> "
#define QUEUE 64

static struct {
	struct app *app;
	WINDOW *win;
	const struct style *st;
	struct layout *L;
	unsigned char queue[QUEUE];
	int head, tail;
	bool active;
	bool held;      /* a paste is being fed: draw once at its end */
	FILE *devnull;
} cl;

/* ---- bytes in ---- */

static int queued(void)
{
	return (cl.tail - cl.head + QUEUE) % QUEUE;
}

static void push(unsigned char c)
{
	if (queued() == QUEUE - 1)
		return;
	cl.queue[cl.tail] = c;
	cl.tail = (cl.tail + 1) % QUEUE;
}

static int rl_getc_fed(FILE *f)
{
	(void)f;
	if (!queued())
		return EOF;
	unsigned char c = cl.queue[cl.head];
	cl.head = (cl.head + 1) % QUEUE;
	return c;
}

static int rl_have_input(void)
{
	return queued() > 0;
}

/* ---- drawing ---- */

static int point_column(void)
{
	char saved = rl_line_buffer[rl_point];
	rl_line_buffer[rl_point] = '\0';
	int col = text_cols(rl_line_buffer);
	rl_line_buffer[rl_point] = saved;
	return col;
}

void cmdline_hold(bool hold)
{
	cl.held = hold;
	if (!hold)
		cmdline_redisplay();
}

void cmdline_redisplay(void)
{
	if (!cl.active || cl.held || cl.L->too_small)
		return;
	render_cmdline(cl.win, cl.st, cl.L, rl_display_prompt ? rl_display_prompt : PROMPT,
		       rl_line_buffer ? rl_line_buffer : "", point_column());
	wrefresh(cl.win);
}

static void rl_redisplay_ours(void)
{
	cmdline_redisplay();
}

/* ---- a finished line ---- */

static void on_line(char *line)
{
	cl.active = false;
	rl_callback_handler_remove();
	cl.app->mode = MODE_SLIDERS;
	if (!line)
		return;   /* Ctrl-D on an empty line */
	if (*line) {
		add_history(line);
		app_run_command(cl.app, line);
	}
	free(line);
}

/* ---- completion ---- */

static const char *const sections[] = { "summary", "memory", "time", "comm", "params", "diag", "all",
					"hardware", "model", "workload", "strategy", "prefill", "disagg", "requirements",
					"claims", "keys", NULL };

/* Candidates for the generator, gathered once per completion. */
static char *cands[1024];
static int n_cands;

static void add_cand(const char *s)
{
	if (n_cands < (int)(sizeof cands / sizeof cands[0]))
		cands[n_cands++] = strdup(s);
}

static void clear_cands(void)
{
	for (int i = 0; i < n_cands; i++)
		free(cands[i]);
	n_cands = 0;
}

static char *gen(const char *text, int state)
{
	static int i;
	size_t len = strlen(text);
	if (!state)
		i = 0;
	while (i < n_cands) {
		const char *c = cands[i++];
		if (strncmp(c, text, len) == 0)
			return strdup(c);
	}
	return NULL;
}

static void preset_cand(void *ctx, int kind, const char *name, const char *path)
{
	(void)ctx;
	(void)kind;
	(void)path;
	add_cand(name);
}

/* The first word of the line and how many words precede the cursor. */
static int words_before(int start, char *first, size_t len)
{
	int n = 0;
	bool in = false;
	first[0] = '\0';
	for (int i = 0; i < start; i++) {
		char c = rl_line_buffer[i];
		bool space = c == ' ' || c == '\t';
		if (!space && !in) {
			if (n == 0) {
				size_t w = strcspn(rl_line_buffer + i, " \t");
				snprintf(first, len, "%.*s", (int)w, rl_line_buffer + i);
			}
			n++;
		}
		in = !space;
	}
	return n;
}

static char **complete(const char *text, int start, int end)
{
	char first[32], second[64] = "";
	int before = words_before(start, first, sizeof first);
	(void)end;

	clear_cands();
	rl_attempted_completion_over = 1;
	if (before >= 2) {
		const char *p = rl_line_buffer + strspn(rl_line_buffer, " \t");
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
		snprintf(second, sizeof second, "%.*s", (int)strcspn(p, " \t"), p);
	}
	if (before == 0) {
		size_t n;
		const struct command_info *c = command_table(&n);
		for (size_t i = 0; i < n; i++)
			add_cand(c[i].name);
	} else if (strcmp(first, "set") == 0 || strcmp(first, "get") == 0 || strcmp(first, "help") == 0) {
		const struct key *k = before == 2 && strcmp(first, "set") == 0 ? key_find(second) : NULL;
		if (k && k->type == KT_ENUM) {
			for (const char *const *c = k->choices; *c; c++)
				add_cand(*c);
		} else if (k && k->type == KT_BOOL) {
			add_cand("true");
			add_cand("false");
		} else if (k) {
			if (k->flags & KF_AUTO)
				add_cand("auto");
			if (k->flags & KF_OPTIONAL)
				add_cand("none");
		} else if (before == 1) {
			for (size_t i = 0; i < key_count; i++) {
				add_cand(key_table[i].name);
				if (key_table[i].alias)
					add_cand(key_table[i].alias);
			}
			if (strcmp(first, "get") == 0 || strcmp(first, "help") == 0)
				for (int i = 7; sections[i]; i++)
					add_cand(sections[i]);
		}
	} else if (strcmp(first, "show") == 0) {
		for (int i = 0; i < 7; i++)
			add_cand(sections[i]);
	} else if (strcmp(first, "load") == 0) {
		preset_list(preset_cand, NULL);
		char **files = rl_completion_matches(text, rl_filename_completion_function);
		for (int i = files ? 1 : 0; files && files[i]; i++)
			add_cand(files[i]);
		if (files) {
			if (!files[1])
				add_cand(files[0]);
			for (int i = 0; files[i]; i++)
				free(files[i]);
			free(files);
		}
	} else if (strcmp(first, "export") == 0 && before == 1) {
		add_cand("vllm");
		add_cand("sglang");
		add_cand("trtllm");
	} else if (strcmp(first, "save") == 0 || strcmp(first, "dag") == 0 || strcmp(first, "import") == 0 ||
		   strcmp(first, "export") == 0 || strcmp(first, "validate") == 0 || strcmp(first, "calibrate") == 0) {
		rl_attempted_completion_over = 0;   /* plain file names */
		return NULL;
	}
	return rl_completion_matches(text, gen);
}

/* Matches go to the lower pane, never to the terminal. */
static void show_matches(char **matches, int num, int max_len)
{
	struct sink_buffer *b = &cl.app->captured;
	(void)max_len;
	b->out_len = 0;
	b->out[0] = '\0';
	for (int i = 1; i <= num; i++)
		sink_printf(&cl.app->ss.sink, "%s\n", matches[i]);
	cl.app->view = VIEW_OUTPUT;
	cl.app->scroll = 0;
}

/* ---- life cycle ---- */

int cmdline_history_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096];

	/* the XDG spec: a relative XDG_STATE_HOME is invalid and ignored */
	if (state && *state == '/')
		snprintf(dir, sizeof dir, "%s/moescope", state);
	else if (home && *home)
		snprintf(dir, sizeof dir, "%s/.local/state/moescope", home);
	else
		return -1;
	/* create the directory and its parents, quietly */
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(buf, len, "%s/history", dir);
	/* an existing history that is not a regular file (a FIFO would block
	 * the explorer before it draws) is left alone: no history this time */
	struct stat st;
	if (stat(buf, &st) == 0 && !S_ISREG(st.st_mode))
		return -1;
	return 0;
}

void cmdline_init(struct app *a, WINDOW *w, const struct style *st, struct layout *L)
{
	char path[4200];

	memset(&cl, 0, sizeof cl);
	cl.app = a;
	cl.win = w;
	cl.st = st;
	cl.L = L;
	cl.devnull = fopen("/dev/null", "w");

	/* readline must neither touch the terminal nor export LINES/COLUMNS */
	rl_readline_name = "moescope";
	rl_change_environment = 0;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = rl_getc_fed;
	rl_input_available_hook = rl_have_input;
	rl_redisplay_function = rl_redisplay_ours;
	rl_outstream = cl.devnull ? cl.devnull : stdout;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("show-all-if-ambiguous", "on");
	using_history();
	stifle_history(1000);
	if (cmdline_history_path(path, sizeof path) == 0)
		read_history(path);
}

void cmdline_begin(const char *prefill)
{
	cl.head = cl.tail = 0;
	cl.active = true;
	rl_callback_handler_install(PROMPT, on_line);
	if (prefill && *prefill)
		rl_insert_text(prefill);
	cmdline_redisplay();
}

static void feed_bytes(const char *bytes)
{
	for (const char *p = bytes; *p; p++)
		push((unsigned char)*p);
	while (cl.active && queued())
		rl_callback_read_char();
}

void cmdline_feed(int key)
{
	/* keypad() turned these into KEY_* codes: give readline its bytes back */
	static const struct {
		int key;
		const char *seq;
	} keys[] = {
		{ KEY_LEFT, "\033[D" }, { KEY_RIGHT, "\033[C" }, { KEY_UP, "\033[A" },
		{ KEY_DOWN, "\033[B" }, { KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
		{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" }, { KEY_ENTER, "\r" },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (keys[i].key == key) {
			feed_bytes(keys[i].seq);
			return;
		}
	}
	if (key < 0 || key > 255)
		return;   /* other function keys mean nothing here */
	char b[2] = { (char)key, 0 };
	if (key == 0)
		return;
	feed_bytes(b);
}

void cmdline_cancel(void)
{
	if (!cl.active)
		return;
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	rl_callback_handler_remove();
	cl.active = false;
	cl.app->mode = MODE_SLIDERS;
}

void cmdline_end(void)
{
	char path[4200];

	cmdline_cancel();
	if (cmdline_history_path(path, sizeof path) == 0)
		write_history(path);
	clear_cands();
	clear_history();
	if (cl.devnull)
		fclose(cl.devnull);
	cl.devnull = NULL;
}
