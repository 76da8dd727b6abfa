/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON output, schema "moescope/1".  Numbers are printed in
 * their shortest exact form; what cannot be computed is null. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "keys.h"
#include "scenario_resolve.h"
#include "strategy_parse.h"
#include "name_text.h"
#include "numfmt.h"
#include "report.h"

/* A JSON string (RFC 8259) of text: quotes, backslashes and controls (C0,
 * DEL and the C1 controls U+0080-U+009F) escaped, valid UTF-8 passed whole,
 * a byte of no valid UTF-8 character written as U+FFFD.  Written in whole
 * characters, so that a sink that makes controls visible on a terminal
 * never splits one. */
void json_string(const struct sink *k, const char *text)
{
	char buf[512];
	size_t n = 0;
	buf[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		if (n + 16 > sizeof buf) {
			k->out(k->ctx, buf, n);
			n = 0;
		}
		int len = utf8_char_len(p);
		if (len == 0) {
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\ufffd");
			p++;
			continue;
		}
		unsigned cp = len == 1 ? p[0] : len == 2 ? (unsigned)((p[0] & 0x1F) << 6 | (p[1] & 0x3F)) : 0x800;
		if (*p == '"' || *p == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)*p;
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\u%04x", cp);
		} else {
			memcpy(buf + n, p, (size_t)len);
			n += (size_t)len;
		}
		p += len;
	}
	buf[n++] = '"';
	k->out(k->ctx, buf, n);
}

void json_number(const struct sink *k, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		sink_puts(k, "null");
		return;
	}
	fmt_exact(v, buf, sizeof buf);
	sink_puts(k, buf);
}

static void field_num(const struct sink *k, const char *name, double v, bool comma)
{
	sink_printf(k, "%s\"%s\": ", comma ? ", " : "", name);
	json_number(k, v);
}

static void field_str(const struct sink *k, const char *name, const char *v, bool comma)
{
	sink_printf(k, "%s\"%s\": ", comma ? ", " : "", name);
	if (v)
		json_string(k, v);
	else
		sink_puts(k, "null");
}

/* One key of the resolved scenario in its JSON type. */
static void scenario_value(const struct sink *k, const struct scenario *rs, const struct key *key)
{
	char buf[NAME_MAX_LEN + 8];
	const char *at = (const char *)rs + key->offset;

	switch (key->type) {
	case KT_INT:
		if (*(const long *)at == 0 && (key->flags & KF_AUTO))
			json_string(k, "auto");
		else
			sink_printf(k, "%ld", *(const long *)at);
		return;
	case KT_DOUBLE: {
		double v = *(const double *)at;
		if (v == 0 && (key->flags & KF_AUTO))
			json_string(k, "auto");
		else
			json_number(k, v);
		return;
	}
	case KT_BOOL:
		sink_puts(k, *(const bool *)at ? "true" : "false");
		return;
	default:
		key_get(rs, key, buf, sizeof buf);
		json_string(k, buf);
		return;
	}
}

static void scenario_object(const struct sink *k, const struct scenario *s)
{
	struct scenario rs;
	bool top_first = true;

	scenario_resolve(s, &rs);
	sink_puts(k, "{");
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		bool inner_first = true;
		for (size_t i = 0; i < key_count; i++) {
			const struct key *key = &key_table[i];
			if (key->section != sec || (key->flags & KF_NOSAVE))
				continue;
			if (sec == SEC_TOP) {
				sink_printf(k, "%s\"%s\": ", top_first ? "" : ", ", key_leaf(key));
				top_first = false;
			} else {
				if (inner_first)
					sink_printf(k, "%s\"%s\": {", top_first ? "" : ", ",
						    key_section_name(sec));
				sink_printf(k, "%s\"%s\": ", inner_first ? "" : ", ", key_leaf(key));
				inner_first = top_first = false;
			}
			scenario_value(k, &rs, key);
		}
		if (sec != SEC_TOP && !inner_first)
			sink_puts(k, "}");
	}
	sink_puts(k, "}");
}

