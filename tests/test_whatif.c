/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What-if analysis: baseline deltas, sweeps, search, the deployment graph. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "command.h"
#include "dag.h"
#include "figures.h"
#include "search.h"
#include "sweep.h"

static void run(struct session_fixture *f, const char *line)
{
	cr_assert_eq(session_run_line(&f->ss, line, 1), 0, "%s: %s", line, f->buf.err);
}

Test(pin, show_adds_the_baseline_and_the_change)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	run(&f, "pin; set ep 8; show summary");
	/* a note beside the output, on the error stream */
	cr_expect(strstr(f.buf.err, "pinned DP16_TP4_PP1_EP16 as the baseline") != NULL);
	cr_expect(strstr(f.buf.out, "as the baseline") == NULL);
	cr_expect(strstr(f.buf.out, "vs baseline DP16_TP4_PP1_EP16, seed-10b-moe on seed-gpu-64g, batch 128 (pinned)") != NULL,
		  "%s", f.buf.out);
	/* TPOT went from 1.33 to 1.54 ms: +16% */
	cr_expect(strstr(f.buf.out, "TPOT               1.54         1.33  +16%") != NULL, "%s", f.buf.out);
	run(&f, "unpin; show summary");
	char *second = strstr(f.buf.out, "unpin") ? NULL : strrchr(f.buf.out, 'v');
	(void)second;
	fixture_close(&f);
}

Test(pin, json_delta_is_exact)
{
	struct session_fixture f;
	struct scenario a, b;
	struct result ra, rb;
	fixture_open(&f, FMT_JSON);
	run(&f, "pin; set ep 8; show");
	scenario_default(&a);
	scenario_default(&b);
	b.strat.ep = 8;
	cost_evaluate(&a, &ra);
	cost_evaluate(&b, &rb);
	char want[200];
	double pct = 100.0 * (rb.tpot_ms - ra.tpot_ms) / ra.tpot_ms;
	char num[40];
	snprintf(num, sizeof num, "%.17g", pct);
	/* shortest form: compare the value parsed back */
	const char *p = strstr(f.buf.out, "\"delta_pct\": {\"gpus\": 0");
	cr_assert_not_null(p, "%s", f.buf.out);
	p = strstr(p, "\"tpot_ms\": ");
	cr_assert_not_null(p);
	cr_expect_eq(strtod(p + 11, NULL), pct);
	snprintf(want, sizeof want, "\"baseline\": {\"strategy\": \"DP16_TP4_PP1_EP16\", \"gpus\": 64");
	cr_expect(strstr(f.buf.out, want) != NULL, "%s", f.buf.out);
	fixture_close(&f);
}

Test(sweep, values)
{
	const struct key *batch = key_find("batch"), *mfu = key_find("mfu"), *attn = key_find("model.attention");
	double v[SWEEP_MAX];
	char err[200];
	cr_expect_eq(sweep_values(batch, "1", "1024", "x2", v, SWEEP_MAX, err, sizeof err), 11);
	cr_expect_eq(v[10], 1024);
	cr_expect_eq(sweep_values(batch, "1", "10", NULL, v, SWEEP_MAX, err, sizeof err), 10);
	cr_expect_eq(sweep_values(batch, "64", "1", "x2", v, SWEEP_MAX, err, sizeof err), 7);
	cr_expect_eq(v[6], 1);
	/* x1.5 on an integer: 1, 1.5 -> 2, 2.25 -> 2 again so 3, 4.5 -> 5, 6.75 -> 7 */
	cr_expect_eq(sweep_values(batch, "1", "10", "x1.5", v, SWEEP_MAX, err, sizeof err), 5);
	cr_expect_eq(v[2], 3);
	cr_expect_eq(v[4], 7);
	cr_expect_eq(sweep_values(mfu, "0.1", "1", "0.1", v, SWEEP_MAX, err, sizeof err), 10);
	cr_expect_eq(sweep_values(batch, "1", "8", "0.5", v, SWEEP_MAX, err, sizeof err), -1);
	cr_expect(strstr(err, "whole number") != NULL, "%s", err);
	cr_expect_eq(sweep_values(batch, "0", "8", "x2", v, SWEEP_MAX, err, sizeof err), -1);
	cr_expect_eq(sweep_values(batch, "1", "8", "x1", v, SWEEP_MAX, err, sizeof err), -1);
	cr_expect_eq(sweep_values(batch, "1", "100000", "1", v, SWEEP_MAX, err, sizeof err), -1);
	cr_expect(strstr(err, "more than 1000 values") != NULL, "%s", err);
	cr_expect_eq(sweep_values(attn, "1", "2", NULL, v, SWEEP_MAX, err, sizeof err), -1);
	cr_expect_eq(sweep_values(batch, "a", "2", NULL, v, SWEEP_MAX, err, sizeof err), -1);
}

