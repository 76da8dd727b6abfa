/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "deploy_disagg.h"
#include "keys.h"
#include "numfmt.h"
#include "scenario_resolve.h"
#include "serve.h"

static const char *const code_names[DIAG_CODE_COUNT] = {
	"E_TP_HEADS", "E_EP_EXPERTS", "E_FOLD", "E_PP_LAYERS", "E_OOM", "E_TARGET_IMPOSSIBLE",
	"E_OVERLOAD", "E_BAD_VALUE", "W_EP_UNEVEN", "W_PP_UNEVEN", "W_KV_REPLICATED", "W_TP_CROSS_NODE",
	"W_EP_CROSS_NODE", "W_BATCH_DP", "W_BUBBLE", "W_TTFT", "W_TPOT", "W_THROUGHPUT",
	"W_COMM_BOUND", "W_MEM_TIGHT", "W_KV_ADMISSION", "W_NO_GRAPH", "W_PARAMS", "W_SPEC", "I_BOUND",
	"I_SERVING_MB", "I_SPEC", "I_TAIL", "I_SPREAD",
};

const char *diag_code_name(int code)
{
	return code >= 0 && code < DIAG_CODE_COUNT ? code_names[code] : "?";
}

const char *diag_severity_name(int severity)
{
	return severity == SEV_ERROR ? "error" : severity == SEV_WARNING ? "warning" : "info";
}

int diag_worst(const struct diag_list *l)
{
	int worst = -1;
	for (int i = 0; i < l->n; i++)
		if (worst < 0 || l->items[i].severity < l->items[worst].severity)
			worst = i;
	return worst;
}

static int severity_of(int code)
{
	if (code <= E_BAD_VALUE)
		return SEV_ERROR;
	return code <= W_SPEC ? SEV_WARNING : SEV_INFO;
}

__attribute__((format(printf, 4, 5)))
static struct diag *add(struct diag_list *l, int code, const char *fix, const char *fmt, ...)
{
	if (l->n >= DIAG_MAX)
		return NULL;
	struct diag *d = &l->items[l->n++];
	va_list ap;

	d->code = code;
	d->severity = severity_of(code);
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof d->message, fmt, ap);
	va_end(ap);
	snprintf(d->fix, sizeof d->fix, "%s", fix ? fix : "");
	return d;
}

void diag_valid_tp(const struct model *m, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (long t = 1; t <= m->heads && t <= 4096 && n < len; t++)
		if (m->heads % t == 0)
			n += (size_t)snprintf(buf + n, len - n, n ? " %ld" : "%ld", t);
}

static long nearest_divisor(long n, long target)
{
	long best = 1;
	for (long d = 1; d <= n; d++) {
		if (n % d)
			continue;
		if (labs(d - target) < labs(best - target) ||
		    (labs(d - target) == labs(best - target) && d > best))
			best = d;
	}
	return best;
}

/* Evaluate the scenario with one integer key changed. */
static void eval_with(const struct scenario *s, long *(*field)(struct scenario *), long v,
		      struct scenario *copy, struct result *r)
{
	*copy = *s;
	*field(copy) = v;
	cost_evaluate(copy, r);
}

static long *f_dp(struct scenario *s) { return &s->strat.dp; }
static long *f_tp(struct scenario *s) { return &s->strat.tp; }
static long *f_pp(struct scenario *s) { return &s->strat.pp; }
static long *f_ep(struct scenario *s) { return &s->strat.ep; }
static long *f_batch(struct scenario *s) { return &s->work.batch; }

static bool fits(const struct result *r)
{
	return r->ok && r->max_total_gib <= r->capacity_gib;
}

/* ---- model and strategy structure ---- */

static void bad_model(const struct scenario *rs, const struct result *r, struct diag_list *l)
{
	const struct model *m = &rs->model;
	char fix[96];

	switch (r->bad_model) {
	case BM_EXPERT_FFN:
		if (m->params_b <= 0)
			add(l, E_BAD_VALUE, "set model.params_b 10",
			    "model.expert_ffn is auto but model.params_b is 0: nothing to solve it from");
		else
			add(l, E_BAD_VALUE, "",
			    "model.expert_ffn auto: params_b %s B leaves no room for %ld experts in %ld MoE layers",
			    NUM(m->params_b), m->experts, m->layers - m->dense_layers);
		break;
	case BM_DENSE_LAYERS:
		snprintf(fix, sizeof fix, "set model.dense_layers %ld", m->layers);
		add(l, E_BAD_VALUE, fix, "model.dense_layers (%ld) exceeds model.layers (%ld)",
		    m->dense_layers, m->layers);
		break;
	case BM_DENSE_FFN:
		add(l, E_BAD_VALUE, "", "model has %ld dense layers but model.dense_ffn is 0",
		    m->dense_layers);
		break;
	case BM_KV_HEADS:
		snprintf(fix, sizeof fix, "set model.kv_heads %ld", nearest_divisor(m->heads, m->kv_heads));
		add(l, E_BAD_VALUE, fix, "model.kv_heads (%ld) must divide model.heads (%ld)",
		    m->kv_heads, m->heads);
		break;
	case BM_TOP_K:
		snprintf(fix, sizeof fix, "set model.top_k %ld", m->experts);
		add(l, E_BAD_VALUE, fix, "model.top_k (%ld) exceeds model.experts (%ld)", m->top_k,
		    m->experts);
		break;
	case BM_MLA_DIMS:
		add(l, E_BAD_VALUE, "",
		    "attention mla needs kv_lora_rank, qk_nope_dim + qk_rope_dim and v_head_dim above 0");
		break;
	case BM_HEAD_DIM:
		add(l, E_BAD_VALUE, "", "model.head_dim resolves to 0 (hidden %ld < heads %ld): set it",
		    m->hidden, m->heads);
		break;
	case BM_SHARED_FFN:
		add(l, E_BAD_VALUE, "", "model has %ld shared experts but no shared_ffn width",
		    m->shared_experts);
		break;
	case BM_ATTN_KINDS:
		if (m->window_layers + m->chunk_layers + m->linear_layers + m->sparse_layers > m->layers)
			add(l, E_BAD_VALUE, "",
			    "model.window_layers (%ld), chunk_layers (%ld), linear_layers (%ld) and sparse_layers (%ld) "
			    "exceed the %ld layers",
			    m->window_layers, m->chunk_layers, m->linear_layers, m->sparse_layers, m->layers);
		else
			add(l, E_BAD_VALUE, "",
			    "%ld sliding-window and %ld chunked layers need model.sliding_window and model.attention_chunk_size above 0",
			    m->window_layers, m->chunk_layers);
		break;
	case BM_LINEAR_DIMS:
		add(l, E_BAD_VALUE, "",
		    "%ld linear-attention layers need model.linear_key_heads, linear_value_heads, linear_key_dim and "
		    "linear_value_dim above 0",
		    m->linear_layers);
		break;
	case BM_SPARSE_DIMS:
		add(l, E_BAD_VALUE, "",
		    "%ld sparse-attention layers need model.sparse_topk, index_heads and index_head_dim above 0",
		    m->sparse_layers);
		break;
	default:
		break;
	}
}

