/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One CSV row of headline figures per evaluation (show, and later sweeps). */
#include "config.h"

#include <math.h>
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

void csv_field(const struct sink *k, const char *text)
{
	if (!strpbrk(text, ",\"\n\r")) {
		sink_puts(k, text);
		return;
	}
	sink_puts(k, "\"");
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			sink_puts(k, "\"");
		k->out(k->ctx, p, 1);
	}
	sink_puts(k, "\"");
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
