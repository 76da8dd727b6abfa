/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screen, top to bottom: header, sliders beside the figures, memory
 * bars, diagnostics (or a command's output), the command line, key hints. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "figures.h"
#include "keys.h"
#include "search.h"
#include "sweep.h"
#include "numfmt.h"
#include "render.h"
#include "sliders.h"

#define PANE_LINES 4000

void layout_compute(int rows, int cols, struct layout *L)
{
	memset(L, 0, sizeof *L);
	L->rows = rows;
	L->cols = cols;
	if (rows < MIN_ROWS || cols < MIN_COLS) {
		L->too_small = true;
		return;
	}
	L->slider_rows = rows >= 28 ? SLIDER_COUNT : SLIDER_BASIC;
	L->left_w = cols >= 110 ? 44 : cols >= 90 ? 36 : cols >= 76 ? 31 : 25;
	L->slider_x = 1 + 7;                     /* border, label */
	L->slider_w = L->left_w - 7 - 7;         /* minus label and value */
	L->cmd_y = rows - 2;
	/* a wide terminal: the time per phase (and the frontier) beside the lower pane */
	if (cols >= 120) {
		L->side_w = cols >= 180 ? 72 : 44;
		L->side_x = cols - 1 - L->side_w;
	}
}

/* ---- frame ---- */

static void hrule(WINDOW *w, int y, int x, int n)
{
	mvwhline(w, y, x, ACS_HLINE, n);
}

static void frame(WINDOW *w, const struct layout *L, int mem_title, int diag_title)
{
	int r = L->rows, c = L->cols;
	if (L->side_x)
		mvwvline(w, diag_title + 1, L->side_x, ACS_VLINE, r - 3 - diag_title - 1);

	box(w, 0, 0);
	for (int y = 1; y <= L->slider_rows; y++)
		mvwaddch(w, y, L->left_w + 1, ACS_VLINE);
	int seps[] = { mem_title, diag_title, r - 3 };
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		mvwaddch(w, seps[i], 0, ACS_LTEE);
		hrule(w, seps[i], 1, c - 2);
		mvwaddch(w, seps[i], c - 1, ACS_RTEE);
	}
	if (L->side_x) {
		mvwaddch(w, diag_title, L->side_x, ACS_TTEE);
		mvwaddch(w, r - 3, L->side_x, ACS_BTEE);
	}
}

void render_title(WINDOW *w, int y, int x, int max, const struct style *st, const char *text)
{
	char buf[512];
	snprintf(buf, sizeof buf, " %s ", text);
	put_text(w, y, x, max, style_attr(st, ROLE_TITLE), buf);
}

static void header(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct scenario *s = &a->ss.scn;
	char left[256], right[96];

	if (strcmp(s->name, s->model.name) == 0)
		snprintf(left, sizeof left, "moescope %s %s on %s", st->g->todo, s->model.name, s->hw.name);
	else
		snprintf(left, sizeof left, "moescope %s %s: %s on %s", st->g->todo, s->name, s->model.name,
			 s->hw.name);
	snprintf(right, sizeof right, " %s GPU%s %s %s node%s ", NUM(a->r.gpus), a->r.gpus == 1 ? "" : "s", st->g->dot, NUM(a->r.nodes),
		 a->r.nodes == 1 ? "" : "s");
	int rw = text_cols(right);
	render_title(w, 0, 2, L->cols - rw - 6, st, left);
	put_text(w, 0, L->cols - rw - 2, rw, style_attr(st, ROLE_TITLE), right);
}

static void footer(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	char hints[256];
	if (a->mode == MODE_COMMAND)
		snprintf(hints, sizeof hints, "Enter run  Tab complete  %s history  Esc back", st->g->updown);
	else if (a->finding)
		snprintf(hints, sizeof hints, "type the text  Enter find  Esc cancel");
	else if (a->mode == MODE_CONFIRM)
		snprintf(hints, sizeof hints, "y overwrite  any other key keeps the file");
	else if (app_paging(a))
		snprintf(hints, sizeof hints, "%s j k scroll  PgUp PgDn page  / search  n N next  q back  : command",
			 st->g->updown);
	else
		snprintf(hints, sizeof hints, "%s select  %s change  : command  f fix  u undo  p pin  ? help  q quit",
			 st->g->updown, st->g->leftright);
	render_title(w, L->rows - 1, 2, L->cols - 4, st, hints);
}

/* ---- sliders ---- */

static bool strategy_broken(const struct app *a)
{
	return (a->r.errors & (CE_TP_HEADS | CE_EP_EXPERTS | CE_FOLD | CE_PP_LAYERS)) != 0;
}