static void fold_error(const struct scenario *rs, struct diag_list *l)
{
	const struct strategy *st = &rs->strat;
	long G = st->dp * st->tp, ep = st->ep, tp = st->tp, pp = st->pp;
	char fix[96];

	if (st->etp > 0 && ep <= G && G % ep == 0) {
		/* The explicit etp is what does not fit. */
		char valid[96] = "";
		size_t n = 0;
		/* etp above its key's range is never valid: list no further */
		long max_etp = (long)key_find("strategy.etp")->max;
		for (long e = 1; e <= G / ep && e <= max_etp && n < sizeof valid; e++)
			if ((G / ep) % e == 0)
				n += (size_t)snprintf(valid + n, sizeof valid - n, n ? " %ld" : "%ld", e);
		add(l, E_FOLD, "set etp auto", "ep %ld x etp %ld = %ld does not divide dp*tp = %ld; valid etp: %s",
		    ep, st->etp, ep * st->etp, G, valid);
		return;
	}
	long dp_keep = (st->dp + ep - 1) / ep * ep;          /* etp = tp */
	long step = ep / gcd_long(ep, tp);
	long dp_min = (st->dp + step - 1) / step * step;      /* one copy of each expert */
	snprintf(fix, sizeof fix, "set dp %ld%s", dp_min, st->etp > 0 ? "; set etp auto" : "");
	if (dp_min == dp_keep)
		add(l, E_FOLD, fix, "ep %ld with tp %ld needs dp*tp divisible by %ld: set dp %ld (%ld GPUs)",
		    ep, tp, ep, dp_min, dp_min * tp * pp);
	else
		add(l, E_FOLD, fix,
		    "ep %ld with tp %ld needs dp*tp divisible by %ld: set dp %ld etp %ld (%ld GPUs) or dp %ld (%ld GPUs)",
		    ep, tp, ep, dp_keep, tp, dp_keep * tp * pp, dp_min, dp_min * tp * pp);
}

static void structure(const struct scenario *rs, const struct result *r, struct diag_list *l)
{
	const struct model *m = &rs->model;
	const struct strategy *st = &rs->strat;
	char fix[96], valid[160];

	if (r->errors & CE_BAD_MODEL)
		bad_model(rs, r, l);
	if (r->errors & CE_TP_HEADS) {
		diag_valid_tp(m, valid, sizeof valid);
		snprintf(fix, sizeof fix, "set tp %ld", nearest_divisor(m->heads, st->tp));
		add(l, E_TP_HEADS, fix, "tp %ld does not divide heads (%ld); valid: %s", st->tp,
		    m->heads, valid);
	}
	if (r->errors & CE_EP_EXPERTS) {
		snprintf(fix, sizeof fix, "set ep %ld", m->experts);
		add(l, E_EP_EXPERTS, fix, "ep %ld exceeds the %ld experts per layer", st->ep, m->experts);
	}
	if ((r->errors & CE_FOLD) && !(r->errors & CE_EP_EXPERTS))
		fold_error(rs, l);
	if ((r->errors & CE_PP_LAYERS) && st->pp > COST_MAX_STAGES && st->pp <= m->layers) {
		snprintf(fix, sizeof fix, "set pp %d", COST_MAX_STAGES);
		add(l, E_PP_LAYERS, fix, "pp %ld: at most %d pipeline stages are modelled", st->pp, COST_MAX_STAGES);
	} else if (r->errors & CE_PP_LAYERS) {
		snprintf(fix, sizeof fix, "set pp %ld", m->layers < COST_MAX_STAGES ? m->layers : COST_MAX_STAGES);
		add(l, E_PP_LAYERS, fix, "pp %ld exceeds the %ld layers", st->pp, m->layers);
	}
}

/* ---- disaggregated serving ---- */

