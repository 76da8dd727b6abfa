/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The human-readable report: fits 80 columns, plain ASCII. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "deploy_disagg.h"
#include "figures.h"
#include "keys.h"
#include "name_text.h"
#include "numfmt.h"
#include "report.h"
#include "strategy_parse.h"

static const char *const section_words[] = { "summary", "memory", "time", "comm", "params", "diag", NULL };
const char *const report_section_names = "summary memory time comm params diag all";

int report_section_parse(const char *name)
{
	if (strcmp(name, "all") == 0)
		return RS_ALL;
	for (int i = 0; section_words[i]; i++)
		if (strcmp(name, section_words[i]) == 0)
			return 1 << i;
	return -1;
}

static const char *verdict(bool ok)
{
	return ok ? "meets" : "MISSES";
}

/* The percentile requirements, each with its verdict (the mean where no
 * percentile is derived). */
static void tail_requirements(const struct sink *k, const struct scenario *s, const struct result *r)
{
	const struct requirements *q = &s->req;
	const struct {
		const char *what, *unit;
		double bound, value, derived;
	} t[4] = {
		{ "TTFT p90", "s", q->ttft_p90_s, result_ttft_tail(r, 0), r->ttft_pct_s[1] },
		{ "TTFT p99", "s", q->ttft_p99_s, result_ttft_tail(r, 1), r->ttft_pct_s[2] },
		{ "TPOT p90", "ms", q->tpot_p90_ms, result_tpot_tail(r, 0), r->tpot_pct_ms[1] },
		{ "TPOT p99", "ms", q->tpot_p99_ms, result_tpot_tail(r, 1), r->tpot_pct_ms[2] },
	};
	bool first = true;
	for (int i = 0; i < 4; i++) {
		if (isnan(t[i].bound))
			continue;
		sink_printf(k, "%s%s <= %s %s: %s (%s%s)", first ? "tail        " : "; ", t[i].what, NUM(t[i].bound),
			    t[i].unit, verdict(t[i].value <= t[i].bound), isfinite(t[i].derived) ? "" : "the mean, ",
			    NUM(t[i].value));
		first = false;
	}
	if (!first)
		sink_puts(k, "\n");
}

/* Disaggregated: both pools, and the KV cache moved between them. */
static void pools(const struct sink *k, const struct scenario *s, const struct result *r)
{
	const struct disagg_figures *f = &r->dis;
	struct strategy p = disagg_prefill_strategy(s);
	const struct strategy *d = &s->strat;
	sink_printf(k, "prefill     %ld x DP%ld TP%ld PP%ld EP%ld = %s GPU%s", s->disagg.prefill_workers, p.dp, p.tp,
		    p.pp, p.ep, NUM(f->prefill_gpus), f->prefill_gpus == 1 ? "" : "s");
	if (f->prefill_ok)
		sink_printf(k, "; %s prompt%s a step of %s s; %s requests/s at most, %.0f%% busy; %s of %s GiB",
			    NUM(f->prompts_per_step), f->prompts_per_step == 1 ? "" : "s", NUM(f->prefill_step_s),
			    NUM(f->prefill_rate_max), 100.0 * f->prefill_util, NUM(f->prefill_mem_gib),
			    NUM(f->prefill_capacity_gib));
	sink_printf(k, "\ndecode      %ld x DP%ld TP%ld PP%ld EP%ld = %s GPU%s\n", s->disagg.decode_workers, d->dp,
		    d->tp, d->pp, d->ep, NUM(f->decode_gpus), f->decode_gpus == 1 ? "" : "s");
	if (r->ok)
		sink_printf(k, "KV transfer %s bytes a request over %s, %s ms\n", SIN(f->transfer_bytes),
			    f->transfer_intra ? "NVLink (one scale-up domain)" : "the network", NUM(1000.0 * f->transfer_s));
}