static void memory_object(const struct sink *k, const struct result *r)
{
	sink_puts(k, "{\"devices\": [");
	for (int i = 0; r->ok && i < r->n_device_rows; i++) {
		struct device_mem row, *dv = &row;
		cost_device_row(r, i, &row);
		sink_printf(k, "%s{\"stage\": %d, \"experts\": %ld", i ? ", " : "", dv->stage, dv->experts);
		field_num(k, "count", dv->count, true);
		field_num(k, "weights_gib", dv->weights_gib, true);
		field_num(k, "kv_gib", dv->kv_gib, true);
		field_num(k, "act_gib", dv->act_gib, true);
		field_num(k, "reserved_gib", dv->reserved_gib, true);
		field_num(k, "total_gib", dv->total_gib, true);
		field_num(k, "capacity_gib", dv->capacity_gib, true);
		sink_puts(k, "}");
	}
	sink_puts(k, "]");
	field_num(k, "max_total_gib", r->max_total_gib, true);
	field_num(k, "kv_capacity_seqs", r->kv_capacity_seqs, true);
	field_num(k, "kv_capacity_tokens", r->kv_capacity_tokens, true);
	/* a sequence of prompt + output in the whole model, by attention kind */
	static const char *const kinds[KV_KINDS] = { "full", "window", "chunk", "linear", "sparse" };
	sink_puts(k, ", \"kv_seq_bytes_by_kind\": {");
	for (int i = 0; i < KV_KINDS; i++)
		field_num(k, kinds[i], r->ok ? r->kv_seq_by_kind[i] : NAN, i > 0);
	sink_puts(k, "}}");
}

static void phase_split(const struct sink *k, const struct result *r, const struct phase *ph)
{
	double nan = NAN;
	field_num(k, "compute_s", r->ok ? ph->compute_s : nan, true);
	field_num(k, "memory_s", r->ok ? ph->memory_s : nan, true);
	field_num(k, "comm_s", r->ok ? ph->comm_total_s : nan, true);
	field_num(k, "bubble_s", r->ok ? ph->bubble_s : nan, true);
	field_num(k, "host_s", r->ok ? ph->host_s : nan, true);
	field_str(k, "bottleneck", r->ok ? cost_bound_name(ph->bottleneck) : NULL, true);
}

static void baseline_objects(const struct sink *k, const struct result *r, const struct scenario *base)
{
	struct result br;
	char strat[96];

	cost_evaluate(base, &br);
	strategy_format(&base->strat, strat, sizeof strat);
	sink_puts(k, ", \"baseline\": {\"strategy\": ");
	json_string(k, strat);
	for (int f = 0; f < FIG_COUNT; f++)
		field_num(k, figure_info(f)->json, figure_value(&br, f), true);
	sink_puts(k, "}, \"delta_pct\": {");
	for (int f = 0; f < FIG_COUNT; f++) {
		double a = figure_value(r, f), b = figure_value(&br, f);
		double pct = b != 0 ? 100.0 * (a - b) / fabs(b) : NAN;
		field_num(k, figure_info(f)->json, pct, f > 0);
	}
	sink_puts(k, "}");
}