static void disaggregation(const struct scenario *rs, const struct result *r, struct diag_list *l)
{
	const struct disagg_figures *f = &r->dis;
	char fix[96];
	if (!f->on)
		return;
	struct strategy p = disagg_prefill_strategy(rs);
	if (!f->prefill_ok) {
		const char *why = (f->prefill_errors & CE_TP_HEADS)	   ? "its tp does not divide the heads"
				  : (f->prefill_errors & CE_EP_EXPERTS) ? "its ep exceeds the experts"
				  : (f->prefill_errors & CE_FOLD)	   ? "its experts do not fold onto dp x tp"
				  : (f->prefill_errors & CE_PP_LAYERS)  ? "its pp exceeds the layers"
									  : "the model is not valid";
		add(l, E_BAD_VALUE, "", "the prefill pool's strategy DP%ld TP%ld PP%ld EP%ld is not valid: %s", p.dp,
		    p.tp, p.pp, p.ep, why);
		return;
	}
	if (f->prefill_mem_gib > f->prefill_capacity_gib)
		add(l, E_OOM, "", "the prefill pool needs %s GiB on its fullest GPU, which holds %s: more prefill.tp or prefill.ep",
		    NUM(f->prefill_mem_gib), NUM(f->prefill_capacity_gib));
	if (r->ok && f->prefill_util >= 0.9) {
		snprintf(fix, sizeof fix, "set disagg.prefill_workers %ld", rs->disagg.prefill_workers + 1);
		add(l, W_TTFT, fix,
		    "the prefill pool is %.0f%% busy: requests wait %s s for it (it starts %s requests/s at most)",
		    100.0 * f->prefill_util, NUM(f->queue_s), NUM(f->prefill_rate_max));
	}
}

/* ---- memory ---- */

