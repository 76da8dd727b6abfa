/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rendering into a virtual terminal (newterm on /dev/null at a fixed size),
 * read back and compared with golden screens in tests/golden/. */
#include "helpers.h"
#include "frontier.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "render.h"
#include "style.h"

struct vt {
	SCREEN *scr;
	FILE *out, *in;
};

static void vt_open(struct vt *v, int cols, int rows)
{
	char buf[16];
	/* the C locale: ASCII glyphs, so the golden files are plain text */
	setlocale(LC_ALL, "C");
	snprintf(buf, sizeof buf, "%d", cols);
	setenv("COLUMNS", buf, 1);
	snprintf(buf, sizeof buf, "%d", rows);
	setenv("LINES", buf, 1);
	setenv("NO_COLOR", "1", 1);
	use_env(TRUE);
	v->out = fopen("/dev/null", "w");
	v->in = fopen("/dev/null", "r");
	cr_assert(v->out && v->in);
	v->scr = newterm("xterm", v->out, v->in);
	cr_assert_not_null(v->scr, "newterm failed: is the xterm terminfo entry installed?");
	set_term(v->scr);
}

static void vt_close(struct vt *v)
{
	endwin();
	delscreen(v->scr);
	fclose(v->out);
	fclose(v->in);
}

/* Line drawing read back as + - | so golden files read like screens. */
static char plain(chtype c)
{
	char ch = (char)(c & A_CHARTEXT);
	if (!(c & A_ALTCHARSET))
		return ch;
	return ch == 'q' ? '-' : ch == 'x' ? '|' : '+';
}

/* The window as text, trailing blanks dropped. */
static char *screen_text(WINDOW *w)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	char *text = calloc((size_t)rows * (size_t)(cols + 1) + 1, 1), *p = text;
	chtype line[1024];
	for (int y = 0; y < rows; y++) {
		int n = mvwinchnstr(w, y, 0, line, cols < 1023 ? cols : 1023);
		while (n > 0 && plain(line[n - 1]) == ' ')
			n--;
		for (int x = 0; x < n; x++)
			*p++ = plain(line[x]);
		*p++ = '\n';
	}
	return text;
}

static char *draw(struct app *a, int cols, int rows)
{
	struct vt v;
	struct style st;
	struct layout L;
	vt_open(&v, cols, rows);
	style_init(&st);
	render(stdscr, a, &st, &L);
	char *text = screen_text(stdscr);
	vt_close(&v);
	return text;
}

/* The source tree: from make check's environment, else the configured one. */
static const char *srcdir(void)
{
	const char *env = getenv("abs_top_srcdir");
	return env && *env ? env : MOESCOPE_SRCDIR;
}

static char *read_golden(const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/golden/%s", srcdir(), name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: missing (MOESCOPE_UPDATE_GOLDEN=1 writes it)", path);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Compare with the golden file; MOESCOPE_UPDATE_GOLDEN=1 rewrites it. */
static void expect_golden(const char *text, const char *name)
{
	if (getenv("MOESCOPE_UPDATE_GOLDEN")) {
		char path[1024];
		snprintf(path, sizeof path, "%s/tests/golden/%s", srcdir(), name);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(text, f);
		fclose(f);
	}
	cr_expect_str_eq(text, read_golden(name), "screen differs from tests/golden/%s:\n%s", name, text);
}

Test(render, default_80x24)
{
	static struct app a;
	app_init(&a);
	char *text = draw(&a, 80, 24);
	expect_golden(text, "default-80x24.txt");
	free(text);
	app_free(&a);
}

Test(render, invalid_strategy_80x24)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "set dp 2");
	char *text = draw(&a, 80, 24);
	expect_golden(text, "fold-error-80x24.txt");
	free(text);
	app_free(&a);
}

Test(render, tall_terminal_shows_every_slider)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "load deepseek-v3; set pp 4; set dp 2; set ep 2; set hardware.mem_gib 400");
	app_pager_key(&a, PG_CLOSE);   /* the load's notes: back to the diagnostics */
	char *text = draw(&a, 120, 40);
	expect_golden(text, "pipeline-120x40.txt");
	cr_expect_eq(a.visible_sliders, 8);
	free(text);
	app_free(&a);
}

/* A wide screen's side pane adds a closed loop's p50 and p99 when there
 * is an engine to spread its waves, and leaves them out without one. */
Test(render, side_pane_spread_of_a_closed_loop)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "set workload.mode serving");
	char *text = draw(&a, 200, 60);
	cr_expect(strstr(text, "TTFT p50") == NULL);
	free(text);
	app_run_command(&a, "set workload.engine sglang");
	text = draw(&a, 200, 60);
	cr_expect(strstr(text, "TTFT p50") != NULL, "%s", text);
	cr_expect(strstr(text, "TPOT p50") != NULL);
	free(text);
	app_free(&a);
}

Test(render, smallest_full_layout_60x16)
{
	static struct app a;
	app_init(&a);
	char *text = draw(&a, 60, 16);
	expect_golden(text, "default-60x16.txt");
	free(text);
	app_free(&a);
}