static void summary(const struct sink *k, const struct scenario *s, const struct result *r)
{
	const struct strategy *st = &s->strat;
	const char *mode = s->work.mode == MODE_DISAGG ? "disaggregated" : s->work.mode == MODE_SERVING ? "serving" : "static";

	sink_printf(k, "%s: %s on %s, %s, batch %ld, prompt %ld, output %ld", s->name,
		    s->model.name, s->hw.name, mode, s->work.batch, s->work.prompt_len,
		    s->work.output_len);
	/* traffic as it is: sessions of turns, prefixes found in the cache */
	if (s->work.turns > 1)
		sink_printf(k, ", %ld turns a session (a turn's prompt %s tokens on average, the earlier ones cached)",
			    s->work.turns,
			    NUM((double)s->work.prompt_len +
				(double)(s->work.turns - 1) / 2.0 * (double)(s->work.prompt_len + s->work.output_len)));
	if (s->work.prefix_hit > 0)
		sink_printf(k, ", %s%% of a prompt a prefix-cache hit", NUM(100.0 * s->work.prefix_hit));
	sink_puts(k, "\n");
	sink_printf(k, "strategy    dp %ld  tp %ld  pp %ld  ep %ld", st->dp, st->tp, st->pp, st->ep);
	if (r->etp > 0)
		sink_printf(k, "  etp %ld%s", r->etp, st->etp > 0 ? "" : " (auto)");
	else
		sink_puts(k, "  etp auto (no fold)");
	if (r->layout_ok)
		sink_printf(k, "  edp %ld", r->edp);
	if (s->work.microbatches > 1)
		sink_printf(k, "  mb %ld", s->work.microbatches);
	sink_puts(k, "\n");
	sink_printf(k, "GPUs        %s on %s node%s", NUM(r->gpus), NUM(r->nodes), r->nodes == 1 ? "" : "s");
	if (r->layout_ok)
		sink_printf(k, "; %s distinct shard%s, replication %.2f", NUM(r->shards), r->shards == 1 ? "" : "s",
			    r->replication);
	sink_puts(k, "\n");
	if (r->dis.on)
		pools(k, s, r);
	if (r->params_ok) {
		sink_printf(k, "params      %s total, %s active", PARAMS(r->params.total), PARAMS(r->params.active));
		if (s->model.params_b > 0)
			sink_printf(k, " (declared %s)", PARAMS(s->model.params_b * 1e9));
		sink_puts(k, "\n");
	}
	if (!r->ok) {
		sink_puts(k, "figures     not computable: the strategy or model is invalid (see diagnostics)\n");
		if (!isnan(r->ceiling_tokens_per_ms_per_gpu))
			sink_printf(k, "ceiling     %s tok/ms/GPU compute ceiling on this GPU\n",
				    NUM(r->ceiling_tokens_per_ms_per_gpu));
		return;
	}
	sink_printf(k, "memory      %s of %s GiB on the fullest GPU (%.0f%%); KV room for %s sequences\n",
		    NUM(r->max_total_gib), NUM(r->capacity_gib), 100.0 * r->max_total_gib / r->capacity_gib,
		    NUM(r->kv_capacity_seqs));
	sink_printf(k, "TTFT        %s s", NUM(r->ttft_s));
	/* in serving, a share of it is the wait for a slot in the batch or a step */
	if (s->work.mode != MODE_STATIC && isfinite(r->ttft_wait_s) && r->ttft_wait_s > 0.01 * r->ttft_s)
		sink_printf(k, " (%s s of it waiting: for a slot, a step, the prompts ahead)", NUM(r->ttft_wait_s));
	if (!isnan(s->req.ttft_s))
		sink_printf(k, "   requirement <= %s s: %s", NUM(s->req.ttft_s), verdict(r->ttft_s <= s->req.ttft_s));
	sink_puts(k, "\n");
	sink_printf(k, "TPOT        %s ms (%s ms at full context)", NUM(r->tpot_ms), NUM(r->tpot_max_ms));
	if (!isnan(s->req.tpot_ms))
		sink_printf(k, "   requirement <= %s ms: %s", NUM(s->req.tpot_ms), verdict(r->tpot_ms <= s->req.tpot_ms));
	sink_puts(k, "\n");
	bool spread = true;
	for (int q = 0; q < 3; q++)
		spread = spread && isfinite(r->ttft_pct_s[q]) && isfinite(r->tpot_pct_ms[q]);
	if (spread)
		sink_printf(k, "percentiles TTFT p50 %s, p90 %s, p99 %s s; TPOT p50 %s, p90 %s, p99 %s ms (the closed loop's waves)\n",
			    NUM(r->ttft_pct_s[0]), NUM(r->ttft_pct_s[1]), NUM(r->ttft_pct_s[2]), NUM(r->tpot_pct_ms[0]),
			    NUM(r->tpot_pct_ms[1]), NUM(r->tpot_pct_ms[2]));
	tail_requirements(k, s, r);
	sink_printf(k, "decode      %s tok/ms/GPU, %s tok/s in all", NUM(r->tokens_per_ms_per_gpu),
		    SIN(r->decode_tokens_per_s));
	if (!isnan(s->req.tokens_per_ms_per_gpu))
		sink_printf(k, "   target >= %s: %s", NUM(s->req.tokens_per_ms_per_gpu),
			    verdict(r->tokens_per_ms_per_gpu >= s->req.tokens_per_ms_per_gpu));
	sink_puts(k, "\n");
	sink_printf(k, "ceiling     %s tok/ms/GPU compute ceiling on this GPU\n",
		    NUM(r->ceiling_tokens_per_ms_per_gpu));
	sink_printf(k, "prefill     %s tok/s\n", SIN(r->prefill_tokens_per_s));
	sink_printf(k, "end to end  %s s per sequence, %s output tok/s, %s tok/s per GPU, %s tok/s per user\n",
		    NUM(r->e2e_latency_s), SIN(r->output_tokens_per_s), SIN(r->output_tokens_per_s_per_gpu),
		    NUM(r->tokens_per_s_per_user));
	if (!isnan(r->usd_per_mtok) || !isnan(r->joules_per_token)) {
		sink_puts(k, "cost       ");
		if (!isnan(r->usd_per_mtok))
			sink_printf(k, " $%s per million output tokens", NUM(r->usd_per_mtok));
		if (!isnan(r->joules_per_token))
			sink_printf(k, "%s %s J per output token", isnan(r->usd_per_mtok) ? "" : ",", NUM(r->joules_per_token));
		sink_puts(k, "\n");
		/* where the price comes from: a figure a reader can check */
		if (!isnan(r->usd_per_mtok)) {
			char src[4 * NAME_MAX_LEN];
			name_visible(s->hw.price_source, src, sizeof src);
			sink_printf(k, "price       $%s per GPU-hour: %s\n", NUM(s->hw.usd_per_gpu_hour),
				    src[0] ? src : "set by hand (hardware.price_source says where from)");
		}
	}
	char pre[160], dec[160];
	diag_bottleneck_words(&r->prefill, false, pre, sizeof pre);
	diag_bottleneck_words(&r->decode, false, dec, sizeof dec);
	sink_printf(k, "bottleneck  prefill: %s, decode: %s\n", pre, dec);
}

