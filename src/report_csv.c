/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One CSV row of headline figures per evaluation (show, and later sweeps). */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "report.h"

static void csv_num(const struct sink *k, double v)
{
	char buf[40] = "";
	if (isfinite(v))
		fmt_exact(v, buf, sizeof buf);
	sink_printf(k, ",%s", buf);
}

/* Whether text is a number as moescope writes one (so a leading '-' is a
 * sign, not a formula). */
static bool numeric(const char *text)
{
	return *text && strspn(text, "0123456789.-+eE") == strlen(text) && strpbrk(text, "0123456789");
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
 * break or a leading space; a text a spreadsheet would run as a formula
 * (starting =, +, -, @, a tab or a carriage return) gets a leading
 * apostrophe, as spreadsheet users expect.  Written at once, so that UTF-8
 * reaches the sink in whole characters. */
void csv_numbers(const struct sink *k, const double *v, size_t n)
{
	char buf[40];
	for (size_t j = 0; j < n; j++) {
		buf[0] = '\0';
		if (isfinite(v[j]))
			fmt_exact(v[j], buf, sizeof buf);
		sink_printf(k, ",%s", buf);
	}
}

void csv_field(const struct sink *k, const char *text)
{
	bool formula = strchr("=+-@\t\r", text[0]) && text[0] && !numeric(text);
	if (!formula && !strpbrk(text, ",\"\n\r") && text[0] != ' ') {
		sink_puts(k, text);
		return;
	}
	size_t len = strlen(text), n = 0;
	char *buf = malloc(2 * len + 4);
	if (!buf)
		return;
	buf[n++] = '"';
	if (formula)
		buf[n++] = '\'';
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			buf[n++] = '"';
		buf[n++] = *p;
	}
	buf[n++] = '"';
	k->out(k->ctx, buf, n);
	free(buf);
}

static void csv_text(const struct sink *k, const char *text, bool first)
{
	if (!first)
		sink_puts(k, ",");
	csv_field(k, text);
}

void report_csv_header(const struct sink *k)
{
	sink_puts(k, "name,dp,tp,pp,ep,etp,batch,prompt_len,output_len,gpus,nodes,shards,replication,"
		     "max_total_gib,capacity_gib,ttft_s,tpot_ms,tokens_per_ms_per_gpu,prefill_tokens_per_s,"
		     "prefill_bottleneck,decode_bottleneck,worst_diagnostic\n");
}

void report_csv_row(const struct sink *k, const struct scenario *s, const struct result *r,
		    const struct diag_list *d)
{
	csv_text(k, s->name, true);
	sink_printf(k, ",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", s->strat.dp, s->strat.tp, s->strat.pp,
		    s->strat.ep, r->etp, s->work.batch, s->work.prompt_len, s->work.output_len);
	csv_num(k, r->gpus);
	csv_num(k, r->nodes);
	csv_num(k, r->layout_ok ? r->shards : NAN);
	csv_num(k, r->layout_ok ? r->replication : NAN);
	csv_num(k, r->max_total_gib);
	csv_num(k, r->capacity_gib);
	csv_num(k, r->ttft_s);
	csv_num(k, r->tpot_ms);
	csv_num(k, r->tokens_per_ms_per_gpu);
	csv_num(k, r->prefill_tokens_per_s);
	csv_text(k, r->ok ? cost_bound_name(r->prefill.bottleneck) : "", false);
	csv_text(k, r->ok ? cost_bound_name(r->decode.bottleneck) : "", false);
	int w = diag_worst(d);
	csv_text(k, w >= 0 && d->items[w].severity != SEV_INFO ? diag_code_name(d->items[w].code) : "", false);
	sink_puts(k, "\n");
}