void report_json(const struct sink *k, const struct scenario *s, const struct result *r,
		 const struct diag_list *d, const struct scenario *baseline)
{
	sink_puts(k, "{\"schema\": \"moescope/1\", \"scenario\": ");
	scenario_object(k, s);
	field_num(k, "gpus", r->gpus, true);
	field_num(k, "nodes", r->nodes, true);
	field_num(k, "shards", r->layout_ok ? r->shards : NAN, true);
	field_num(k, "replication", r->layout_ok ? r->replication : NAN, true);

	sink_puts(k, ", \"params\": {");
	field_num(k, "total", r->params_ok ? r->params.total : NAN, false);
	field_num(k, "active", r->params_ok ? r->params.active : NAN, true);
	field_num(k, "declared", s->model.params_b > 0 ? s->model.params_b * 1e9 : NAN, true);
	sink_puts(k, "}, \"memory\": ");
	memory_object(k, r);

	sink_puts(k, ", \"prefill\": {");
	field_num(k, "ttft_s", r->ttft_s, false);
	field_num(k, "ttft_p50_s", r->ttft_pct_s[0], true);
	field_num(k, "ttft_p90_s", r->ttft_pct_s[1], true);
	field_num(k, "ttft_p99_s", r->ttft_pct_s[2], true);
	field_num(k, "tokens_per_s", r->prefill_tokens_per_s, true);
	phase_split(k, r, &r->prefill);
	sink_puts(k, "}, \"decode\": {");
	field_num(k, "tpot_ms", r->tpot_ms, false);
	field_num(k, "tpot_max_ms", r->tpot_max_ms, true);
	field_num(k, "tpot_p50_ms", r->tpot_pct_ms[0], true);
	field_num(k, "tpot_p90_ms", r->tpot_pct_ms[1], true);
	field_num(k, "tpot_p99_ms", r->tpot_pct_ms[2], true);
	field_num(k, "tokens_per_s", r->decode_tokens_per_s, true);
	field_num(k, "tokens_per_ms_per_gpu", r->tokens_per_ms_per_gpu, true);
	phase_split(k, r, &r->decode);
	sink_puts(k, "}, \"e2e\": {");
	field_num(k, "latency_s", r->e2e_latency_s, false);
	field_num(k, "output_tokens_per_s", r->output_tokens_per_s, true);
	field_num(k, "output_tokens_per_s_per_gpu", r->output_tokens_per_s_per_gpu, true);
	field_num(k, "tokens_per_s_per_user", r->tokens_per_s_per_user, true);
	field_num(k, "usd_per_mtok", r->usd_per_mtok, true);
	field_num(k, "joules_per_token", r->joules_per_token, true);
	sink_puts(k, "}, \"serving\": {");
	field_num(k, "running_per_replica", r->running_per_replica, false);
	field_num(k, "queue_wait_s", r->queue_wait_s, true);
	field_num(k, "ttft_wait_s", r->ttft_wait_s, true);
	field_num(k, "requests_per_s", r->requests_per_s, true);
	field_num(k, "max_requests_per_s", r->max_rate, true);
	sink_puts(k, "}, \"ceiling\": {");
	field_num(k, "compute_tokens_per_ms_per_gpu", r->ceiling_tokens_per_ms_per_gpu, false);
	if (r->dis.on) {
		const struct disagg_figures *f = &r->dis;
		sink_puts(k, "}, \"disagg\": {");
		field_num(k, "prefill_gpus", f->prefill_gpus, false);
		field_num(k, "decode_gpus", f->decode_gpus, true);
		sink_printf(k, ", \"prefill_valid\": %s", f->prefill_ok ? "true" : "false");
		field_num(k, "prompts_per_step", f->prompts_per_step, true);
		field_num(k, "prefill_step_s", f->prefill_ok ? f->prefill_step_s : NAN, true);
		field_num(k, "prefill_max_requests_per_s", f->prefill_ok ? f->prefill_rate_max : NAN, true);
		field_num(k, "prefill_utilization", f->prefill_ok ? f->prefill_util : NAN, true);
		field_num(k, "prefill_queue_s", f->prefill_ok ? f->queue_s : NAN, true);
		field_num(k, "prefill_max_total_gib", f->prefill_ok ? f->prefill_mem_gib : NAN, true);
		field_num(k, "transfer_bytes", r->ok ? f->transfer_bytes : NAN, true);
		field_num(k, "transfer_s", r->ok ? f->transfer_s : NAN, true);
		field_num(k, "frontend_s", r->ok ? f->frontend_s : NAN, true);
		sink_printf(k, ", \"transfer_link\": \"%s\"", f->transfer_intra ? "nvlink" : "network");
	}
	sink_puts(k, "}, \"diagnostics\": [");
	for (int i = 0; i < d->n; i++) {
		const struct diag *g = &d->items[i];
		sink_puts(k, i ? ", {" : "{");
		field_str(k, "code", diag_code_name(g->code), false);
		field_str(k, "severity", diag_severity_name(g->severity), true);
		field_str(k, "message", g->message, true);
		field_str(k, "fix", g->fix[0] ? g->fix : NULL, true);
		sink_puts(k, "}");
	}
	sink_puts(k, "]");
	if (baseline)
		baseline_objects(k, r, baseline);
	sink_puts(k, "}\n");
}
