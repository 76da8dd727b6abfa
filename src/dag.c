/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "dag.h"
#include "deploy_disagg.h"
#include "diag.h"
#include "numfmt.h"
#include "strategy_parse.h"

struct layout_info {
	long N, G, gpn, dp, tp, pp, ep, etp, E, L;
	const struct result *r;
};

struct ranks {
	long stage, j, tp, dp, etp, ep, edp, node;
};

static void ranks_of(const struct layout_info *li, long i, struct ranks *k)
{
	k->stage = i / li->G;
	k->j = i % li->G;
	k->tp = k->j % li->tp;
	k->dp = k->j / li->tp;
	k->etp = k->j % li->etp;
	k->ep = (k->j / li->etp) % li->ep;
	k->edp = k->j / (li->etp * li->ep);
	k->node = i / li->gpn;
}

static char *bytes(double b, char *buf, size_t len)
{
	fmt_si(b, buf, len);
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "B");
	return buf;
}
#define B(v) bytes((v), (char[32]){ 0 }, 32)

static void range_text(long first, long count, char *buf, size_t len)
{
	if (count <= 0)
		snprintf(buf, len, "none");
	else if (count == 1)
		snprintf(buf, len, "%ld", first);
	else
		snprintf(buf, len, "%ld-%ld", first, first + count - 1);
}

static void gpu_box(const struct sink *k, const struct layout_info *li, long i)
{
	struct ranks rk;
	char layers[32], experts[32];
	long lf, lc, ef, ec;

	ranks_of(li, i, &rk);
	cost_stage_span(li->L, li->pp, rk.stage, &lf, &lc);
	cost_expert_span(li->E, li->ep, rk.ep, &ef, &ec);
	range_text(lf, lc, layers, sizeof layers);
	range_text(ef, ec, experts, sizeof experts);
	sink_printf(k, "      gpu%ld [label=\"GPU %ld\\ntp %ld  dp %ld\\nep %ld  etp %ld  edp %ld\\nlayers %s\\nexperts %s%s\"];\n",
		    i, i, rk.tp, rk.dp, rk.ep, rk.etp, rk.edp, layers, experts, li->etp > 1 ? " (1/etp each)" : "");
}

/* The ranks marked in seen[from..to]: "0-3" when contiguous, else
 * "0,2,5" (shortened).  Clears them for the next group. */
static void rank_set(bool *seen, long from, long to, char *buf, size_t len)
{
	long count = 0;
	for (long r = from; r <= to; r++)
		count += seen[r];
	if (count == to - from + 1) {
		range_text(from, count, buf, len);
	} else {
		size_t used = 0;
		buf[0] = '\0';
		for (long r = from; r <= to && used + 8 < len; r++)
			if (seen[r])
				used += (size_t)snprintf(buf + used, len - used, used ? ",%ld" : "%ld", r);
	}
	memset(seen + from, 0, (size_t)(to - from + 1) * sizeof *seen);
}

/* One box per (machine, stage) pair, for the grouped drawing.  dp_seen and
 * ep_seen are all false, and are left so: the work is in proportion to the
 * GPUs of the box, so that 65536 GPUs draw at once. */
static void group_box(const struct sink *k, const struct layout_info *li, long node, long stage,
		      bool *dp_seen, bool *ep_seen)
{
	long lo = node * li->gpn > stage * li->G ? node * li->gpn : stage * li->G;
	long hi_node = (node + 1) * li->gpn, hi_stage = (stage + 1) * li->G;
	long hi = (hi_node < hi_stage ? hi_node : hi_stage) - 1;
	long dp_lo = li->dp, dp_hi = -1, ep_lo = li->ep, ep_hi = -1;
	char layers[32], dps[96], eps[96];
	long lf, lc;

	for (long i = lo; i <= hi; i++) {
		struct ranks rk;
		ranks_of(li, i, &rk);
		dp_seen[rk.dp] = ep_seen[rk.ep] = true;
		dp_lo = rk.dp < dp_lo ? rk.dp : dp_lo;
		dp_hi = rk.dp > dp_hi ? rk.dp : dp_hi;
		ep_lo = rk.ep < ep_lo ? rk.ep : ep_lo;
		ep_hi = rk.ep > ep_hi ? rk.ep : ep_hi;
	}
	rank_set(dp_seen, dp_lo, dp_hi, dps, sizeof dps);
	rank_set(ep_seen, ep_lo, ep_hi, eps, sizeof eps);
	cost_stage_span(li->L, li->pp, stage, &lf, &lc);
	range_text(lf, lc, layers, sizeof layers);
	sink_printf(k, "      g%ld_%ld [label=\"GPUs %ld-%ld (x%ld)\\ndp ranks %s, tp 0-%ld\\nep ranks %s, etp %ld\\nlayers %s\"];\n",
		    node, stage, lo, hi, hi - lo + 1, dps, li->tp - 1, eps, li->etp, layers);
}