static void slider_row(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L,
		       int i)
{
	const struct slider *sl = slider_get(i);
	const struct scenario *s = &a->ss.scn;
	const struct glyphs *g = st->g;
	int y = 1 + i, width = L->slider_w;
	bool sel = i == a->selected && a->mode != MODE_COMMAND;
	bool strat = strncmp(sl->key_name, "strategy.", 9) == 0;
	attr_t value_attr = strat && strategy_broken(a) ? style_attr(st, ROLE_ERROR) : A_BOLD;

	put_fmt(w, y, 1, 6, sel ? style_attr(st, ROLE_SELECTED) : A_NORMAL, "%s%-5s", sel ? ">" : " ",
		sl->label);
	int knob = (int)lround(slider_position(s, sl) * (width - 3));
	int x = L->slider_x;
	put_text(w, y, x, 1, style_attr(st, ROLE_DIM), g->left);
	put_repeat(w, y, x + 1, knob, sel ? style_attr(st, ROLE_KNOB) : A_NORMAL, g->done);
	put_text(w, y, x + 1 + knob, 1, style_attr(st, ROLE_KNOB), g->knob);
	put_repeat(w, y, x + 2 + knob, width - 3 - knob, style_attr(st, ROLE_DIM), g->todo);
	put_text(w, y, x + width - 1, 1, style_attr(st, ROLE_DIM), g->right);
	put_fmt(w, y, x + width, L->left_w + 1 - (x + width), value_attr, "%6ld", slider_value(s, sl));
}

/* ---- figures ---- */

static void figure(WINDOW *w, int y, int x, int width, const struct style *st, const char *name,
		   const char *value, const char *req, int verdict)
{
	put_fmt(w, y, x, width, A_NORMAL, "%-11s", name);
	put_text(w, y, x + 11, width - 11, A_BOLD, value);
	if (!req || !*req)
		return;
	int vx = x + 11 + text_cols(value) + 2;
	/* a requirement shown whole or not at all: "<= 10 s" cut to "<= 1"
	 * would say something else; the mark alone still says met or not */
	if (vx + text_cols(req) + 2 > x + width)
		req = "";
	put_text(w, y, vx, x + width - vx, style_attr(st, ROLE_DIM), req);
	int mx = req[0] ? vx + text_cols(req) + 1 : vx;
	if (verdict > 0)
		put_text(w, y, mx, x + width - mx, style_attr(st, ROLE_OK), st->g->ok);
	else if (verdict < 0)
		put_text(w, y, mx, x + width - mx, style_attr(st, ROLE_ERROR), st->g->bad);
}

/* With a baseline pinned: the change at the right end of a figure's row. */
static void delta_of(WINDOW *w, int y, int x_end, const struct app *a, const struct style *st, double now,
		     double base, bool higher_better)
{
	char text[32];
	if (!a->ss.pinned)
		return;
	fmt_delta(now, base, st->utf8, text, sizeof text);
	int role = ROLE_DIM;
	if (isfinite(now) && isfinite(base) && fabs(now - base) > 5e-4 * fabs(base))
		role = (now > base) == higher_better ? ROLE_OK : ROLE_ERROR;
	int cols = text_cols(text);
	wmove(w, y, x_end - cols - 1);
	waddch(w, ' ');
	put_text(w, y, x_end - cols, cols, style_attr(st, role), text);
}

static void delta(WINDOW *w, int y, int x_end, const struct app *a, const struct style *st, int fig)
{
	delta_of(w, y, x_end, a, st, figure_value(&a->r, fig), figure_value(&a->base_r, fig),
		 figure_info(fig)->higher_better);
}

/* The decision figures: tokens/s per user against its requirement, output
 * tokens/s per GPU end to end, and what a million tokens cost in dollars
 * and joules (where the GPU's price and power are known). */
static void decision(WINDOW *w, int *y, int x, int width, const struct app *a, const struct style *st)
{
	const struct scenario *s = &a->ss.scn;
	const struct result *r = &a->r, *b = &a->base_r;
	const struct glyphs *g = st->g;
	char value[96], req[64] = "";
	double want = s->req.tokens_per_s_per_user;
	snprintf(value, sizeof value, "%s tok/s", NUM(r->tokens_per_s_per_user));
	if (!isnan(want))
		snprintf(req, sizeof req, "%s %s", g->ge, NUM(want));
	figure(w, *y, x, width, st, "per user", value, req,
	       isnan(want) ? 0 : r->tokens_per_s_per_user >= want ? 1 : -1);
	delta_of(w, (*y)++, x + width, a, st, r->tokens_per_s_per_user, b->tokens_per_s_per_user, true);
	snprintf(value, sizeof value, "%s tok/s out", NUM(r->output_tokens_per_s_per_gpu));
	figure(w, *y, x, width, st, "per GPU", value, NULL, 0);
	delta_of(w, (*y)++, x + width, a, st, r->output_tokens_per_s_per_gpu, b->output_tokens_per_s_per_gpu, true);
	if (isnan(r->usd_per_mtok) && isnan(r->joules_per_token))
		snprintf(value, sizeof value, "- (no price set)");
	else if (isnan(r->usd_per_mtok))
		snprintf(value, sizeof value, "%s J/tok", NUM(r->joules_per_token));
	else if (isnan(r->joules_per_token))
		snprintf(value, sizeof value, "$%s/Mtok", NUM(r->usd_per_mtok));
	else
		snprintf(value, sizeof value, "$%s/Mtok %s %s J/tok", NUM(r->usd_per_mtok), g->dot, NUM(r->joules_per_token));
	figure(w, *y, x, width, st, "cost", value, NULL, 0);
	delta_of(w, (*y)++, x + width, a, st, isnan(r->usd_per_mtok) ? r->joules_per_token : r->usd_per_mtok,
		 isnan(r->usd_per_mtok) ? b->joules_per_token : b->usd_per_mtok, false);
}