/* With layers of other kinds than full attention: what a sequence holds
 * in each kind, and in how many layers. */
static void kv_kinds(const struct sink *k, const struct scenario *s, const struct result *r)
{
	const struct model *m = &s->model;
	long other = m->window_layers + m->chunk_layers + m->linear_layers + m->sparse_layers;
	if (other == 0)
		return;
	const struct {
		const char *what;
		long layers;
	} kinds[KV_KINDS] = {
		[KV_FULL] = { "full attention", m->layers - other },
		[KV_WINDOW] = { "sliding window", m->window_layers },
		[KV_CHUNK] = { "chunked", m->chunk_layers },
		[KV_LINEAR] = { "linear state", m->linear_layers },
		[KV_SPARSE] = { "sparse with its indexer", m->sparse_layers },
	};
	sink_puts(k, "  a sequence of prompt + output holds (MiB, whole model):");
	bool first = true;
	for (int i = 0; i < KV_KINDS; i++) {
		if (kinds[i].layers <= 0)
			continue;
		sink_printf(k, "%s %s %s in %ld layer%s", first ? "" : ",", kinds[i].what,
			    NUM(r->kv_seq_by_kind[i] / 1048576.0), kinds[i].layers, kinds[i].layers == 1 ? "" : "s");
		first = false;
	}
	sink_puts(k, "\n");
}