/* A name inside a DOT double-quoted string: a quote or backslash escaped,
 * a control character dropped; it can never end the string or the
 * statement (a model named `x" image="/etc/passwd` stays a label). */
static void dot_escape(const char *in, char *out, size_t len)
{
	size_t n = 0;
	for (; *in && n + 3 < len; in++) {
		unsigned char c = (unsigned char)*in;
		if (c < 0x20 || c == 0x7F)
			continue;
		if (c == '"' || c == '\\')
			out[n++] = '\\';
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

static void header(const struct sink *k, const struct scenario *s, const struct result *r)
{
	char strat[96];
	strategy_format(&s->strat, strat, sizeof strat);
	sink_puts(k, "digraph moescope {\n");
	char model[2 * NAME_MAX_LEN], hw[2 * NAME_MAX_LEN];
	dot_escape(s->model.name, model, sizeof model);
	dot_escape(s->hw.name, hw, sizeof hw);
	sink_printf(k, "  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", newrank=true, "
		       "label=\"%s on %s: %s, %.0f GPUs on %.0f nodes, %.0f shards\"];\n",
		    model, hw, strat, r->gpus, r->nodes, r->shards);
	sink_puts(k, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", fontname=\"Helvetica\", fontsize=10];\n");
	sink_puts(k, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
}

/* Machine clusters holding stage clusters holding GPUs (or groups). */
static void clusters(const struct sink *k, const struct layout_info *li, bool detail)
{
	long nodes = (li->N + li->gpn - 1) / li->gpn;
	/* the ranks a grouped box holds, marked and cleared box by box */
	bool *dp_seen = detail ? NULL : calloc((size_t)li->dp, sizeof *dp_seen);
	bool *ep_seen = detail ? NULL : calloc((size_t)li->ep, sizeof *ep_seen);
	bool boxes = detail || (dp_seen && ep_seen);   /* else the stages are drawn empty */
	for (long n = 0; n < nodes; n++) {
		long first = n * li->gpn, last = (n + 1) * li->gpn < li->N ? (n + 1) * li->gpn - 1 : li->N - 1;
		sink_printf(k, "  subgraph cluster_node%ld {\n    label=\"node %ld (GPUs %ld-%ld)\"; style=rounded; color=\"#888888\";\n",
			    n, n, first, last);
		for (long s = first / li->G; s <= last / li->G; s++) {
			long lf, lc;
			char layers[32];
			cost_stage_span(li->L, li->pp, s, &lf, &lc);
			range_text(lf, lc, layers, sizeof layers);
			sink_printf(k, "    subgraph cluster_node%ld_stage%ld {\n      label=\"stage %ld: layers %s\"; style=dashed; color=\"#5b8def\";\n",
				    n, s, s, layers);
			if (detail) {
				long a = first > s * li->G ? first : s * li->G;
				long b = last < (s + 1) * li->G - 1 ? last : (s + 1) * li->G - 1;
				for (long i = a; i <= b; i++)
					gpu_box(k, li, i);
			} else if (boxes) {
				group_box(k, li, n, s, dp_seen, ep_seen);
			}
			sink_puts(k, "    }\n");
		}
		sink_puts(k, "  }\n");
	}
	free(dp_seen);
	free(ep_seen);
}

static void detail_edges(const struct sink *k, const struct layout_info *li)
{
	const struct layer_comm *dec = &li->r->comm_decode, *pre = &li->r->comm_prefill;

	/* TP groups: tp consecutive GPUs, drawn as a ring */
	for (long i = 0; li->tp > 1 && i < li->N; i += li->tp) {
		for (long m = 0; m < li->tp && (li->tp > 2 || m == 0); m++) {
			long a = i + m, b = i + (m + 1) % li->tp;
			sink_printf(k, "  gpu%ld -> gpu%ld [dir=none, color=\"#3465a4\", penwidth=2, constraint=false", a, b);
			if (m == 0)
				sink_printf(k, ", label=\"TP all-reduce\\n%s decode / %s prefill\\nper layer\"",
					    B(dec->attn_ar_bytes), B(pre->attn_ar_bytes));
			sink_puts(k, "];\n");
		}
	}
	/* expert TP groups, when they are not the TP groups */
	if (li->etp > 1 && li->etp != li->tp) {
		for (long i = 0; i < li->N; i += li->etp)
			for (long m = 0; m + 1 < li->etp; m++)
				sink_printf(k, "  gpu%ld -> gpu%ld [dir=none, color=\"#4e9a06\", constraint=false%s];\n",
					    i + m, i + m + 1, m == 0 ? ", label=\"expert TP all-reduce\"" : "");
	}
	/* EP groups: one hub per group, members at stride etp */
	for (long s = 0; li->ep > 1 && s < li->pp; s++) {
		long groups = li->G / li->ep;
		for (long g = 0; g < groups; g++) {
			long edp = g / li->etp, etp_r = g % li->etp;
			sink_printf(k, "  ep_s%ld_g%ld [shape=ellipse, fillcolor=\"#fde9e7\", label=\"EP all-to-all\\n%s per layer\\n(dispatch and combine)\"];\n",
				    s, g, B(dec->moe_a2a_bytes));
			for (long r = 0; r < li->ep; r++) {
				long i = s * li->G + edp * li->etp * li->ep + r * li->etp + etp_r;
				sink_printf(k, "  ep_s%ld_g%ld -> gpu%ld [dir=none, style=dashed, color=\"#cc0000\"];\n", s, g, i);
			}
		}
	}
	/* pipeline sends: each GPU to its twin in the next stage */
	for (long i = 0; i + li->G < li->N; i++)
		sink_printf(k, "  gpu%ld -> gpu%ld [color=\"#555555\"%s];\n", i, i + li->G,
			    i % li->G == 0 ? ", label=\"activations\"" : "");
	if (li->pp > 1)
		sink_printf(k, "  // pipeline sends carry %s per decode step, %s per prefill pass\n", B(dec->p2p_bytes),
			    B(pre->p2p_bytes));
}

static void grouped_edges(const struct sink *k, const struct layout_info *li)
{
	long nodes = (li->N + li->gpn - 1) / li->gpn;
	const struct layer_comm *dec = &li->r->comm_decode;

	/* pipeline: a group to the groups holding its GPUs' twins */
	for (long n = 0; n < nodes; n++) {
		long first = n * li->gpn, last = (n + 1) * li->gpn - 1;
		if (last >= li->N)
			last = li->N - 1;
		long prev_to = -1;
		for (long i = first; i <= last; i++) {
			long t = i + li->G;
			if (t >= li->N)
				continue;
			long tn = t / li->gpn, ts = t / li->G;
			if (tn * 1000 + ts == prev_to)
				continue;
			prev_to = tn * 1000 + ts;
			sink_printf(k, "  g%ld_%ld -> g%ld_%ld [color=\"#555555\"%s];\n", n, i / li->G, tn, ts,
				    n == 0 ? ", label=\"activations\"" : "");
		}
	}
	/* EP: one hub per stage for its all-to-all groups */
	for (long s = 0; li->ep > 1 && s < li->pp; s++) {
		sink_printf(k, "  ep_s%ld [shape=ellipse, fillcolor=\"#fde9e7\", label=\"stage %ld: %ld EP all-to-all groups of %ld\\n%s per layer\"];\n",
			    s, s, li->G / li->ep, li->ep, B(dec->moe_a2a_bytes));
		long n0 = s * li->G / li->gpn, n1 = ((s + 1) * li->G - 1) / li->gpn;
		for (long n = n0; n <= n1; n++)
			sink_printf(k, "  ep_s%ld -> g%ld_%ld [dir=none, style=dashed, color=\"#cc0000\"];\n", s, n, s);
	}
	if (li->tp > 1)
		sink_printf(k, "  // TP groups of %ld consecutive GPUs (%s); all-reduce %s per layer in decode\n", li->tp,
			    li->r->tp_intra ? "inside each node" : "spanning nodes", B(dec->attn_ar_bytes));
}

/* Disaggregated: the prefill pool as one box a worker, and the KV cache
 * each request moves to the decode pool (drawn from its first GPU). */
static void prefill_pool(const struct sink *k, const struct scenario *s, const struct result *r, bool detail)
{
	struct strategy p = disagg_prefill_strategy(s);
	char b[32];
	long gp = p.dp * p.tp * p.pp;
	sink_printf(k, "  subgraph cluster_prefill {\n    label=\"prefill pool: %ld x DP%ld TP%ld PP%ld EP%ld (%ld GPUs each)\"; "
		       "style=rounded; color=\"#c17d11\";\n",
		    s->disagg.prefill_workers, p.dp, p.tp, p.pp, p.ep, gp);
	for (long w = 0; w < s->disagg.prefill_workers && w < 64; w++)
		sink_printf(k, "    prefill%ld [fillcolor=\"#fcefd9\", label=\"prefill worker %ld\\n%ld GPUs\\n%s prompt(s) a step of %s s\"];\n",
			    w, w, gp, NUM(r->dis.prompts_per_step), NUM(r->dis.prefill_step_s));
	sink_puts(k, "  }\n");
	for (long w = 0; w < s->disagg.prefill_workers && w < 64; w++)
		sink_printf(k, "  prefill%ld -> %s [color=\"#c17d11\", penwidth=2%s];\n", w,
			    detail ? "gpu0" : "g0_0",
			    w ? "" : ", label=\"KV cache\"");
	sink_printf(k, "  // KV cache: %s per request over %s, %s ms; %ld decode worker(s), one drawn\n",
		    bytes(r->dis.transfer_bytes, b, sizeof b), r->dis.transfer_intra ? "NVLink" : "the network",
		    NUM(1000.0 * r->dis.transfer_s), s->disagg.decode_workers);
}

int dag_write(const struct sink *k, const struct scenario *s, char *err, size_t errlen)
{
	struct result r;
	struct diag_list d;

	cost_evaluate(s, &r);
	if (r.errors) {
		diag_collect(s, &r, &d);
		snprintf(err, errlen, "no layout to draw: %s", d.n ? d.items[0].message : "the strategy is invalid");
		return -1;
	}
	if (r.gpus > DAG_GPUS_MAX) {
		snprintf(err, errlen, "%.0f GPUs: the graph is drawn for at most %d", r.gpus, DAG_GPUS_MAX);
		return -1;
	}
	/* disaggregated: one decode instance in detail, the prefill pool beside it */
	double drawn = r.dis.on ? (double)(s->strat.dp * s->strat.tp * s->strat.pp) : r.gpus;
	struct layout_info li = {
		.N = (long)drawn, .G = r.G, .gpn = s->hw.gpus_per_node, .dp = s->strat.dp, .tp = s->strat.tp,
		.pp = s->strat.pp, .ep = s->strat.ep, .etp = r.etp, .E = s->model.experts, .L = s->model.layers,
		.r = &r,
	};
	bool detail = li.N <= DAG_DETAIL_MAX;
	header(k, s, &r);
	clusters(k, &li, detail);
	if (detail)
		detail_edges(k, &li);
	else
		grouped_edges(k, &li);
	if (r.dis.on)
		prefill_pool(k, s, &r, detail);
	sink_puts(k, "}\n");
	return 0;
}