static long largest_fitting_batch(const struct scenario *s)
{
	struct scenario copy;
	struct result r;
	long lo = 0, hi = s->work.batch;

	while (lo < hi) {
		long mid = lo + (hi - lo + 1) / 2;
		eval_with(s, f_batch, mid, &copy, &r);
		if (fits(&r))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* More GPUs per copy of the weights: the first of pp, ep, tp doubled
 * (to the next valid value) that makes everything fit. */
static bool oom_strategy_fix(const struct scenario *s, char *fix, size_t len)
{
	static const struct { const char *name; long *(*field)(struct scenario *); } knobs[] = {
		{ "pp", f_pp }, { "ep", f_ep }, { "tp", f_tp },
	};
	struct scenario copy;
	struct result r;

	for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
		long v = *knobs[i].field((struct scenario *)s);
		for (int tries = 0; tries < 8; tries++) {
			v *= 2;
			eval_with(s, knobs[i].field, v, &copy, &r);
			if (r.errors & ~(unsigned)CE_FOLD) {
				if (r.errors & (CE_TP_HEADS))
					continue;
				break;
			}
			if (r.errors & CE_FOLD) {
				/* keep dp*tp a multiple of ep */
				long ep = copy.strat.ep, tp = copy.strat.tp;
				long step = ep / gcd_long(ep, tp);
				copy.strat.dp = (copy.strat.dp + step - 1) / step * step;
				cost_evaluate(&copy, &r);
				if (!fits(&r))
					continue;
				snprintf(fix, len, "set %s %ld; set dp %ld", knobs[i].name, v, copy.strat.dp);
				return true;
			}
			if (fits(&r)) {
				snprintf(fix, len, "set %s %ld", knobs[i].name, v);
				return true;
			}
		}
	}
	return false;
}

static void memory(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	const struct device_mem *w = &r->dev[r->worst_device];
	char fix[96] = "", where[64];

	snprintf(where, sizeof where, "stage %d (%ld expert%s, %s GPU%s)", w->stage, w->experts,
		 w->experts == 1 ? "" : "s", NUM(w->count), w->count == 1 ? "" : "s");
	if (w->total_gib > w->capacity_gib) {
		long b = fixes ? largest_fitting_batch(s) : 0;
		if (b >= 1)
			snprintf(fix, sizeof fix, "set batch %ld", b);
		else if (fixes)
			oom_strategy_fix(s, fix, sizeof fix);
		add(l, E_OOM, fix, "%s needs %s GiB of %s GiB: %s GiB missing (weights %s, KV %s, activations %s)",
		    where, NUM(w->total_gib), NUM(w->capacity_gib), NUM(w->total_gib - w->capacity_gib),
		    NUM(w->weights_gib), NUM(w->kv_gib), NUM(w->act_gib));
		return;
	}
	if (w->total_gib > 0.9 * w->capacity_gib)
		add(l, W_MEM_TIGHT, "", "%s uses %s of %s GiB (%.0f%%): little headroom for fragmentation",
		    where, NUM(w->total_gib), NUM(w->capacity_gib), 100.0 * w->total_gib / w->capacity_gib);
}

/* ---- the serving layer: what the engine admits, what it serves ---- */

static void admission(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	const struct workload *w = &s->work;
	const char *eng = serve_engine_name(w->engine);
	char fix[96] = "";
	if (w->mode != MODE_SERVING || w->engine == ENGINE_NONE)
		return;
	double tokens = (double)(w->prompt_len + w->output_len);
	if (r->admit_none) {
		if (fixes)
			oom_strategy_fix(s, fix, sizeof fix);
		add(l, E_OOM, fix, "the %s KV pool holds %s tokens per replica: not one sequence of %s tokens",
		    eng, NUM(r->kv_capacity_tokens / (double)s->strat.dp), NUM(tokens));
		return;
	}
	if (r->overloaded) {
		if (fixes)
			snprintf(fix, sizeof fix, "set workload.rate %s", NUM(0.9 * r->max_rate));
		add(l, E_OVERLOAD, fix, "%s requests/s arrive and at most %s are served: the queue grows without end",
		    NUM(w->rate), NUM(r->max_rate));
		return;
	}
	double per_replica = ceil((double)w->batch / (double)s->strat.dp);
	if (w->arrival != ARRIVAL_CLOSED || r->admit_cap == ADMIT_ALL || r->running_per_replica >= per_replica)
		return;
	if (fixes)
		snprintf(fix, sizeof fix, "set batch %s", NUM(r->running_per_replica * (double)s->strat.dp));
	if (r->admit_cap == ADMIT_KV)
		add(l, W_KV_ADMISSION, fix,
		    "the %s KV pool (%s tokens per replica) runs %s of the %s sequences of %s tokens; the other %s wait %s s for a slot",
		    eng, NUM(r->kv_capacity_tokens / (double)s->strat.dp), NUM(r->running_per_replica),
		    NUM(per_replica), NUM(tokens), NUM(per_replica - r->running_per_replica), NUM(r->queue_wait_s));
	else
		add(l, W_KV_ADMISSION, fix, "%s runs at most %s sequences per replica (engine.max_seqs) of %s in flight; the rest wait %s s",
		    eng, NUM(r->running_per_replica), NUM(per_replica), NUM(r->queue_wait_s));
}

/* Decode past the engine's CUDA graphs: every kernel of the step is
 * launched from the host, a cost the figures (graphs throughout) omit.
 * s resolved: SGLang's graphs follow its instance, which needs etp. */
static void graphs(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	const struct workload *w = &s->work;
	char fix[96] = "";
	if (w->mode != MODE_SERVING || w->engine == ENGINE_NONE || !(r->running_per_replica > 0))
		return;
	long cap = serve_engine_graph_max_seqs(w->engine, &s->engine, &s->hw, &s->model, &s->strat, w->spec_tokens);
	if (!serve_past_graphs(cap, r->running_per_replica))
		return;
	double running = ceil(r->running_per_replica);
	if (fixes)
		snprintf(fix, sizeof fix, "set engine.graph_max_seqs %s", NUM(running));
	add(l, W_NO_GRAPH, fix,
	    "%s decodes %s sequences per replica a step, past the %ld its CUDA graphs hold (engine.graph_max_seqs): "
	    "such a step launches each kernel from the host, which these figures do not count",
	    serve_engine_display_name(w->engine), NUM(running), cap);
}

/* ---- requirements ---- */

static void target(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	double tgt = s->req.tokens_per_ms_per_gpu, ceil_v = r->ceiling_tokens_per_ms_per_gpu;
	char fix[96];

	if (isnan(tgt) || isnan(ceil_v))
		return;
	if (tgt > ceil_v) {
		snprintf(fix, sizeof fix, "set requirements.tokens_per_ms_per_gpu %s", NUM(floor(ceil_v)));
		add(l, E_TARGET_IMPOSSIBLE, fix,
		    "the target of %s tok/ms/GPU is above the compute ceiling of %s (%s TFLOP/s x mfu %s over 2 x %s active parameters): no strategy reaches it on this GPU",
		    NUM(tgt), NUM(ceil_v), NUM(r->peak_tflops), NUM(s->hw.mfu), PARAMS(r->params.active));
		return;
	}
	if (!r->ok || r->tokens_per_ms_per_gpu >= tgt)
		return;
	/* A larger batch amortises the weight reads: find one that reaches it. */
	struct scenario copy;
	struct result rr;
	fix[0] = '\0';
	for (long b = s->work.batch * 2; fixes && b <= s->work.batch * 1024; b *= 2) {
		eval_with(s, f_batch, b, &copy, &rr);
		if (!fits(&rr))
			break;
		if (rr.tokens_per_ms_per_gpu >= tgt) {
			snprintf(fix, sizeof fix, "set batch %ld", b);
			break;
		}
	}
	add(l, W_THROUGHPUT, fix, "%s tok/ms/GPU is under the %s target; the compute ceiling is %s",
	    NUM(r->tokens_per_ms_per_gpu), NUM(tgt), NUM(ceil_v));
}

/* Percentile requirements: over, or checked against the mean where the
 * evaluation derives no percentiles. */
static void tail(const struct scenario *s, const struct result *r, struct diag_list *l)
{
	const struct requirements *q = &s->req;
	const struct {
		int code;
		const char *what, *unit;
		double bound, value, derived;
	} t[4] = {
		{ W_TTFT, "TTFT p90", "s", q->ttft_p90_s, result_ttft_tail(r, 0), r->ttft_pct_s[1] },
		{ W_TTFT, "TTFT p99", "s", q->ttft_p99_s, result_ttft_tail(r, 1), r->ttft_pct_s[2] },
		{ W_TPOT, "TPOT p90", "ms", q->tpot_p90_ms, result_tpot_tail(r, 0), r->tpot_pct_ms[1] },
		{ W_TPOT, "TPOT p99", "ms", q->tpot_p99_ms, result_tpot_tail(r, 1), r->tpot_pct_ms[2] },
	};
	bool mean_used = false;
	for (int i = 0; i < 4; i++) {
		if (isnan(t[i].bound))
			continue;
		mean_used = mean_used || !isfinite(t[i].derived);
		if (t[i].value > t[i].bound)
			add(l, t[i].code, "", "%s %s %s is over the %s %s requirement%s", t[i].what, NUM(t[i].value), t[i].unit,
			    NUM(t[i].bound), t[i].unit, isfinite(t[i].derived) ? "" : " (the mean stands for it)");
	}
	if (mean_used)
		add(l, I_TAIL, "",
		    "percentile requirements are checked against the mean here: percentiles are derived for a closed loop "
		    "served by an engine (workload.mode serving, workload.engine)");
}

static void latency(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	struct scenario copy;
	struct result rr;
	char fix[96] = "";

	if (!isnan(s->req.ttft_s) && r->ttft_s > s->req.ttft_s) {
		/* More replicas shorten each replica's prefill. */
		for (long dp = s->strat.dp * 2; fixes && dp <= s->strat.dp * 64 && dp <= s->work.batch; dp *= 2) {
			eval_with(s, f_dp, dp, &copy, &rr);
			if (fits(&rr) && rr.ttft_s <= s->req.ttft_s) {
				snprintf(fix, sizeof fix, "set dp %ld", dp);
				break;
			}
		}
		add(l, W_TTFT, fix, "TTFT %s s is over the %s s requirement", NUM(r->ttft_s),
		    NUM(s->req.ttft_s));
	}
	fix[0] = '\0';
	if (!isnan(s->req.tpot_ms) && r->tpot_ms > s->req.tpot_ms) {
		for (long tp = s->strat.tp + 1; fixes && tp <= s->model.heads; tp++) {
			if (s->model.heads % tp)
				continue;
			eval_with(s, f_tp, tp, &copy, &rr);
			if (fits(&rr) && rr.tpot_ms <= s->req.tpot_ms) {
				snprintf(fix, sizeof fix, "set tp %ld", tp);
				break;
			}
		}
		add(l, W_TPOT, fix, "TPOT %s ms is over the %s ms requirement", NUM(r->tpot_ms),
		    NUM(s->req.tpot_ms));
	}
	if (!isnan(s->req.tokens_per_s_per_user) && r->tokens_per_s_per_user < s->req.tokens_per_s_per_user)
		add(l, W_TPOT, "", "%s tokens/s per user (TPOT %s ms) is under the %s required", NUM(r->tokens_per_s_per_user),
		    NUM(r->tpot_ms), NUM(s->req.tokens_per_s_per_user));
	tail(s, r, l);
}

/* ---- layout quality ---- */

static void layout(const struct scenario *s, const struct result *r, struct diag_list *l)
{
	const struct model *m = &s->model;
	const struct strategy *st = &s->strat;
	long gpn = s->hw.gpus_per_node;
	char fix[96];

	if (m->experts % st->ep) {
		long best = 1, etp = r->etp > 0 ? r->etp : 1;
		for (long e = 1; e <= st->ep; e++)
			if (m->experts % e == 0 && r->G % (e * etp) == 0)
				best = e;
		snprintf(fix, sizeof fix, "set ep %ld", best);
		add(l, W_EP_UNEVEN, fix, "%ld experts do not divide evenly over ep %ld: ranks hold %ld or %ld; the fuller ones set the pace",
		    m->experts, st->ep, r->experts_max, r->experts_min);
	}
	if (m->layers % st->pp) {
		snprintf(fix, sizeof fix, "set pp %ld", nearest_divisor(m->layers, st->pp));
		add(l, W_PP_UNEVEN, fix, "%ld layers do not divide evenly over pp %ld: stages hold %ld or %ld; the slowest sets the pace",
		    m->layers, st->pp, m->layers / st->pp + 1, m->layers / st->pp);
	}
	if (m->attention == ATTN_GQA && st->tp > m->kv_heads) {
		snprintf(fix, sizeof fix, "set tp %ld", m->kv_heads);
		add(l, W_KV_REPLICATED, fix, "tp %ld exceeds the %ld KV heads: each KV head is stored on %ld GPUs",
		    st->tp, m->kv_heads, st->tp / m->kv_heads);
	}
	if (!r->tp_intra && st->tp > 1) {
		snprintf(fix, sizeof fix, "set tp %ld", nearest_divisor(gpn, st->tp > gpn ? gpn : st->tp));
		add(l, W_TP_CROSS_NODE, fix, "the TP group of %ld GPUs spans nodes of %ld: its all-reduce runs at %s GB/s",
		    st->tp, gpn, NUM(s->hw.inter_gbps));
	}
	/* with dp 1 the experts move no tokens: no all-to-all to cross nodes */
	if (r->layout_ok && !r->ep_intra && st->dp > 1)
		add(l, W_EP_CROSS_NODE, "", "the EP group of %ld spans %ld nodes: %ld of %ld all-to-all shares cross nodes at %s GB/s",
		    st->ep, (st->ep + r->ep_per_node - 1) / r->ep_per_node, st->ep - r->ep_per_node, st->ep,
		    NUM(s->hw.inter_gbps));
	if (s->work.batch % st->dp) {
		long up = (s->work.batch + st->dp - 1) / st->dp * st->dp;
		snprintf(fix, sizeof fix, "set batch %ld", up);
		if (s->work.batch < st->dp)
			add(l, W_BATCH_DP, fix, "batch %ld is smaller than dp %ld: %ld replicas sit idle",
			    s->work.batch, st->dp, st->dp - s->work.batch);
		else
			add(l, W_BATCH_DP, fix, "batch %ld is not a multiple of dp %ld: replicas get %ld or %ld sequences",
			    s->work.batch, st->dp, s->work.batch / st->dp + 1, s->work.batch / st->dp);
	}
	if (s->work.mode == MODE_STATIC && st->pp > 1 && s->work.microbatches < st->pp) {
		snprintf(fix, sizeof fix, "set mb %ld", st->pp);
		add(l, W_BUBBLE, fix, "pp %ld with %ld microbatch%s: each stage idles %.0f%% of the prefill",
		    st->pp, s->work.microbatches, s->work.microbatches == 1 ? "" : "es",
		    r->ok ? 100.0 * r->prefill.bubble_s / r->prefill.time_s
			  : 100.0 * (double)(st->pp - 1) / (double)(st->pp + s->work.microbatches - 1));
	}
	if (s->work.mode == MODE_SERVING && s->work.microbatches > 1)
		add(l, I_SERVING_MB, "set mb 1", "microbatches %ld is ignored in serving mode",
		    s->work.microbatches);
}

/* Phase time of a candidate, or infinity when it is invalid or does not fit. */
static double phase_time(const struct scenario *c, bool decode)
{
	struct result r;
	cost_evaluate(c, &r);
	if (!fits(&r))
		return INFINITY;
	return decode ? r.decode.time_s : r.prefill.time_s;
}

/* Regroup the same GPUs so the offending collective spans fewer of them:
 * a smaller tp (more dp), or a smaller ep, or expert TP off.  The best
 * candidate that shortens the phase becomes the fix. */
static void regroup_fix(const struct scenario *s, int bound, bool decode, double now,
			char *fix, size_t len)
{
	const struct strategy *st = &s->strat;
	struct scenario c;
	double best = now * 0.98;

	fix[0] = '\0';
	if (bound == BOUND_COMM_TP) {
		for (long tp = st->tp / 2; tp >= 1; tp--) {
			if (st->tp % tp || s->model.heads % tp)
				continue;
			c = *s;
			c.strat.tp = tp;
			c.strat.dp = st->dp * (st->tp / tp);
			double t = phase_time(&c, decode);
			if (t < best) {
				best = t;
				snprintf(fix, len, "set tp %ld; set dp %ld", tp, c.strat.dp);
			}
		}
	} else if (bound == BOUND_COMM_EP) {
		for (long ep = st->ep - 1; ep >= 1; ep--) {
			if (s->model.experts % ep)
				continue;
			c = *s;
			c.strat.ep = ep;
			double t = phase_time(&c, decode);
			if (t < best) {
				best = t;
				snprintf(fix, len, "set ep %ld", ep);
			}
		}
	} else if (bound == BOUND_COMM_ETP) {
		c = *s;
		c.strat.etp = 1;
		if (phase_time(&c, decode) < best)
			snprintf(fix, len, "set etp 1");
	}
}

static void comm_bound(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	static const char *const what[] = {
		[COMM_TP] = "TP all-reduce", [COMM_EP] = "EP all-to-all",
		[COMM_ETP] = "expert-TP all-reduce", [COMM_PP] = "pipeline sends",
	};
	const struct phase *phases[2] = { &r->prefill, &r->decode };
	const char *names[2] = { "prefill", "decode" };
	char fix[96];

	for (int p = 0; p < 2; p++) {
		const struct phase *ph = phases[p];
		if (!(ph->comm_total_s > 0.3 * ph->time_s))
			continue;
		int top = BOUND_COMM_TP;
		for (int b = BOUND_COMM_EP; b <= BOUND_COMM_PP; b++)
			if (ph->part_s[b] > ph->part_s[top])
				top = b;
		fix[0] = '\0';
		if (fixes)
			regroup_fix(s, top, p == 1, ph->time_s, fix, sizeof fix);
		add(l, W_COMM_BOUND, fix, "%s spends %.0f%% of its time in exposed communication, mostly %s",
		    names[p], 100.0 * ph->comm_total_s / ph->time_s, what[top - BOUND_COMM_TP]);
	}
}

enum category { CAT_COMPUTE, CAT_MEMORY, CAT_COMM, CAT_BUBBLE, CAT_HOST, CAT_COUNT };

/* The largest of compute, memory, communication (every kind together), the
 * bubble and the host side; its share of the span in *pct. */
static int largest_category(const struct phase *ph, double *pct)
{
	double span = cost_phase_span(ph);
	double part[CAT_COUNT] = { ph->part_s[BOUND_COMPUTE], ph->part_s[BOUND_MEMORY],
				   ph->part_s[BOUND_COMM_TP] + ph->part_s[BOUND_COMM_EP] + ph->part_s[BOUND_COMM_ETP] +
					   ph->part_s[BOUND_COMM_PP],
				   ph->part_s[BOUND_BUBBLE], ph->part_s[BOUND_HOST] };
	int c = 0;
	for (int i = 1; i < CAT_COUNT; i++)
		if (part[i] > part[c])
			c = i;
	*pct = span > 0 ? 100.0 * part[c] / span : 0;
	return c;
}

/* The kinds of communication in a phase, largest first: "EP 24, TP 24,
 * ETP 12" (shares of the span in %), or without the shares "EP TP ETP". */
static void comm_kinds(const struct phase *ph, bool shares, char *buf, size_t len)
{
	static const char *const kinds[] = { "TP", "EP", "ETP", "PP" };
	double span = cost_phase_span(ph);
	int order[4] = { 0, 1, 2, 3 };
	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0 && ph->part_s[BOUND_COMM_TP + order[j]] > ph->part_s[BOUND_COMM_TP + order[j - 1]];
		     j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < 4 && n < len; i++) {
		double share = span > 0 ? 100.0 * ph->part_s[BOUND_COMM_TP + order[i]] / span : 0;
		if (share < 0.5)
			continue;
		if (shares)
			n += (size_t)snprintf(buf + n, len - n, "%s%s %.0f", n ? ", " : "", kinds[order[i]], share);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", kinds[order[i]]);
	}
}

