/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a wide terminal shows beside the diagnostics: where each phase's
 * time goes (compute, HBM, each kind of communication, the bubble, the
 * wait in a serving TTFT) and, once there is one, the frontier chart; and
 * on every screen the context line: the strategy with its ETP, the dtype,
 * the mode, the engine, the baseline. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "deploy_disagg.h"
#include "frontier.h"
#include "numfmt.h"
#include "render.h"
#include "serve.h"

static void share(char *buf, size_t len, const struct phase *ph, int part, bool ok)
{
	double span = cost_phase_span(ph);
	if (!ok || !(span > 0))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f%%", 100.0 * ph->part_s[part] / span);
}

void side_pane(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L, int y0, int rows)
{
	static const struct {
		const char *name;
		int part;
	} parts[] = {
		{ "compute", BOUND_COMPUTE }, { "HBM", BOUND_MEMORY }, { "TP all-reduce", BOUND_COMM_TP },
		{ "EP all-to-all", BOUND_COMM_EP }, { "ETP all-reduce", BOUND_COMM_ETP },
		{ "PP sends", BOUND_COMM_PP }, { "bubble", BOUND_BUBBLE }, { "host, waits", BOUND_HOST },
	};
	const struct result *r = &a->r;
	int x = L->side_x + 1, wd = L->side_w - 2, y = y0;
	char p[16], d[16];

	if (!L->side_x)
		return;
	render_title(w, y0 - 1, L->side_x + 1, wd, st, "where the time goes");
	put_fmt(w, y++, x, wd, A_BOLD, "%-16s %8s %8s", "", "prefill", "decode");
	/* the host side and waits are an engine's: no row without one */
	bool engine = a->ss.scn.work.mode == MODE_SERVING && a->ss.scn.work.engine != ENGINE_NONE;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && y < y0 + rows; i++) {
		if (parts[i].part == BOUND_HOST && !engine)
			continue;
		share(p, sizeof p, &r->prefill, parts[i].part, r->ok);
		share(d, sizeof d, &r->decode, parts[i].part, r->ok);
		put_fmt(w, y++, x, wd, A_NORMAL, "%-16s %8s %8s", parts[i].name, p, d);
	}
	if (y < y0 + rows && r->ok && isfinite(r->ttft_wait_s))
		put_fmt(w, y++, x, wd, A_NORMAL, "%-16s %6s s", "TTFT wait", r->ttft_wait_s >= 0.001 ? NUM(r->ttft_wait_s) : "0");
	/* a closed loop's spread: where its waves put the median and the tail */
	if (y + 1 < y0 + rows && r->ok && isfinite(r->ttft_pct_s[2]) && isfinite(r->tpot_pct_ms[2])) {
		put_fmt(w, y++, x, wd, A_NORMAL, "%-16s %6s s  p99 %s s", "TTFT p50", NUM(r->ttft_pct_s[0]),
			NUM(r->ttft_pct_s[2]));
		put_fmt(w, y++, x, wd, A_NORMAL, "%-16s %6s ms p99 %s ms", "TPOT p50", NUM(r->tpot_pct_ms[0]),
			NUM(r->tpot_pct_ms[2]));
	}
	if (y < y0 + rows && r->ok)
		put_fmt(w, y++, x, wd, style_attr(st, ROLE_DIM), "%% of the prompt's step / a decode step");

	/* the frontier, once computed, in the rest of the pane */
	int left = y0 + rows - (y + 1);
	if (a->ss.last_frontier && a->ss.last_frontier->n > 0 && left >= 12) {
		mvwhline(w, y, L->side_x, ACS_HLINE, L->side_w);
		mvwaddch(w, y, L->side_x, ACS_LTEE);
		mvwaddch(w, y, L->side_x + L->side_w, ACS_RTEE);
		frontier_chart(w, a, st, y, L->side_x, left + 1, L->side_w, "frontier (F: walk it)");
	}
}

void context_line(WINDOW *w, const struct app *a, const struct style *st, const struct layout *L)
{
	const struct scenario *s = &a->ss.scn;
	const struct result *r = &a->r;
	char text[320], base[96];
	long etp = r->etp > 0 ? r->etp : s->strat.etp;
	int n = snprintf(text, sizeof text, "DP%ld TP%ld PP%ld EP%ld ETP%ld %s %s %s %s", s->strat.dp, s->strat.tp,
			 s->strat.pp, s->strat.ep, etp, st->g->dot, dtype_name(scenario_compute_dtype(&s->model)),
			 st->g->dot, s->work.mode == MODE_DISAGG ? "disagg" : s->work.mode == MODE_SERVING ? "serving" : "static");
	bool serving = s->work.mode != MODE_STATIC;
	if (s->work.mode == MODE_DISAGG && n > 0 && (size_t)n < sizeof text) {
		struct strategy p = disagg_prefill_strategy(s);
		n += snprintf(text + n, sizeof text - (size_t)n, " (prefill %ldx DP%ld TP%ld EP%ld)", s->disagg.prefill_workers,
			      p.dp, p.tp, p.ep);
	}
	if (serving && s->work.engine != ENGINE_NONE && n > 0 && (size_t)n < sizeof text)
		n += snprintf(text + n, sizeof text - (size_t)n, " %s %s", st->g->dot,
			      serve_engine_display_name(s->work.engine));
	if (serving && n > 0 && (size_t)n < sizeof text) {
		if (s->work.arrival == ARRIVAL_POISSON && s->work.engine != ENGINE_NONE)
			n += snprintf(text + n, sizeof text - (size_t)n, " %s %s req/s", st->g->dot, NUM(s->work.rate));
		else
			n += snprintf(text + n, sizeof text - (size_t)n, " %s closed loop", st->g->dot);
	}
	if (a->ss.pinned && n > 0 && (size_t)n < sizeof text) {
		const struct strategy *b = &a->ss.baseline.strat;
		snprintf(base, sizeof base, "DP%ld TP%ld PP%ld EP%ld", b->dp, b->tp, b->pp, b->ep);
		snprintf(text + n, sizeof text - (size_t)n, " %s against %s", st->g->dot, base);
	}
	render_title(w, L->rows - 3, 2, L->cols - 4, st, text);
}