static void memory(const struct sink *k, const struct scenario *s, const struct result *r)
{
	if (!r->ok)
		return;
	sink_puts(k, "\nmemory per device (GiB)\n");
	sink_puts(k, "  stage experts   GPUs  weights       KV      act  reserved    total   use\n");
	for (int i = 0; i < r->n_device_rows; i++) {
		struct device_mem dv;
		cost_device_row(r, i, &dv);
		sink_printf(k, "  %5d %7ld %6s %8s %8s %8s %9s %8s %4.0f%%%s\n", dv.stage, dv.experts,
			    NUM(dv.count), NUM(dv.weights_gib), NUM(dv.kv_gib), NUM(dv.act_gib),
			    NUM(dv.reserved_gib), NUM(dv.total_gib), 100.0 * dv.total_gib / dv.capacity_gib,
			    dv.total_gib > dv.capacity_gib ? "  OVER" : "");
	}
	sink_printf(k, "  capacity %s GiB per GPU; KV cache %s bytes per token (whole model)\n",
		    NUM(r->capacity_gib), NUM(r->kv_bytes_per_token));
	kv_kinds(k, s, r);
	if (!isnan(r->kv_capacity_tokens))
		sink_printf(k, "  KV pool %s tokens in all (%s sequences of prompt + output)%s\n", NUM(r->kv_capacity_tokens),
			    NUM(r->kv_capacity_seqs), s->work.mode == MODE_SERVING && s->work.engine != ENGINE_NONE ?
			    ", as the engine sets it aside" : "");
	if (s->work.mode == MODE_SERVING && s->work.engine != ENGINE_NONE && !isnan(r->running_per_replica))
		sink_printf(k, "  running %s sequences per replica; waiting %s s of the TTFT for a slot or a step\n",
			    NUM(r->running_per_replica), NUM(r->queue_wait_s));
}

static void phase_table(const struct sink *k, const char *title, const struct phase *ph,
			double time_s, double scale_ms)
{
	sink_printf(k, "\n%s: %s tokens per replica per pass, expert imbalance %.2f, touched experts %s\n",
		    title, NUM(ph->tokens), ph->imbalance, NUM(ph->touched));
	sink_puts(k, "  op              compute-bound  memory-bound  (ms, all stages, one pass)\n");
	for (int i = 0; i < OP_COUNT; i++) {
		if (ph->op_compute_s[i] == 0 && ph->op_memory_s[i] == 0)
			continue;
		sink_printf(k, "  %-14s %14s %13s\n", cost_op_name(i), NUM(ph->op_compute_s[i] * scale_ms),
			    NUM(ph->op_memory_s[i] * scale_ms));
	}
	for (int i = 0; i < COMM_COUNT; i++)
		if (ph->comm_s[i] > 0)
			sink_printf(k, "  comm %-9s %14s\n", cost_comm_name(i), NUM(ph->comm_s[i] * scale_ms));
	sink_printf(k, "  per device: compute %.0f%%  memory %.0f%%  comm %.0f%%  bubble %.0f%%  host %.0f%%\n",
		    100 * ph->compute_s / time_s, 100 * ph->memory_s / time_s,
		    100 * ph->comm_total_s / time_s, 100 * ph->bubble_s / time_s, 100 * ph->host_s / time_s);
}