static void figures(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct scenario *s = &a->ss.scn;
	const struct result *r = &a->r;
	const struct glyphs *g = st->g;
	int x = L->left_w + 3, width = L->cols - x - 1, y = 1;
	char value[96], req[64];

	if (!r->ok) {
		const struct diag *e = a->d.n ? &a->d.items[0] : NULL;
		put_text(w, y++, x, width, style_attr(st, ROLE_ERROR), "invalid: no figures");
		if (e) {
			put_fmt(w, y++, x, width, style_attr(st, ROLE_ERROR), "%s", diag_code_name(e->code));
			if (e->fix[0])
				put_fmt(w, y++, x, width, A_BOLD, "f: %s", e->fix);
		}
		if (r->params_ok)
			put_fmt(w, y++, x, width, A_NORMAL, "ceiling    %s tok/s/GPU (compute)",
				NUM(1000.0 * r->ceiling_tokens_per_ms_per_gpu));
		return;
	}
	snprintf(value, sizeof value, "%s s", NUM(r->ttft_s));
	/* a TTFT that is mostly waiting says so */
	if (isfinite(r->ttft_wait_s) && r->ttft_wait_s >= 0.1 * r->ttft_s)
		snprintf(value, sizeof value, "%s s wait %.0f%%", NUM(r->ttft_s), 100.0 * r->ttft_wait_s / r->ttft_s);
	req[0] = '\0';
	if (!isnan(s->req.ttft_s))
		snprintf(req, sizeof req, "%s %s s", g->le, NUM(s->req.ttft_s));
	figure(w, y, x, width, st, "TTFT", value, req, isnan(s->req.ttft_s) ? 0 : r->ttft_s <= s->req.ttft_s ? 1 : -1);
	delta(w, y++, x + width, a, st, FIG_TTFT);

	snprintf(value, sizeof value, "%s ms", NUM(r->tpot_ms));
	req[0] = '\0';
	if (!isnan(s->req.tpot_ms))
		snprintf(req, sizeof req, "%s %s ms", g->le, NUM(s->req.tpot_ms));
	figure(w, y, x, width, st, "TPOT", value, req, isnan(s->req.tpot_ms) ? 0 : r->tpot_ms <= s->req.tpot_ms ? 1 : -1);
	delta(w, y++, x + width, a, st, FIG_TPOT);

	decision(w, &y, x, width, a, st);

	char words[80];
	diag_bottleneck_words(&r->decode, true, words, sizeof words);
	snprintf(value, sizeof value, "decode: %.79s", words);
	figure(w, y++, x, width, st, "bottleneck", value, NULL, 0);
	if (L->slider_rows <= SLIDER_BASIC)
		return;

	/* the decode-only rate, named so, against the throughput target */
	snprintf(value, sizeof value, "%s tok/s/GPU", NUM(1000.0 * r->tokens_per_ms_per_gpu));
	req[0] = '\0';
	double tgt = s->req.tokens_per_ms_per_gpu;
	if (!isnan(tgt))
		snprintf(req, sizeof req, "%s %s", g->ge, NUM(1000.0 * tgt));
	figure(w, y, x, width, st, "decode", value, req, isnan(tgt) ? 0 : r->tokens_per_ms_per_gpu >= tgt ? 1 : -1);
	delta(w, y++, x + width, a, st, FIG_TOKENS);
	snprintf(value, sizeof value, "%s tok/s", SIN(r->prefill_tokens_per_s));
	figure(w, y, x, width, st, "prefill", value, NULL, 0);
	delta(w, y++, x + width, a, st, FIG_PREFILL);
}

/* ---- memory bars ---- */

static int memory_rows_for(const struct layout *L, int n_devices)
{
	int room = (L->rows - (L->slider_rows + 7)) / 3;
	if (room < 1)
		room = 1;
	if (n_devices < 1)
		n_devices = 1;
	return n_devices < room ? n_devices : room;
}

static void bar_segment(WINDOW *w, int y, int *x, int end, double gib, double scale, attr_t attr,
			const char *glyph)
{
	int n = (int)lround(gib * scale);
	if (n == 0 && gib > 0)
		n = 1;   /* present, however small: one cell */
	if (*x + n > end)
		n = end - *x;
	put_repeat(w, y, *x, n, attr, glyph);
	*x += n;
}