void diag_bottleneck_words(const struct phase *ph, bool compact, char *buf, size_t len)
{
	double pct;
	char kinds[64];
	int c = largest_category(ph, &pct);
	if (c != CAT_COMM) {
		static const char *const words[CAT_COUNT] = { "compute-bound", "HBM-bound", "", "pipeline bubble",
							      "host-bound" };
		snprintf(buf, len, "%s %.0f%%", words[c], pct);
		return;
	}
	comm_kinds(ph, !compact, kinds, sizeof kinds);
	snprintf(buf, len, compact ? "comm %.0f%%: %s" : "communication %.0f%% (%s)", pct, kinds);
}

void diag_bound_sentence(const struct scenario *s, const struct result *r, bool decode,
			 char *buf, size_t len)
{
	const struct phase *ph = decode ? &r->decode : &r->prefill;
	const char *name = decode ? "decode" : "prefill";
	const char *unit = decode ? "step" : "time";
	double span = cost_phase_span(ph);
	double pct = span > 0 ? 100.0 * ph->part_s[ph->bottleneck] / span : 0;

	switch (ph->bottleneck) {
	case BOUND_COMPUTE:
		snprintf(buf, len, "%s is compute-bound: %.0f%% of the %s in matmuls at %s TFLOP/s effective",
			 name, pct, unit, NUM(r->peak_tflops * s->hw.mfu));
		break;
	case BOUND_MEMORY:
		snprintf(buf, len, "%s is HBM-bound: %.0f%% of the %s reads weights and KV cache", name,
			 pct, unit);
		break;
	case BOUND_BUBBLE:
		snprintf(buf, len, "%s is pipeline-bound: %.0f%% of the %s is bubble", name, pct, unit);
		break;
	case BOUND_HOST:
		/* SGLang's decode in a closed loop also waits for its wave's prefill */
		snprintf(buf, len, "%s is host-bound: %.0f%% of the %s is off the GPU: the engine's host side "
			 "(scheduling, sampling, streaming)%s", name, pct, unit,
			 s->work.engine == ENGINE_SGLANG && s->work.arrival == ARRIVAL_CLOSED && decode
				 ? " and the wait for the wave's prefill" : "");
		break;
	default: {
		static const char *const what[] = { "TP all-reduce", "EP all-to-all",
						    "expert-TP all-reduce", "pipeline sends" };
		snprintf(buf, len, "%s is communication-bound: %.0f%% of the %s in %s", name, pct, unit,
			 what[ph->bottleneck - BOUND_COMM_TP]);
		break;
	}
	}
	/* communication as a whole may outweigh the largest single part */
	double cat_pct;
	if (largest_category(ph, &cat_pct) == CAT_COMM && ph->bottleneck < BOUND_COMM_TP) {
		char kinds[64];
		comm_kinds(ph, true, kinds, sizeof kinds);
		snprintf(buf, len, "%s is communication-bound: %.0f%% of the %s in communication (%s)", name, cat_pct,
			 unit, kinds);
	}
}

