/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a result back (result.h): names of its ops, collectives and
 * bounds, its device rows one stage at a time, and a result's figures
 * cleared before an evaluation fills them. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "result.h"

static const char *const op_names[OP_COUNT] = {
	"attn_proj", "attn_core", "dense_ffn", "router", "shared", "experts", "lm_head",
};
static const char *const comm_names[COMM_COUNT] = { "tp", "ep", "etp", "pp" };
static const char *const bound_names[BOUND_COUNT] = {
	"compute", "memory", "comm_tp", "comm_ep", "comm_etp", "comm_pp", "bubble", "host",
};

const char *cost_op_name(int op) { return op >= 0 && op < OP_COUNT ? op_names[op] : "?"; }
const char *cost_comm_name(int kind) { return kind >= 0 && kind < COMM_COUNT ? comm_names[kind] : "?"; }
const char *cost_bound_name(int b) { return b >= 0 && b < BOUND_COUNT ? bound_names[b] : "?"; }


void result_clear_figures(struct result *r)
{
	r->shards = r->replication = NAN;
	r->max_total_gib = r->kv_capacity_seqs = NAN;
	r->ttft_s = r->prefill_tokens_per_s = NAN;
	r->tpot_ms = r->tpot_max_ms = r->decode_tokens_per_s = r->tokens_per_ms_per_gpu = NAN;
	r->e2e_latency_s = r->output_tokens_per_s = NAN;
	r->kv_bytes_per_token = NAN;
	r->kv_capacity_tokens = r->running_per_replica = NAN;
	r->queue_wait_s = r->ttft_wait_s = r->requests_per_s = r->max_rate = NAN;
	for (int q = 0; q < 3; q++)
		r->ttft_pct_s[q] = r->tpot_pct_ms[q] = NAN;
	r->tokens_per_s_per_user = r->output_tokens_per_s_per_gpu = NAN;
	r->usd_per_mtok = r->joules_per_token = NAN;
	r->admit_cap = ADMIT_ALL;
	r->admit_none = r->overloaded = false;
	/* one pool: the disaggregated figures are none (deploy_disagg.c fills them) */
	memset(&r->dis, 0, sizeof r->dis);
}

double cost_phase_span(const struct phase *ph)
{
	double t = 0;
	for (int b = 0; b < BOUND_COUNT; b++)
		t += ph->part_s[b];
	return t;
}

/* The entries from j on that share dev[j]'s stages: 1 or 2 kinds. */
static int kinds_at(const struct result *r, int j)
{
	return j + 1 < r->n_devices && r->dev[j + 1].stage == r->dev[j].stage ? 2 : 1;
}

void cost_device_row(const struct result *r, int i, struct device_mem *out)
{
	int row = 0;
	for (int j = 0; j < r->n_devices;) {
		int m = kinds_at(r, j), rows = r->dev[j].stages * m;
		if (i < row + rows) {
			int off = i - row;
			*out = r->dev[j + off % m];
			out->stage += off / m;
			out->stages = 1;
			return;
		}
		row += rows;
		j += m;
	}
	/* past the end: callers stay below n_device_rows */
	memset(out, 0, sizeof *out);
}

int cost_device_row_of(const struct result *r, int d)
{
	int row = 0;
	for (int j = 0; j < r->n_devices;) {
		int m = kinds_at(r, j);
		if (d < j + m)
			return row + (d - j);
		row += r->dev[j].stages * m;
		j += m;
	}
	return 0;
}

double result_ttft_tail(const struct result *r, int q)
{
	double v = r->ttft_pct_s[q + 1];
	return isfinite(v) ? v : r->ttft_s;
}

double result_tpot_tail(const struct result *r, int q)
{
	double v = r->tpot_pct_ms[q + 1];
	return isfinite(v) ? v : r->tpot_ms;
}