Test(render, too_small_never_crashes)
{
	static const int sizes[][2] = { { 59, 16 }, { 60, 15 }, { 40, 10 }, { 10, 4 }, { 1, 1 }, { 2, 1 } };
	static struct app a;
	app_init(&a);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *text = draw(&a, sizes[i][0], sizes[i][1]);
		if (sizes[i][0] >= 40)
			cr_expect(strstr(text, "terminal too small") != NULL, "%dx%d:\n%s", sizes[i][0],
				  sizes[i][1], text);
		free(text);
	}
	app_free(&a);
}

Test(render, output_pane_and_help)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "show memory");
	char *text = draw(&a, 80, 24);
	cr_expect(strstr(text, "output (j k PgUp PgDn / search, q Esc: back)") != NULL, "%s", text);
	cr_expect(strstr(text, "stage experts   GPUs  weights") != NULL, "%s", text);
	cr_expect(strstr(text, "j k scroll  PgUp PgDn page  / search") != NULL, "%s", text);
	free(text);
	/* the help fills the screen, its lines whole at 80 columns */
	app_apply(&a, ACT_HELP);
	text = draw(&a, 80, 24);
	expect_golden(text, "help-80x24.txt");
	cr_expect(strstr(text, "Ctrl-R") != NULL, "%s", text);
	free(text);
	/* its end, scrolled to */
	app_help_key(&a, PG_BOTTOM);
	text = draw(&a, 80, 24);
	cr_expect(strstr(text, "stop reading commands") != NULL, "%s", text);
	free(text);
	app_free(&a);
}

Test(render, wide_glyphs_in_a_utf8_locale)
{
	static struct app a;
	struct vt v;
	struct style st;
	struct layout L;
	app_init(&a);
	if (!setlocale(LC_ALL, "C.UTF-8"))
		cr_skip_test("no C.UTF-8 locale");
	setenv("COLUMNS", "80", 1);
	setenv("LINES", "24", 1);
	use_env(TRUE);
	v.out = fopen("/dev/null", "w");
	v.in = fopen("/dev/null", "r");
	v.scr = newterm("xterm", v.out, v.in);
	cr_assert_not_null(v.scr);
	set_term(v.scr);
	style_init(&st);
	cr_expect(st.utf8);
	render(stdscr, &a, &st, &L);
	wchar_t row[128];
	mvwinnwstr(stdscr, 1, 0, row, 80);
	cr_expect(wcschr(row, L'\u25cf') != NULL, "the slider knob is drawn");
	vt_close(&v);
	app_free(&a);
}

Test(render, frontier_chart_80x24_and_60x16)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "set requirements.tokens_per_ms_per_gpu none; set hardware.usd_per_gpu_hour 2; "
			    "frontier max-gpus 8 batch 1..256");
	cr_assert_eq(a.mode, MODE_FRONTIER);
	char *text = draw(&a, 80, 24);
	expect_golden(text, "frontier-80x24.txt");
	free(text);
	/* the smallest full layout still draws it, and never past its edges */
	text = draw(&a, 60, 16);
	cr_expect(strstr(text, "frontier: output tok/s per GPU") != NULL, "%s", text);
	free(text);
	app_free(&a);
}

/* A point past the engine's CUDA graphs is marked in the chart and said
 * when it is picked: Llama-3.1-8B on one H200 under TensorRT-LLM (128). */
Test(render, frontier_marks_points_past_the_cuda_graphs)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "load h200 llama-3.1-8b; set workload.engine trtllm; set seq 1024; set out 1024; "
			    "set requirements.tokens_per_ms_per_gpu none; set requirements.ttft_s 5; "
			    "frontier max-gpus 2 batch 1..1024");
	cr_assert_eq(a.mode, MODE_FRONTIER);
	a.front_pick = 0;   /* the least interactive: TP1 at 384 */
	char *text = draw(&a, 200, 40);
	cr_expect(strstr(text, "TP1~@384") != NULL, "%s", text);
	cr_expect(strstr(text, "TP1~ DP1_TP1_PP1_EP1_ETP1  batch 384") != NULL, "%s", text);
	cr_expect(strstr(text, "~ decode past the CUDA graphs (128)") != NULL, "%s", text);
	free(text);
	/* the most interactive is not */
	a.front_pick = a.ss.last_frontier->n - 1;
	text = draw(&a, 200, 40);
	cr_expect(strstr(text, "~ decode past") == NULL, "%s", text);
	free(text);
	app_free(&a);
}

/* compare opens its chart: each GPU's front in its digit, a legend. */
Test(render, compare_chart_80x24)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "load deepseek-r1; set workload.engine sglang; set requirements.tokens_per_ms_per_gpu none; "
			    "set requirements.tokens_per_s_per_user 20; compare h200 b200 max-gpus 16");
	cr_assert_eq(a.mode, MODE_COMPARE);
	char *text = draw(&a, 80, 24);
	cr_expect(strstr(text, "compare: output tok/s per GPU against tok/s per user") != NULL, "%s", text);
	/* the legend holds each best figure (compare's 585 and 1531), and the
	 * requirement of 20 tok/s per user is a dotted column */
	cr_expect(strstr(text, "1 h200 585  2 b200 1531  (best tok/s/GPU)") != NULL, "%s", text);
	int colons = 0;
	for (const char *p = text; *p; p++)
		colons += *p == ':';
	cr_expect(colons >= 10, "%d colons: %s", colons, text);
	free(text);
	app_overlay_key(&a, ACT_ESCAPE);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	app_free(&a);
}