static void sort_by_severity(struct diag_list *l)
{
	/* insertion sort: stable, and the list is short */
	for (int i = 1; i < l->n; i++) {
		struct diag d = l->items[i];
		int j = i - 1;
		while (j >= 0 && l->items[j].severity > d.severity) {
			l->items[j + 1] = l->items[j];
			j--;
		}
		l->items[j + 1] = d;
	}
}

/* Speculative decoding as the cost model takes it. */
static void speculation(const struct scenario *rs, struct diag_list *l)
{
	const struct workload *w = &rs->work;
	char fix[64];
	if (w->spec_tokens <= 0)
		return;
	if (w->spec_accepted > (double)w->spec_tokens) {
		snprintf(fix, sizeof fix, "set workload.spec_accepted %ld", w->spec_tokens);
		add(l, W_SPEC, fix,
		    "workload.spec_accepted (%s) is above workload.spec_tokens (%ld): a step accepts at most the drafts it proposes; %ld is used",
		    NUM(w->spec_accepted), w->spec_tokens, w->spec_tokens);
	}
	if (rs->model.mtp_layers <= 0)
		add(l, I_SPEC, "",
		    "%s has no multi-token-prediction layers: the draft is taken as one decoder layer (an EAGLE-style head)",
		    rs->model.name);
	add(l, I_SPEC, "", "speculative decoding: a step verifies %ld draft token%s and emits %s tokens a sequence",
	    w->spec_tokens, w->spec_tokens == 1 ? "" : "s",
	    NUM(1.0 + (w->spec_accepted < (double)w->spec_tokens ? w->spec_accepted : (double)w->spec_tokens)));
}