static void timing(const struct sink *k, const struct scenario *s, const struct result *r,
		   const struct diag_list *d)
{
	char sentence[200];

	if (!r->ok)
		return;
	if (r->dis.on) {
		/* where a request's first token waits in a disaggregated deployment */
		const struct disagg_figures *f = &r->dis;
		sink_printf(k, "\nTTFT %s s = wait for a prefill replica %s s + its prefill step %s s + KV transfer %s s "
			       "(%s) + front end %s s\n",
			    NUM(r->ttft_s), NUM(f->queue_s), NUM(f->prefill_step_s), NUM(f->transfer_s),
			    f->transfer_intra ? "NVLink" : "network", NUM(f->frontend_s));
		sink_printf(k, "TPOT %s ms: the decode pool's step, no prompt in it\n", NUM(r->tpot_ms));
	}
	phase_table(k, r->dis.on ? "prefill pool (one step of its prompts)"
			: s->work.mode == MODE_SERVING ? "prefill (the step that carries a new prompt)" : "prefill",
		    &r->prefill, cost_phase_span(&r->prefill), 1000.0);
	diag_bound_sentence(s, r, false, sentence, sizeof sentence);
	sink_printf(k, "  %s\n", sentence);
	phase_table(k, "decode", &r->decode, cost_phase_span(&r->decode), 1000.0);
	diag_bound_sentence(s, r, true, sentence, sizeof sentence);
	sink_printf(k, "  %s\n", sentence);
	(void)d;
}

static void comm_line(const struct sink *k, const char *what, double bytes, double t)
{
	if (t <= 0)
		return;
	sink_printf(k, "  %-26s %10s B %10s us\n", what, SIN(bytes), NUM(t * 1e6));
}

static void comm(const struct sink *k, const struct scenario *s, const struct result *r)
{
	const char *pairs[2] = { "prefill", "decode" };
	const struct layer_comm *lc[2] = { &r->comm_prefill, &r->comm_decode };

	if (!r->layout_ok)
		return;
	sink_puts(k, "\ncommunication\n");
	sink_printf(k, "  TP group of %ld: %s; EP group of %ld: %ld per node (%s)", s->strat.tp,
		    r->tp_intra ? "inside a node" : "across nodes", s->strat.ep, r->ep_per_node,
		    r->ep_intra ? "inside a node" : "across nodes");
	if (r->etp > 1)
		sink_printf(k, "; expert-TP group of %ld: %s", r->etp, r->etp_intra ? "inside a node" : "across nodes");
	sink_puts(k, "\n");
	if (s->strat.pp > 1)
		sink_printf(k, "  pipeline: %d of %ld stage boundaries cross nodes\n", r->pp_inter_boundaries,
			    s->strat.pp - 1);
	if (!r->ok)
		return;
	sink_printf(k, "  overlap %s: collectives are exposed at %.0f%%\n", NUM(s->strat.overlap),
		    100.0 * (1.0 - s->strat.overlap));
	for (int p = 0; p < 2; p++) {
		sink_printf(k, "  %s, one layer:\n", pairs[p]);
		comm_line(k, "attention all-reduce (tp)", lc[p]->attn_ar_bytes, lc[p]->attn_ar_s);
		comm_line(k, "dense FFN all-reduce (tp)", lc[p]->attn_ar_bytes, lc[p]->dense_ar_s);
		comm_line(k, "dispatch+combine (ep)", lc[p]->moe_a2a_bytes, lc[p]->moe_a2a_s);
		comm_line(k, "MoE all-reduce (tp)", lc[p]->attn_ar_bytes, lc[p]->moe_ar_s);
		comm_line(k, "expert all-reduce (etp)", lc[p]->moe_etp_bytes, lc[p]->moe_etp_ar_s);
		if (s->strat.pp > 1)
			comm_line(k, "pipeline send (per stage)", lc[p]->p2p_bytes, lc[p]->p2p_s);
	}
}