/* "stage 1-12 e43 x4": the stages, the experts when two kinds of device
 * share them, and how many GPUs; its width in columns is returned. */
static int memory_label(const struct device_mem *dv, bool two_classes, const struct glyphs *g, char *label,
			size_t len)
{
	char stages[24];
	if (dv->stages > 1)
		snprintf(stages, sizeof stages, "%d-%d", dv->stage, dv->stage + dv->stages - 1);
	else
		snprintf(stages, sizeof stages, "%d", dv->stage);
	if (two_classes)
		snprintf(label, len, "stage %s e%ld %s%s", stages, dv->experts, g->times, NUM(dv->count));
	else
		snprintf(label, len, "stage %s %s%s", stages, g->times, NUM(dv->count));
	return (int)strlen(label) - (int)strlen(g->times) + 1;   /* the sign is one column */
}

static void memory_row(WINDOW *w, int y, const struct device_mem *dv, bool two_classes, int lw,
		       const struct style *st, const struct layout *L)
{
	const struct glyphs *g = st->g;
	char label[64], value[48];
	bool over = dv->total_gib > dv->capacity_gib;

	memory_label(dv, two_classes, g, label, sizeof label);
	snprintf(value, sizeof value, "%s / %s", NUM(dv->total_gib), NUM(dv->capacity_gib));
	int vw = 16;
	int bx = 2 + lw, bw = L->cols - 2 - lw - vw - 3;
	put_text(w, y, 2, lw, A_NORMAL, label);
	put_text(w, y, bx, 1, style_attr(st, ROLE_DIM), g->bar_open);
	int x = bx + 1, end = bx + 1 + bw;
	double scale = bw / fmax(dv->capacity_gib, dv->total_gib);
	bar_segment(w, y, &x, end, dv->weights_gib, scale, style_attr(st, ROLE_WEIGHTS), g->weights);
	bar_segment(w, y, &x, end, dv->kv_gib, scale, style_attr(st, ROLE_KV), g->kv);
	bar_segment(w, y, &x, end, dv->act_gib, scale, style_attr(st, ROLE_ACT), g->act);
	bar_segment(w, y, &x, end, dv->reserved_gib, scale, style_attr(st, ROLE_RESERVED), g->reserved);
	put_text(w, y, end, 1, style_attr(st, ROLE_DIM), g->bar_close);
	put_fmt(w, y, end + 2, vw, over ? style_attr(st, ROLE_ERROR) : A_BOLD, "%s%s", value,
		over ? " OVER" : "");
}

static void memory(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L,
		   int y0, int rows)
{
	const struct result *r = &a->r;
	const struct glyphs *g = st->g;
	char t[160];

	snprintf(t, sizeof t, "memory per device (GiB) %s weights %s KV %s act %s reserved", g->weights, g->kv,
		 g->act, g->reserved);
	render_title(w, y0 - 1, 2, L->cols - 4, st, t);
	if (!r->ok) {
		put_text(w, y0, 2, L->cols - 4, style_attr(st, ROLE_DIM), "not computable for this strategy");
		return;
	}
	/* One row per run of identical stages (the reports list every stage);
	 * the fullest device in view when they do not all fit. */
	int first = 0, n = r->n_devices;
	if (n > rows && r->worst_device >= rows)
		first = r->worst_device - rows + 1;
	bool two = false;
	for (int i = 1; i < n; i++)
		if (r->dev[i].stage == r->dev[i - 1].stage)
			two = true;
	/* labels as wide as the widest shown, within a quarter of the screen */
	int lw = 17;
	for (int i = 0; i < rows && first + i < n; i++) {
		char label[64];
		int need = memory_label(&r->dev[first + i], two, g, label, sizeof label) + 1;
		if (need > lw)
			lw = need < L->cols / 4 ? need : L->cols / 4 > 17 ? L->cols / 4 : 17;
	}
	for (int i = 0; i < rows && first + i < n; i++)
		memory_row(w, y0 + i, &r->dev[first + i], two, lw, st, L);
	if (n > rows)
		put_fmt(w, y0 - 1, L->cols - 16, 14, style_attr(st, ROLE_DIM), " %d of %d ", rows, n);
}

/* ---- lower pane: diagnostics or command output ---- */

struct pane_line {
	attr_t attr;
	int indent;
	int src;          /* the output line it wraps (the pager's search) */
	char text[256];
};