static void collect(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes);

/* A fix ("set KEY VALUE; set KEY VALUE") applied to s; false when it is
 * not one or a value is refused. */
static bool fix_apply(const char *fix, struct scenario *s)
{
	char buf[sizeof ((struct diag *)0)->fix], err[300];
	snprintf(buf, sizeof buf, "%s", fix);
	for (char *save = NULL, *cmd = strtok_r(buf, ";", &save); cmd; cmd = strtok_r(NULL, ";", &save)) {
		while (*cmd == ' ')
			cmd++;
		char *key = cmd + 4, *value = strchr(key, ' ');
		if (strncmp(cmd, "set ", 4) != 0 || !value)
			return false;
		*value++ = '\0';
		const struct key *k = key_find(key);
		if (!k || key_set(s, k, value, err, sizeof err) != 0)
			return false;
	}
	return true;
}

static int count_code(const struct diag_list *l, int code)
{
	int n = 0;
	for (int i = 0; i < l->n; i++)
		n += l->items[i].code == code;
	return n;
}

/* Whether applying a fix of a `code` diagnostic removes one such problem
 * without adding an error the scenario did not have: a fix that trades
 * uneven experts for running out of memory is no fix. */
static bool fix_helps(const struct scenario *s, const struct diag_list *before, int code, const char *fix)
{
	static struct scenario t;
	static struct result r;
	static struct diag_list after;   /* large: off the stack */
	t = *s;
	if (!fix_apply(fix, &t))
		return false;
	cost_evaluate(&t, &r);
	collect(&t, &r, &after, false);
	if (count_code(&after, code) >= count_code(before, code))
		return false;
	for (int i = 0; i < after.n; i++)
		if (after.items[i].severity == SEV_ERROR && count_code(before, after.items[i].code) == 0)
			return false;
	return true;
}