static void params(const struct sink *k, const struct scenario *s, const struct result *r)
{
	if (!r->params_ok)
		return;
	const struct param_counts *pc = &r->params;
	sink_puts(k, "\nparameters\n");
	const struct model *m = &s->model;
	if (m->linear_layers > 0 && m->sparse_layers > 0)
		sink_printf(k, "  attention per layer   %12s   (the mean: %ld linear, %ld with a sparse indexer, of %ld)\n",
			    PARAMS(pc->attn), m->linear_layers, m->sparse_layers, m->layers);
	else if (m->linear_layers > 0)
		sink_printf(k, "  attention per layer   %12s   (the mean: %ld of the %ld layers linear)\n", PARAMS(pc->attn),
			    m->linear_layers, m->layers);
	else if (m->sparse_layers > 0)
		sink_printf(k, "  attention per layer   %12s   (with a sparse indexer in %ld of the %ld layers)\n",
			    PARAMS(pc->attn), m->sparse_layers, m->layers);
	else
		sink_printf(k, "  attention per layer   %12s\n", PARAMS(pc->attn));
	sink_printf(k, "  one routed expert     %12s   (expert_ffn %ld%s)\n", PARAMS(pc->expert), r->expert_ffn,
		    s->model.expert_ffn > 0 ? "" : ", solved from params_b");
	if (pc->shared > 0)
		sink_printf(k, "  shared experts        %12s\n", PARAMS(pc->shared));
	if (pc->router > 0)
		sink_printf(k, "  router                %12s\n", PARAMS(pc->router));
	if (pc->dense > 0)
		sink_printf(k, "  dense FFN             %12s   x %ld layer%s\n", PARAMS(pc->dense), s->model.dense_layers,
			    s->model.dense_layers == 1 ? "" : "s");
	sink_printf(k, "  embedding             %12s\n", PARAMS(pc->embed));
	sink_printf(k, "  LM head               %12s%s\n", PARAMS(pc->head), s->model.tied_embeddings ? "   (tied)" : "");
	sink_printf(k, "  total                 %12s   (%.0f)\n", PARAMS(pc->total), pc->total);
	sink_printf(k, "  active per token      %12s   (%.0f)\n", PARAMS(pc->active), pc->active);
}

static void baseline_table(const struct sink *k, const struct result *r, const struct scenario *base)
{
	struct result br;
	char strat[96], delta[32], now[32], then[32];
	bool utf8 = output_utf8();

	cost_evaluate(base, &br);
	strategy_format(&base->strat, strat, sizeof strat);
	sink_printf(k, "\nvs baseline %s, %s on %s, batch %ld (pinned)\n", strat, base->model.name,
		    base->hw.name, base->work.batch);
	sink_printf(k, "  %-10s %12s %12s  %s\n", "", "now", "baseline", "change");
	for (int f = 0; f < FIG_COUNT; f++) {
		const struct figure_info *fi = figure_info(f);
		double a = figure_value(r, f), b = figure_value(&br, f);
		/* large rates read better as 4.85M */
		(fabs(a) >= 1e5 ? fmt_si : fmt_num)(a, now, sizeof now);
		(fabs(b) >= 1e5 ? fmt_si : fmt_num)(b, then, sizeof then);
		fmt_delta(a, b, utf8, delta, sizeof delta);
		if (fi->unit[0])
			sink_printf(k, "  %-10s %12s %12s  %-8s %s\n", fi->label, now, then, delta, fi->unit);
		else
			sink_printf(k, "  %-10s %12s %12s  %s\n", fi->label, now, then, delta);
	}
}

static void diagnostics(const struct sink *k, const struct diag_list *d)
{
	if (d->n == 0) {
		sink_puts(k, "\nno diagnostics\n");
		return;
	}
	sink_puts(k, "\ndiagnostics\n");
	for (int i = 0; i < d->n; i++) {
		const struct diag *g = &d->items[i];
		sink_printf(k, "  %-7s %s: %s\n", diag_severity_name(g->severity), diag_code_name(g->code),
			    g->message);
		if (g->fix[0])
			sink_printf(k, "          fix: %s\n", g->fix);
	}
}

void report_text(const struct sink *k, const struct scenario *s, const struct result *r,
		 const struct diag_list *d, int sections, const struct scenario *baseline)
{
	if (sections & RS_SUMMARY)
		summary(k, s, r);
	if ((sections & RS_SUMMARY) && baseline)
		baseline_table(k, r, baseline);
	if (sections & RS_PARAMS)
		params(k, s, r);
	if (sections & RS_MEMORY)
		memory(k, s, r);
	if (sections & RS_TIME)
		timing(k, s, r, d);
	if (sections & RS_COMM)
		comm(k, s, r);
	if (sections & RS_DIAG)
		diagnostics(k, d);
}