/* Break text into lines of at most width columns, at spaces when it can. */
static int wrap(struct pane_line *out, int max, attr_t attr, int indent, int width, const char *text)
{
	int n = 0;
	const char *p = text;

	do {
		if (n == max)
			break;
		int avail = width - indent;
		if (avail < 10)
			avail = 10;
		size_t len = strlen(p), take = len;
		if (text_cols(p) > avail) {
			/* the longest prefix that fits, cut at the last space */
			char tmp[256];
			snprintf(tmp, sizeof tmp, "%s", p);
			take = strlen(tmp);
			while (take > 0 && text_cols(tmp) > avail)
				tmp[--take] = '\0';
			size_t cut = take;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > take / 2)
				take = cut;
		}
		if (take >= sizeof out[n].text)
			take = sizeof out[n].text - 1;
		memcpy(out[n].text, p, take);
		out[n].text[take] = '\0';
		out[n].attr = attr;
		out[n].indent = indent;
		n++;
		p += take;
		while (*p == ' ')
			p++;
		indent = indent > 0 ? indent : 2;
	} while (*p);
	return n;
}

static int diag_lines(const struct app *a, const struct style *st, int width, struct pane_line *out, int max)
{
	const struct diag *target = app_fix_target(a);
	int n = 0;

	if (a->d.n == 0)
		return wrap(out, max, style_attr(st, ROLE_OK), 0, width, "no diagnostics");
	for (int i = 0; i < a->d.n && n < max; i++) {
		const struct diag *g = &a->d.items[i];
		int role = g->severity == SEV_ERROR ? ROLE_ERROR : g->severity == SEV_WARNING ? ROLE_WARN : ROLE_NORMAL;
		const char *mark = g->severity == SEV_ERROR ? st->g->bad : g->severity == SEV_WARNING ? st->g->warn : st->g->info;
		char line[600];
		snprintf(line, sizeof line, "%s %s %s", mark, diag_code_name(g->code), g->message);
		n += wrap(out + n, max - n, style_attr(st, role), 0, width, line);
		if (g->fix[0] && n < max) {
			snprintf(line, sizeof line, "%s fix: %s%s", st->g->arrow, g->fix, g == target ? "  (press f)" : "");
			n += wrap(out + n, max - n, g == target ? A_BOLD : style_attr(st, ROLE_DIM), 4, width, line);
		}
	}
	return n;
}

static int output_lines(const struct app *a, int width, struct pane_line *out, int max)
{
	int n = 0;
	const char *p = a->captured.out;

	for (int src = 0; *p && n < max; src++) {
		size_t len = strcspn(p, "\n");
		char line[600];
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
		int first = n;
		if (!*line)
			out[n++] = (struct pane_line){ .attr = A_NORMAL };
		else
			n += wrap(out + n, max - n, A_NORMAL, 0, width, line);
		for (int i = first; i < n; i++)
			out[i].src = src;
		p += len;
		if (*p == '\n')
			p++;
	}
	return n;
}

/* The search text shown reversed where it occurs in a line. */
static void mark_found(WINDOW *w, int y, int x, int width, const char *text, const char *find)
{
	size_t n = strlen(find);
	if (!n)
		return;
	for (const char *p = text; *p; p++) {
		if (strncasecmp(p, find, n) != 0)
			continue;
		char before[256];
		snprintf(before, sizeof before, "%.*s", (int)(p - text), text);
		int col = text_cols(before);
		if (col >= width)
			return;
		char hit[64];
		snprintf(hit, sizeof hit, "%.*s", (int)n, p);
		put_text(w, y, x + col, width - col, A_REVERSE, hit);
		p += n - 1;
	}
}

static void lower_pane(WINDOW *w, struct app *a, const struct style *st, const struct layout *L, int y0,
		       int rows)
{
	static struct pane_line lines[PANE_LINES];
	int right = L->side_x ? L->side_x : L->cols - 1;   /* the pane's right edge */
	int width = right - 3;
	bool output = a->view == VIEW_OUTPUT;
	int n = output ? output_lines(a, width, lines, PANE_LINES) : diag_lines(a, st, width, lines, PANE_LINES);
	int max_scroll = n > rows ? n - rows : 0;

	a->page_rows = rows;
	if (output && a->goto_line >= 0) {
		for (int i = 0; i < n; i++)
			if (lines[i].src == a->goto_line) {
				a->scroll = i;
				break;
			}
		a->goto_line = -1;
	}
	if (a->scroll > max_scroll)
		a->scroll = max_scroll;
	a->top_line = output && n > 0 ? lines[a->scroll].src : 0;
	render_title(w, y0 - 1, 2, right - 20, st,
		     output ? "output (j k PgUp PgDn / search, q Esc: back)" : "diagnostics");
	if (n > rows)
		put_fmt(w, y0 - 1, right - 17, 16, style_attr(st, ROLE_DIM), " %d-%d of %d ", a->scroll + 1,
			a->scroll + rows, n);
	for (int i = 0; i < rows && a->scroll + i < n; i++) {
		const struct pane_line *pl = &lines[a->scroll + i];
		put_text(w, y0 + i, 2 + pl->indent, width - pl->indent, pl->attr, pl->text);
		if (output)
			mark_found(w, y0 + i, 2 + pl->indent, width - pl->indent, pl->text, a->find);
	}
}