Test(sweep, rows_match_single_evaluations)
{
	static struct sweep sw;
	struct scenario s, c;
	struct result r;
	char err[200];
	double v[SWEEP_MAX];
	scenario_default(&s);
	const struct key *k = key_find("batch");
	int n = sweep_values(k, "1", "1024", "x2", v, SWEEP_MAX, err, sizeof err);
	cr_assert_eq(sweep_run(&s, k, v, n, &sw, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sw.n, 11);
	for (int i = 0; i < sw.n; i++) {
		c = s;
		c.work.batch = (long)v[i];
		cost_evaluate(&c, &r);
		for (int f = 0; f < FIG_COUNT; f++)
			cr_expect_eq(sw.rows[i].fig[f], figure_value(&r, f), "row %d figure %d", i, f);
		cr_expect_eq(sw.rows[i].decode_bound, r.decode.bottleneck);
	}
}

Test(sweep, command_text_and_out_of_range)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	run(&f, "sweep batch 1 1024 x2");
	cr_expect(strstr(f.buf.out, "sweep workload.batch over 11 values") != NULL);
	cr_expect(strstr(f.buf.out, "decode is bound by HBM\n") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "decode ops stay memory-bound up to batch 1024\n") != NULL, "%s", f.buf.out);
	cr_expect_not_null(f.ss.last_sweep);
	cr_expect_eq(session_run_line(&f.ss, "sweep mfu 0.5 2 0.5", 1), -1);
	cr_expect(strstr(f.buf.err, "hardware.mfu: expected a number above 0 up to 1, got '1.5'") != NULL, "%s", f.buf.err);
	cr_expect_eq(session_run_line(&f.ss, "sweep bach 1 2", 2), -1);
	cr_expect(strstr(f.buf.err, "did you mean 'batch'") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* ---- search against a brute force over a small space ---- */

struct brute {
	int feasible;
	struct candidate best;
	struct candidate all[20000];
};

static bool feasible(const struct scenario *s, const struct result *r)
{
	return r->ok && r->max_total_gib <= r->capacity_gib && r->ttft_s <= s->req.ttft_s;
}

/* Every combination up to 8 GPUs, valid or not, by plain loops. */
static void brute_force(const struct scenario *s, struct brute *b)
{
	struct scenario c = *s;
	struct result r;
	b->feasible = 0;
	for (long dp = 1; dp <= 8; dp++)
		for (long tp = 1; tp <= 8; tp++)
			for (long pp = 1; pp <= 8; pp++)
				for (long ep = 1; ep <= 8; ep++)
					for (long etp = 1; etp <= 8; etp++)
						for (long mb = 1; mb <= 16; mb *= 2) {
							if (dp * tp * pp > 8 || (mb > 1 && mb > 2 * pp))
								continue;
							c.strat = (struct strategy){ .dp = dp, .tp = tp, .pp = pp, .ep = ep, .etp = etp };
							c.work.microbatches = mb;
							cost_evaluate(&c, &r);
							if (mb > 1 && pp == 1)
								continue;
							if (!feasible(s, &r))
								continue;
							struct candidate *x = &b->all[b->feasible++];
							*x = (struct candidate){ .dp = dp, .tp = tp, .pp = pp, .ep = ep, .etp = etp, .mb = mb,
										 .gpus = r.gpus, .tokens = r.output_tokens_per_s_per_gpu, .ttft = r.ttft_s };
							if (b->feasible == 1 || x->tokens > b->best.tokens)
								b->best = *x;
						}
}

Test(search, matches_a_brute_force)
{
	static struct brute b;
	static struct search_result sr;
	struct scenario s;
	scenario_default(&s);
	s.model.experts = 8;
	s.strat.ep = 8;
	s.model.layers = 8;
	s.work.batch = 16;
	brute_force(&s, &b);
	struct search_opts o = { .max_gpus = 8, .objective = OBJ_THROUGHPUT, .top = 5 };
	search_run(&s, &o, &sr);
	cr_expect_eq(sr.feasible, b.feasible);
	cr_assert_gt(sr.n_top, 0);
	cr_expect_eq(sr.top[0].tokens, b.best.tokens);
	/* the front: nobody feasible dominates a member; everyone else is dominated */
	for (int i = 0; i < sr.n_front; i++) {
		const struct candidate *m = &sr.front[i];
		for (int j = 0; j < b.feasible; j++) {
			const struct candidate *x = &b.all[j];
			bool dom = x->gpus <= m->gpus && x->tokens >= m->tokens && x->ttft <= m->ttft &&
				   (x->gpus < m->gpus || x->tokens > m->tokens || x->ttft < m->ttft);
			cr_expect_not(dom, "front member %d is dominated", i);
		}
	}
	for (int j = 0; j < b.feasible; j++) {
		const struct candidate *x = &b.all[j];
		bool covered = false;
		for (int i = 0; i < sr.n_front && !covered; i++) {
			const struct candidate *m = &sr.front[i];
			covered = m->gpus <= x->gpus && m->tokens >= x->tokens && m->ttft <= x->ttft;
		}
		cr_expect(covered, "candidate %d is neither on the front nor dominated", j);
	}
	/* listed from the fewest GPUs up, the most throughput first among equals */
	for (int i = 1; i < sr.n_front; i++) {
		const struct candidate *p = &sr.front[i - 1], *q = &sr.front[i];
		cr_expect(p->gpus < q->gpus || (p->gpus == q->gpus && p->tokens >= q->tokens),
			  "front members %d and %d out of order", i - 1, i);
	}
}

Test(search, seed_model_within_64_gpus)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	run(&f, "search max-gpus 64");
	const char *out = f.buf.out;
	cr_expect(strstr(out, "the target of 100 tok/ms/GPU is above the compute ceiling of 94.1") != NULL, "%s", out);
	cr_expect(strstr(out, "meet the requirements (TTFT <= 10 s)") != NULL, "%s", out);
	cr_expect(strstr(out, "   1  DP2_TP1_PP1_EP1_ETP2") != NULL, "%s", out);
	cr_expect(strstr(out, "best: DP2_TP1_PP1_EP1_ETP2") != NULL, "%s", out);
	fixture_close(&f);
}