/* Uneven experts: the largest ep below that divides them (and the GPUs)
 * and leaves the scenario without a new error, or none. */
static void ep_fix(const struct scenario *s, const struct result *r, const struct diag_list *l, struct diag *d)
{
	long etp = r->etp > 0 ? r->etp : 1;
	d->fix[0] = '\0';
	for (long e = s->strat.ep - 1; e >= 1; e--) {
		char fix[sizeof d->fix];
		if (s->model.experts % e || r->G % (e * etp))
			continue;
		snprintf(fix, sizeof fix, "set ep %ld", e);
		if (fix_helps(s, l, W_EP_UNEVEN, fix)) {
			snprintf(d->fix, sizeof d->fix, "%s", fix);
			return;
		}
	}
	/* else replicas as many as the experts' nearest divisor, below and
	 * then above: other GPUs, the same layout (DEP43 to DEP32) */
	const struct strategy *st = &s->strat;
	if (st->dp != st->ep)
		return;
	long below = 0, above = 0;
	for (long e = 1; e <= s->model.experts; e++) {
		if (s->model.experts % e)
			continue;
		if (e < st->ep)
			below = e;
		else if (e > st->ep && !above)
			above = e;
	}
	const long tries[2] = { below, above };
	for (int i = 0; i < 2; i++) {
		char fix[sizeof d->fix];
		if (tries[i] < 2)
			continue;
		snprintf(fix, sizeof fix, "set dp %ld; set ep %ld", tries[i], tries[i]);
		if (fix_helps(s, l, W_EP_UNEVEN, fix)) {
			snprintf(d->fix, sizeof d->fix, "%s", fix);
			return;
		}
	}
}

/* Every fix offered is one that helps (fix_helps); the rest are dropped. */
static void keep_fixes_that_help(const struct scenario *s, const struct result *r, struct diag_list *l)
{
	for (int i = 0; i < l->n; i++) {
		struct diag *d = &l->items[i];
		if (!d->fix[0] || fix_helps(s, l, d->code, d->fix))
			continue;
		if (d->code == W_EP_UNEVEN)
			ep_fix(s, r, l, d);
		else
			d->fix[0] = '\0';
	}
}

static void collect(const struct scenario *s, const struct result *r, struct diag_list *l, bool fixes)
{
	struct scenario rs;
	char buf[200];

	l->n = 0;
	scenario_resolve(s, &rs);
	structure(&rs, r, l);
	if (r->params_ok && rs.model.params_b > 0) {
		double declared = rs.model.params_b * 1e9;
		if (fabs(r->params.total - declared) > 0.05 * declared)
			add(l, W_PARAMS, "", "the derived total of %s parameters differs from the declared %s B by %.0f%%",
			    PARAMS(r->params.total), NUM(rs.model.params_b),
			    100.0 * (r->params.total - declared) / declared);
	}
	speculation(&rs, l);
	if (rs.work.range_ratio > 0)
		add(l, I_SPREAD, "",
		    "lengths spread by %s about their means: the figures are the mean lengths', the prompt's attention takes "
		    "E[S^2] = S^2 (1 + r^2/3); admission and the TTFT and TPOT percentiles do not widen with the spread",
		    NUM(rs.work.range_ratio));
	disaggregation(&rs, r, l);
	target(s, r, l, fixes);
	if (!(r->errors & (CE_TP_HEADS | CE_EP_EXPERTS | CE_PP_LAYERS | CE_BAD_MODEL)))
		layout(&rs, r, l);
	if (r->ok) {
		memory(s, r, l, fixes);
		admission(s, r, l, fixes);
		graphs(&rs, r, l, fixes);
		latency(s, r, l, fixes);
		comm_bound(s, r, l, fixes);
		diag_bound_sentence(s, r, false, buf, sizeof buf);
		add(l, I_BOUND, "", "%s", buf);
		diag_bound_sentence(s, r, true, buf, sizeof buf);
		add(l, I_BOUND, "", "%s", buf);
	}
	if (fixes)
		keep_fixes_that_help(s, r, l);
	sort_by_severity(l);
}

void diag_collect(const struct scenario *s, const struct result *r, struct diag_list *l)
{
	collect(s, r, l, true);
}

void diag_collect_quick(const struct scenario *s, const struct result *r, struct diag_list *l)
{
	collect(s, r, l, false);
}