/* ---- command line, help, too small ---- */

void render_cmdline(WINDOW *w, const struct style *st, const struct layout *L, const char *prompt,
		    const char *line, int point_col)
{
	int width = L->cols - 4, pw = text_cols(prompt);
	int room = width - pw - 1;
	int start = point_col > room ? point_col - room : 0;

	wmove(w, L->cmd_y, 1);
	for (int x = 1; x < L->cols - 1; x++)
		waddch(w, ' ');
	put_text(w, L->cmd_y, 2, pw, style_attr(st, ROLE_TITLE), prompt);
	/* keep the cursor in view: drop columns off the left */
	const char *p = skip_cols(line, start);
	put_text(w, L->cmd_y, 2 + pw, room, A_NORMAL, p);
	int cx = 2 + pw + (point_col > room ? room : point_col);
	wmove(w, L->cmd_y, cx);
}

static void status_line(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	if (a->status[0])
		put_text(w, L->cmd_y, 2, L->cols - 4, a->status_error ? style_attr(st, ROLE_ERROR) : A_NORMAL,
			 a->status);
	else
		put_text(w, L->cmd_y, 2, L->cols - 4, style_attr(st, ROLE_DIM),
			 ": command (help lists them)   ? keys   f lists the fixes   u undoes");
}

/* A blank framed box for an overlay. */
void render_overlay_box(WINDOW *w, int y0, int x0, int h, int wd)
{
	for (int y = y0; y < y0 + h; y++) {
		wmove(w, y, x0);
		for (int x = 0; x < wd; x++)
			waddch(w, ' ');
	}
	WINDOW *frame_win = derwin(w, h, wd, y0, x0);
	if (frame_win) {
		box(frame_win, 0, 0);
		delwin(frame_win);
	}
}

/* The help as lines: the keys, the pager's keys, the commands. */
static int help_lines(const struct style *st, int width, struct pane_line *out, int max)
{
	static const struct key_help pager_keys[] = {
		{ "j k  Up Down", "scroll the output (or this help) by a line; the wheel by three" },
		{ "PgUp PgDn  b Space", "by a page" },
		{ "Home End  g G", "to the top, to the end" },
		{ "/  n N", "search the output (Enter), next and previous match" },
		{ "q Esc", "back to the diagnostics (here: close the help)" },
		{ NULL, NULL },
	};
	size_t nc;
	const struct command_info *cmds = command_table(&nc);
	char line[700];
	int n = 0;
	const struct {
		const char *title;
		const struct key_help *keys;
	} parts[] = { { "keys", keymap_help }, { "while output is shown", pager_keys } };
	for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
		n += wrap(out + n, max - n, style_attr(st, ROLE_TITLE), 0, width, parts[p].title);
		for (const struct key_help *k = parts[p].keys; k->keys && n < max; k++) {
			snprintf(line, sizeof line, "%-22s %s", k->keys, k->what);
			int first = n;
			n += wrap(out + n, max - n, A_NORMAL, 0, width, line);
			for (int i = first + 1; i < n; i++)
				out[i].indent = 23;
		}
	}
	n += wrap(out + n, max - n, style_attr(st, ROLE_TITLE), 0, width, "commands (after :)");
	for (size_t i = 0; i < nc && n < max; i++) {
		n += wrap(out + n, max - n, A_BOLD, 0, width, cmds[i].usage);
		n += wrap(out + n, max - n, A_NORMAL, 4, width, cmds[i].help);
	}
	return n;
}

/* The help fills the screen and scrolls; only q, Esc, ? or F1 close it. */
static void help_overlay(WINDOW *w, struct app *a, const struct style *st, const struct layout *L)
{
	static struct pane_line lines[PANE_LINES];
	int h = L->rows, wd = L->cols, rows = h - 2, width = wd - 4;
	int n = help_lines(st, width, lines, PANE_LINES);
	int max_scroll = n > rows ? n - rows : 0;

	a->page_rows = rows;
	if (a->help_scroll > max_scroll)
		a->help_scroll = max_scroll;
	render_overlay_box(w, 0, 0, h, wd);
	render_title(w, 0, 2, wd - 20, st, "help (j k PgUp PgDn Home End; q Esc: close)");
	if (n > rows)
		put_fmt(w, 0, wd - 18, 16, style_attr(st, ROLE_DIM), " %d-%d of %d ", a->help_scroll + 1,
			a->help_scroll + rows, n);
	for (int i = 0; i < rows && a->help_scroll + i < n; i++) {
		const struct pane_line *pl = &lines[a->help_scroll + i];
		put_text(w, 1 + i, 2 + pl->indent, width - pl->indent, pl->attr, pl->text);
	}
}

static double requirement_for(const struct sweep *sw, int fig)
{
	switch (fig) {
	case FIG_TTFT: return sw->ttft_req;
	case FIG_TPOT: return sw->tpot_req;
	case FIG_TOKENS: return sw->tokens_req;
	default: return NAN;
	}
}