Test(search, objectives_and_determinism)
{
	static struct search_result a, b;
	struct scenario s;
	scenario_default(&s);
	struct search_opts o = { .max_gpus = 32, .objective = OBJ_TTFT, .top = 10 };
	search_run(&s, &o, &a);
	search_run(&s, &o, &b);
	cr_expect_eq(memcmp(&a, &b, sizeof a), 0);
	for (int i = 1; i < a.n_top; i++)
		cr_expect_leq(a.top[i - 1].ttft, a.top[i].ttft);
	o.objective = OBJ_GPUS;
	search_run(&s, &o, &a);
	/* one GPU cannot hold the prefill activations of 128 prompts */
	cr_expect_eq(a.top[0].gpus, 2);
	for (int i = 1; i < a.n_top; i++)
		cr_expect_leq(a.top[i - 1].gpus, a.top[i].gpus);
	o.objective = OBJ_COST;
	o.gpus = 16;
	search_run(&s, &o, &a);
	for (int i = 0; i < a.n_top; i++)
		cr_expect_eq(a.top[i].gpus, 16);
}

Test(search, command_errors)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "search objective speed", 1), -1);
	cr_expect(strstr(f.buf.err, "unknown objective 'speed'; valid: throughput ttft gpus cost") != NULL, "%s", f.buf.err);
	cr_expect_eq(session_run_line(&f.ss, "search max-gpus", 2), -1);
	cr_expect_eq(session_run_line(&f.ss, "search top 0", 3), -1);
	fixture_close(&f);
}

/* ---- dag ---- */

static bool have_dot(void)
{
	return system("command -v dot >/dev/null 2>&1") == 0;
}

