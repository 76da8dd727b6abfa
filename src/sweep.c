/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "diag.h"
#include "numfmt.h"
#include "report.h"
#include "strategy_parse.h"
#include "sweep.h"

static int parse(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int sweep_values(const struct key *k, const char *from, const char *to, const char *step,
		 double *out, int max, char *err, size_t errlen)
{
	double a, b, d = 1;
	bool factor = false;

	if (k->type != KT_INT && k->type != KT_DOUBLE) {
		snprintf(err, errlen, "%s is not a number: only numeric keys can be swept", k->name);
		return -1;
	}
	if (parse(from, &a) || parse(to, &b)) {
		snprintf(err, errlen, "FROM and TO must be numbers, got '%s' and '%s'", from, to);
		return -1;
	}
	if (step && (step[0] == 'x' || step[0] == 'X' || step[0] == '*')) {
		factor = true;
		if (parse(step + 1, &d) || d <= 1) {
			snprintf(err, errlen, "'%s': a factor is x followed by a number above 1 (x2)", step);
			return -1;
		}
		if (a <= 0 || b <= 0) {
			snprintf(err, errlen, "a factor sweep needs FROM and TO above 0");
			return -1;
		}
	} else if (step && (parse(step, &d) || d <= 0)) {
		snprintf(err, errlen, "'%s': STEP is a number above 0, or xFACTOR", step);
		return -1;
	} else if (!step && k->type == KT_DOUBLE) {
		d = (fabs(b - a)) / 10.0;   /* ten steps when none is given */
		if (d == 0)
			d = 1;
	}
	if (k->type == KT_INT && !factor && d != floor(d)) {
		snprintf(err, errlen, "%s is an integer: STEP must be a whole number", k->name);
		return -1;
	}
	int n = 0;
	bool up = b >= a;
	for (double v = a; up ? v <= b * (1 + 1e-12) : v >= b * (1 - 1e-12);) {
		if (n == max) {
			snprintf(err, errlen, "more than %d values: use a larger STEP or factor", max);
			return -1;
		}
		out[n++] = k->type == KT_INT ? round(v) : v;
		if (factor)
			v = up ? v * d : v / d;
		else
			v = up ? v + d : v - d;
		if (k->type == KT_INT && n > 0 && round(v) == out[n - 1])
			v = up ? out[n - 1] + 1 : out[n - 1] - 1;   /* x1.5 on small integers */
	}
	return n;
}

/* The diagnostic a row is worst for: a broken strategy, then memory, then
 * an overload, then any other error, then the first warning. */
static int worst_code(const struct diag_list *d)
{
	static const int first[] = { E_TP_HEADS, E_EP_EXPERTS, E_FOLD, E_PP_LAYERS, E_BAD_VALUE, E_OOM, E_OVERLOAD };
	for (size_t f = 0; f < sizeof first / sizeof first[0]; f++)
		for (int j = 0; j < d->n; j++)
			if (d->items[j].code == first[f])
				return first[f];
	for (int j = 0; j < d->n; j++)
		if (d->items[j].severity != SEV_INFO)
			return d->items[j].code;
	return -1;
}

static const char *const req_names[SWEEP_REQS] = { "ttft", "tpot", "tok/GPU", "tok/user" };
static const char *const req_json[SWEEP_REQS] = { "ttft_s", "tpot_ms", "tokens_per_ms_per_gpu", "tokens_per_s_per_user" };

static bool req_set(const struct sweep *sw, int q)
{
	for (int i = 0; i < sw->n; i++)
		if (sw->rows[i].meets[q] >= 0)
			return true;
	return false;
}

static const char *mark(int v, const char *yes, const char *no)
{
	return v < 0 ? "-" : v ? yes : no;
}

int sweep_run(const struct scenario *s, const struct key *k, const double *values, int n,
	      struct sweep *out, char *err, size_t errlen)
{
	struct scenario c;
	struct result r;
	struct diag_list d;
	char text[40];

	memset(out, 0, offsetof(struct sweep, rows));
	out->key = k;
	out->ttft_req = s->req.ttft_s;
	out->tpot_req = s->req.tpot_ms;
	out->tokens_req = s->req.tokens_per_ms_per_gpu;
	for (int i = 0; i < n; i++) {
		struct sweep_row *row = &out->rows[i];
		c = *s;
		fmt_exact(values[i], text, sizeof text);
		if (key_set(&c, k, text, err, errlen) != 0)
			return -1;
		cost_evaluate(&c, &r);
		diag_collect_quick(&c, &r, &d);
		row->value = values[i];
		row->ok = r.ok;
		for (int f = 0; f < FIG_COUNT; f++)
			row->fig[f] = figure_value(&r, f);
		row->prefill_bound = r.ok ? r.prefill.bottleneck : -1;
		double ops = r.decode.compute_s + r.decode.memory_s;
		row->decode_hbm_share = r.ok && ops > 0 ? r.decode.memory_s / ops : NAN;
		row->decode_bound = r.ok ? r.decode.bottleneck : -1;
		row->worst = worst_code(&d);
		row->fits = r.ok ? r.max_total_gib <= r.capacity_gib : -1;
		const double req[SWEEP_REQS] = { c.req.ttft_s, c.req.tpot_ms, c.req.tokens_per_ms_per_gpu,
						 c.req.tokens_per_s_per_user };
		const double got[SWEEP_REQS] = { r.ttft_s, r.tpot_ms, r.tokens_per_ms_per_gpu, r.tokens_per_s_per_user };
		for (int q = 0; q < SWEEP_REQS; q++) {
			bool at_most = q == SR_TTFT || q == SR_TPOT;
			row->meets[q] = !r.ok || isnan(req[q]) || isnan(got[q]) ? -1
				      : at_most ? got[q] <= req[q] : got[q] >= req[q];
		}
		strategy_format(&c.strat, row->strategy, sizeof row->strategy);
		out->n = i + 1;
	}
	return 0;
}

static const char *bound_text(int b)
{
	static const char *const words[BOUND_COUNT] = {
		"compute", "HBM", "TP all-reduce", "EP all-to-all", "expert-TP AR", "pipeline sends", "bubble",
		"host",
	};
	return b >= 0 && b < BOUND_COUNT ? words[b] : "-";
}

/* "decode is bound by TP all-reduce up to batch 512, HBM from 1024" */
static void transitions(const struct sink *k, const struct sweep *sw)
{
	const char *leaf = key_leaf(sw->key);
	int prev = -2;

	if (sw->n == 0)
		return;
	sink_printf(k, "decode is bound by %s", bound_text(sw->rows[0].decode_bound));
	for (int i = 1; i < sw->n; i++) {
		int b = sw->rows[i].decode_bound;
		prev = sw->rows[i - 1].decode_bound;
		if (b != prev)
			sink_printf(k, " up to %s %s, by %s from %s", leaf, NUM(sw->rows[i - 1].value), bound_text(b),
				    NUM(sw->rows[i].value));
	}
	sink_puts(k, "\n");
	/* The ops alone: where reading weights stops dominating computing. */
	for (int i = 1; i < sw->n; i++) {
		double a = sw->rows[i - 1].decode_hbm_share, b = sw->rows[i].decode_hbm_share;
		if (a > 0.5 && b <= 0.5) {
			sink_printf(k, "decode ops stop being memory-bound between %s %s and %s (HBM-bound share %.0f%% -> %.0f%%)\n",
				    leaf, NUM(sw->rows[i - 1].value), NUM(sw->rows[i].value), 100 * a, 100 * b);
			return;
		}
	}
	if (sw->rows[sw->n - 1].decode_hbm_share > 0.5)
		sink_printf(k, "decode ops stay memory-bound up to %s %s\n", leaf, NUM(sw->rows[sw->n - 1].value));
}

void sweep_report_text(const struct sink *k, const struct sweep *sw)
{
	const char *leaf = key_leaf(sw->key);

	sink_printf(k, "sweep %s over %d values\n", sw->key->name, sw->n);
	sink_printf(k, "%10s %5s %8s %9s %9s %11s %5s  %-14s %-6s", leaf, "GPUs", "mem GiB", "TTFT s", "TPOT ms",
		    "tok/ms/GPU", "HBM%", "decode bound", "memory");
	/* one column per requirement that is set: met or missed */
	for (int q = 0; q < SWEEP_REQS; q++)
		if (req_set(sw, q))
			sink_printf(k, " %-8s", req_names[q]);
	sink_puts(k, " worst\n");
	for (int i = 0; i < sw->n; i++) {
		const struct sweep_row *r = &sw->rows[i];
		char share[16] = "-";
		if (!isnan(r->decode_hbm_share))
			snprintf(share, sizeof share, "%.0f", 100 * r->decode_hbm_share);
		sink_printf(k, "%10s %5s %8s %9s %9s %11s %5s  %-14s %-6s", NUM(r->value), NUM(r->fig[FIG_GPUS]),
			    NUM(r->fig[FIG_MEM]), NUM(r->fig[FIG_TTFT]), NUM(r->fig[FIG_TPOT]), NUM(r->fig[FIG_TOKENS]),
			    share, bound_text(r->decode_bound), mark(r->fits, "fits", "OOM"));
		for (int q = 0; q < SWEEP_REQS; q++)
			if (req_set(sw, q))
				sink_printf(k, " %-8s", mark(r->meets[q], "ok", "MISS"));
		sink_printf(k, " %s\n", r->worst >= 0 ? diag_code_name(r->worst) : "-");
	}
	transitions(k, sw);
}

void sweep_report_json(const struct sink *k, const struct sweep *sw)
{
	sink_printf(k, "{\"schema\": \"moescope/1\", \"sweep\": {\"key\": \"%s\", \"rows\": [", sw->key->name);
	for (int i = 0; i < sw->n; i++) {
		const struct sweep_row *r = &sw->rows[i];
		sink_puts(k, i ? ", {\"value\": " : "{\"value\": ");
		json_number(k, r->value);
		sink_puts(k, ", \"strategy\": ");
		json_string(k, r->strategy);
		for (int f = 0; f < FIG_COUNT; f++) {
			sink_printf(k, ", \"%s\": ", figure_info(f)->json);
			json_number(k, r->fig[f]);
		}
		sink_puts(k, ", \"prefill_bottleneck\": ");
		if (r->ok)
			json_string(k, cost_bound_name(r->prefill_bound));
		else
			sink_puts(k, "null");
		sink_puts(k, ", \"decode_bottleneck\": ");
		if (r->ok)
			json_string(k, cost_bound_name(r->decode_bound));
		else
			sink_puts(k, "null");
		sink_puts(k, ", \"decode_hbm_share\": ");
		json_number(k, r->decode_hbm_share);
		sink_printf(k, ", \"fits\": %s, \"meets\": {", r->fits < 0 ? "null" : r->fits ? "true" : "false");
		for (int q = 0; q < SWEEP_REQS; q++)
			sink_printf(k, "%s\"%s\": %s", q ? ", " : "", req_json[q],
				    r->meets[q] < 0 ? "null" : r->meets[q] ? "true" : "false");
		sink_puts(k, "}, \"worst\": ");
		if (r->worst >= 0)
			json_string(k, diag_code_name(r->worst));
		else
			sink_puts(k, "null");
		sink_puts(k, "}");
	}
	sink_puts(k, "]}}\n");
}

void sweep_report_csv(const struct sink *k, const struct sweep *sw)
{
	char buf[40];

	sink_printf(k, "%s,strategy", key_leaf(sw->key));
	for (int f = 0; f < FIG_COUNT; f++)
		sink_printf(k, ",%s", figure_info(f)->json);
	sink_puts(k, ",decode_hbm_share,prefill_bottleneck,decode_bottleneck,fits");
	for (int q = 0; q < SWEEP_REQS; q++)
		sink_printf(k, ",meets_%s", req_json[q]);
	sink_puts(k, ",worst\n");
	for (int i = 0; i < sw->n; i++) {
		const struct sweep_row *r = &sw->rows[i];
		fmt_exact(r->value, buf, sizeof buf);
		sink_printf(k, "%s,%s", buf, r->strategy);
		for (int f = 0; f < FIG_COUNT; f++) {
			buf[0] = '\0';
			if (isfinite(r->fig[f]))
				fmt_exact(r->fig[f], buf, sizeof buf);
			sink_printf(k, ",%s", buf);
		}
		buf[0] = '\0';
		if (isfinite(r->decode_hbm_share))
			fmt_exact(r->decode_hbm_share, buf, sizeof buf);
		sink_printf(k, ",%s,%s,%s,%s", buf, r->ok ? cost_bound_name(r->prefill_bound) : "",
			    r->ok ? cost_bound_name(r->decode_bound) : "", r->fits < 0 ? "" : r->fits ? "true" : "false");
		for (int q = 0; q < SWEEP_REQS; q++)
			sink_printf(k, ",%s", r->meets[q] < 0 ? "" : r->meets[q] ? "true" : "false");
		sink_printf(k, ",%s\n", r->worst >= 0 ? diag_code_name(r->worst) : "");
	}
}