/* A column chart of one figure across the sweep, y from 0, the requirement
 * drawn as a line across it. */
static void chart_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct sweep *sw = a->ss.last_sweep;
	const struct figure_info *fi = figure_info(a->chart_figure);
	int y0 = 1, x0 = 2, h = L->rows - 3, wd = L->cols - 4;
	char t[200];

	if (!sw || sw->n == 0)
		return;
	render_overlay_box(w, y0, x0, h, wd);
	snprintf(t, sizeof t, "sweep %s: %s%s%s%s  (%s figure, Esc closes)", key_leaf(sw->key), fi->label,
		 fi->unit[0] ? " (" : "", fi->unit, fi->unit[0] ? ")" : "", st->g->leftright);
	render_title(w, y0, x0 + 2, wd - 4, st, t);

	double req = requirement_for(sw, a->chart_figure), ymax = 0;
	for (int i = 0; i < sw->n; i++)
		if (isfinite(sw->rows[i].fig[a->chart_figure]))
			ymax = fmax(ymax, sw->rows[i].fig[a->chart_figure]);
	if (isfinite(req))
		ymax = fmax(ymax, req);
	if (ymax <= 0)
		ymax = 1;
	ymax *= 1.05;

	int label_w = 9, px = x0 + 1 + label_w + 1, pw = wd - label_w - 3;
	int py = y0 + 1, ph = h - 5;   /* plot rows; then axis, labels, legend */
	if (pw < 4 || ph < 3)
		return;
	/* y axis: top, middle, zero */
	put_fmt(w, py, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(ymax));
	put_fmt(w, py + ph / 2, x0 + 1, label_w, A_NORMAL, "%*s", label_w, NUM(ymax * (ph - ph / 2) / ph));
	put_fmt(w, py + ph - 1, x0 + 1, label_w, A_NORMAL, "%*s", label_w, "0");
	for (int y = py; y < py + ph; y++)
		mvwaddch(w, y, px - 1, ACS_VLINE);
	mvwaddch(w, py + ph, px - 1, ACS_LLCORNER);
	mvwhline(w, py + ph, px, ACS_HLINE, pw);

	int n = sw->n, colw = pw / n > 0 ? pw / n : 1;
	int shown = n * colw <= pw ? n : pw;
	for (int c = 0; c < shown; c++) {
		int i = shown == n ? c : (int)((long)c * n / shown);
		double v = sw->rows[i].fig[a->chart_figure];
		if (!isfinite(v)) {
			put_text(w, py + ph - 1, px + c * colw, 1, style_attr(st, ROLE_ERROR), st->g->bad);
			continue;
		}
		int bar = (int)lround(v / ymax * ph);
		bool ok = !isfinite(req) || (fi->higher_better ? v >= req : v <= req);
		attr_t at = style_attr(st, ok ? ROLE_OK : ROLE_WARN);
		for (int y = 0; y < bar; y++)
			put_repeat(w, py + ph - 1 - y, px + c * colw, colw > 1 ? colw - 1 : 1, at, st->g->weights);
	}
	if (isfinite(req)) {
		int ry = py + ph - 1 - (int)lround(req / ymax * ph) + 1;
		if (ry < py)
			ry = py;
		for (int x = px; x < px + pw; x++)
			if ((mvwinch(w, ry, x) & A_CHARTEXT) == ' ')
				put_text(w, ry, x, 1, style_attr(st, ROLE_ERROR), st->g->todo);
		put_fmt(w, ry, px + pw - 16, 16, style_attr(st, ROLE_ERROR), " requirement %s", NUM(req));
	}
	/* x labels: first, middle, last value */
	int ly = py + ph + 1;
	put_text(w, ly, px, 12, A_NORMAL, NUM(sw->rows[0].value));
	if (n > 2)
		put_text(w, ly, px + (n / 2) * colw, 12, A_NORMAL, NUM(sw->rows[n / 2].value));
	const char *last = NUM(sw->rows[n - 1].value);
	put_text(w, ly, px + (shown - 1) * colw + colw - text_cols(last) > px ? px + (shown - 1) * colw + colw - text_cols(last) : px,
		 12, A_NORMAL, last);
	put_fmt(w, ly + 1, px, pw, style_attr(st, ROLE_DIM), "%s  (%d values; bars below the requirement are drawn as misses)",
		sw->key->name, n);
}