Test(dag, detail_graph_has_every_gpu_and_renders)
{
	struct session_fixture f;
	char path[64];
	fixture_open(&f, FMT_TEXT);
	run(&f, "set dp 4; dag");
	const char *out = f.buf.out;
	cr_expect(strncmp(out, "digraph moescope {", 18) == 0);
	for (int i = 0; i < 16; i++) {
		char node[32];
		snprintf(node, sizeof node, "gpu%d [label=\"GPU %d\\n", i, i);
		cr_expect(strstr(out, node) != NULL, "GPU %d missing", i);
	}
	cr_expect(strstr(out, "subgraph cluster_node1 {") != NULL);
	cr_expect(strstr(out, "subgraph cluster_node0_stage0 {") != NULL);
	cr_expect(strstr(out, "TP all-reduce") != NULL);
	cr_expect(strstr(out, "EP all-to-all") != NULL);
	snprintf(path, sizeof path, "/tmp/moescope-dag-%d.dot", (int)getpid());
	char cmd[160];
	snprintf(cmd, sizeof cmd, "dag %s", path);
	run(&f, cmd);
	if (have_dot()) {
		snprintf(cmd, sizeof cmd, "dot -Tsvg %s -o /dev/null", path);
		cr_expect_eq(system(cmd), 0, "dot rejected the graph");
	}
	unlink(path);
	fixture_close(&f);
}

Test(dag, large_deployments_are_grouped)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	run(&f, "strategy DP64_TP4_PP4_EP16; dag");
	const char *out = f.buf.out;
	cr_expect(strstr(out, "1024 GPUs on 128 nodes") != NULL);
	cr_expect(strstr(out, "gpu0 [") == NULL);   /* no per-GPU boxes */
	cr_expect(strstr(out, "g0_0 [label=\"GPUs 0-7 (x8)") != NULL, "%.400s", out);
	cr_expect(strstr(out, "stage 3: 16 EP all-to-all groups of 16") != NULL);
	if (have_dot()) {
		FILE *p = popen("dot -Tsvg -o /dev/null", "w");
		cr_assert_not_null(p);
		fputs(out, p);
		cr_expect_eq(pclose(p), 0);
	}
	fixture_close(&f);
}

Test(dag, invalid_strategy_has_nothing_to_draw)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set dp 2; dag", 1), -1);
	cr_expect(strstr(f.buf.err, "no layout to draw: ep 16 with tp 4 needs dp*tp divisible by 16") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* One column per requirement, and memory before anything else: a batch
 * that does not fit is E_OOM, whatever target it also misses. */
Test(sweep, each_requirement_is_a_column_and_oom_comes_first)
{
	static struct sweep sw;
	struct scenario s;
	char err[200];
	double v[SWEEP_MAX];
	scenario_default(&s);
	s.req.tpot_ms = 1.5;
	s.hw.mem_gib = 8;
	const struct key *k = key_find("batch");
	int n = sweep_values(k, "256", "4096", "x4", v, SWEEP_MAX, err, sizeof err);
	cr_assert_eq(sweep_run(&s, k, v, n, &sw, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sw.n, 3);
	/* batch 256: 3.78 GiB fits in 8, TPOT 1.43 <= 1.5 */
	cr_expect_eq(sw.rows[0].fits, 1);
	cr_expect_eq(sw.rows[0].meets[SR_TTFT], 1);
	cr_expect_eq(sw.rows[0].meets[SR_TPOT], 1);
	cr_expect_eq(sw.rows[0].meets[SR_TOKENS], 0);
	cr_expect_eq(sw.rows[0].meets[SR_USER], -1);
	cr_expect_eq(sw.rows[0].worst, E_TARGET_IMPOSSIBLE);
	/* batch 1024: 9.64 GiB on 8: out of memory first; TPOT 2.06 misses */
	cr_expect_eq(sw.rows[1].fits, 0);
	cr_expect_eq(sw.rows[1].meets[SR_TPOT], 0);
	cr_expect_eq(sw.rows[1].worst, E_OOM);
	struct sink_buffer b;
	struct sink kk;
	sink_buffer_init(&b, &kk);
	sweep_report_text(&kk, &sw);
	cr_expect(strstr(b.out, "memory ttft     tpot     tok/GPU  worst\n"), "%s", b.out);
	cr_expect(strstr(b.out, "OOM    ok       MISS     MISS     E_OOM\n"), "%s", b.out);
	sink_buffer_free(&b);
}