/* The search's best strategies; Enter applies the chosen one. */
static void pick_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct search_result *sr = a->ss.last_search;
	char label[96];

	if (!sr || sr->n_top == 0)
		return;
	int h = sr->n_top + 5, wd = L->cols - 4;
	if (h > L->rows - 2)
		h = L->rows - 2;
	int y0 = (L->rows - h) / 2, x0 = 2;
	render_overlay_box(w, y0, x0, h, wd);
	render_title(w, y0, x0 + 2, wd - 4, st,
		     sr->stopped ? "search results, partial: stopped (Up Down choose, Enter applies, Esc closes)"
				 : "search results (Up Down choose, Enter applies, Esc closes)");
	put_fmt(w, y0 + 1, x0 + 2, wd - 4, A_BOLD, "%4s  %-24s %5s %10s %10s %8s %8s %3s", "rank", "strategy", "GPUs",
		"tok/s/GPU", "tok/s/user", "TTFT s", "TPOT ms", "P");
	int rows = h - 4, first = a->pick >= rows ? a->pick - rows + 1 : 0;
	for (int i = 0; i < rows && first + i < sr->n_top; i++) {
		const struct candidate *c = &sr->top[first + i];
		candidate_label(c, label, sizeof label);
		attr_t at = first + i == a->pick ? style_attr(st, ROLE_SELECTED) : A_NORMAL;
		put_fmt(w, y0 + 2 + i, x0 + 2, wd - 4, at, "%4d  %-24s %5s %10s %10s %8s %8s %3s", first + i + 1, label,
			NUM(c->gpus), NUM(c->tokens), NUM(c->per_user), NUM(c->ttft), NUM(c->tpot), c->pareto ? "*" : "");
	}
	if (sr->target_impossible)
		put_fmt(w, y0 + h - 2, x0 + 2, wd - 4, style_attr(st, ROLE_WARN),
			"the %s tok/ms/GPU target is above the compute ceiling of %s: no strategy meets it",
			NUM(sr->target), NUM(sr->ceiling));
}

/* f: every fix of the diagnostics, what it gives up, the chosen one bold. */
static void fixes_overlay(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	int n = app_fix_count(a);
	if (n == 0)
		return;
	int h = 2 * n + 3, wd = L->cols - 4;
	if (h > L->rows - 2)
		h = L->rows - 2;
	int y0 = (L->rows - h) / 2, x0 = 2, rows = (h - 3) / 2;
	int first = a->fix_pick >= rows ? a->fix_pick - rows + 1 : 0;
	render_overlay_box(w, y0, x0, h, wd);
	render_title(w, y0, x0 + 2, wd - 4, st, "fixes (Up Down choose, Enter applies, Esc closes)");
	for (int i = 0; i < rows && first + i < n; i++) {
		const struct diag *g = app_fix_at(a, first + i);
		const char *cost = app_fix_cost(g->fix);
		attr_t at = first + i == a->fix_pick ? style_attr(st, ROLE_SELECTED) : A_NORMAL;
		put_fmt(w, y0 + 1 + 2 * i, x0 + 2, wd - 4, at, "%s %s%s%s", st->g->arrow, g->fix, cost[0] ? "  -- it " : "",
			cost);
		put_fmt(w, y0 + 2 + 2 * i, x0 + 4, wd - 6, style_attr(st, ROLE_DIM), "%s %s", diag_code_name(g->code),
			g->message);
	}
}

static void too_small(WINDOW *w, const struct layout *L)
{
	char msg[96];
	snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d", L->cols, L->rows, MIN_COLS, MIN_ROWS);
	put_text(w, L->rows / 2, 0, L->cols, A_BOLD, msg);
}

void render(WINDOW *w, struct app *a, const struct style *st, struct layout *L)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	layout_compute(rows, cols, L);
	werase(w);
	if (L->too_small) {
		too_small(w, L);
		return;
	}
	a->visible_sliders = L->slider_rows;
	if (a->selected >= a->visible_sliders)
		a->selected = a->visible_sliders - 1;

	int mem_title = L->slider_rows + 1;
	int mem_rows = memory_rows_for(L, a->r.ok ? a->r.n_devices : 1);
	int diag_title = mem_title + mem_rows + 1;
	int diag_rows = (L->rows - 3) - (diag_title + 1);

	frame(w, L, mem_title, diag_title);
	header(w, a, st, L);
	for (int i = 0; i < L->slider_rows; i++)
		slider_row(w, a, st, L, i);
	figures(w, a, st, L);
	memory(w, a, st, L, mem_title + 1, mem_rows);
	lower_pane(w, a, st, L, diag_title + 1, diag_rows);
	side_pane(w, a, st, L, diag_title + 1, diag_rows);
	context_line(w, a, st, L);
	if (a->mode != MODE_COMMAND)
		status_line(w, a, st, L);
	footer(w, a, st, L);
	if (a->mode == MODE_HELP)
		help_overlay(w, a, st, L);
	else if (a->mode == MODE_CHART)
		chart_overlay(w, a, st, L);
	else if (a->mode == MODE_PICK)
		pick_overlay(w, a, st, L);
	else if (a->mode == MODE_FRONTIER)
		frontier_overlay(w, a, st, L);
	else if (a->mode == MODE_COMPARE)
		compare_overlay(w, a, st, L);
	else if (a->mode == MODE_FIXES)
		fixes_overlay(w, a, st, L);
}
