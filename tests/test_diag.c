/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics: codes, messages with the numbers, and fixes that work. */
#include "helpers.h"

static void collect(struct scenario *s, struct result *r, struct diag_list *d)
{
	cost_evaluate(s, r);
	diag_collect(s, r, d);
}

Test(diag, fold_error_proposes_both_folds)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat.dp = 2;
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_FOLD);
	cr_assert_not_null(g);
	cr_expect_eq(g->severity, SEV_ERROR);
	cr_expect_str_eq(g->message,
			 "ep 16 with tp 4 needs dp*tp divisible by 16: set dp 16 etp 4 (64 GPUs) or dp 4 (16 GPUs)");
	cr_expect_str_eq(g->fix, "set dp 4");
	/* the fix makes it valid */
	s.strat.dp = 4;
	collect(&s, &r, &d);
	cr_expect_null(find_diag(&d, E_FOLD));
	cr_expect(r.ok);
}

Test(diag, fold_error_with_explicit_etp)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat.etp = 8;
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_FOLD);
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "valid etp: 1 2 4") != NULL, "%s", g->message);
	cr_expect_str_eq(g->fix, "set etp auto");
}

Test(diag, tp_must_divide_heads)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat.tp = 3;
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_TP_HEADS);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->message, "tp 3 does not divide heads (16); valid: 1 2 4 8 16");
	cr_expect_str_eq(g->fix, "set tp 4");
	cr_expect_not(has_diag(&d, I_BOUND));   /* no figures, no bottleneck */
}

Test(diag, ep_and_pp_bounds)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat.ep = 32;
	s.strat.pp = 20;
	collect(&s, &r, &d);
	cr_expect_str_eq(find_diag(&d, E_EP_EXPERTS)->fix, "set ep 16");
	cr_expect_str_eq(find_diag(&d, E_PP_LAYERS)->fix, "set pp 16");
	cr_expect_not(has_diag(&d, E_FOLD));   /* one cause, one error */
}

Test(diag, seed_target_is_above_the_compute_ceiling)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_TARGET_IMPOSSIBLE);
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "compute ceiling of 94.1") != NULL, "%s", g->message);
	cr_expect_str_eq(g->fix, "set requirements.tokens_per_ms_per_gpu 94");
	cr_expect_not(has_diag(&d, W_THROUGHPUT));
	/* errors come first */
	cr_expect_eq(d.items[0].severity, SEV_ERROR);
	cr_expect_eq(d.items[d.n - 1].severity, SEV_INFO);
}

Test(diag, throughput_under_target_suggests_a_batch)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.req.tokens_per_ms_per_gpu = 2;
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, W_THROUGHPUT);
	cr_assert_not_null(g);
	cr_assert(strncmp(g->fix, "set batch ", 10) == 0, "fix: '%s'", g->fix);
	s.work.batch = atol(g->fix + 10);
	collect(&s, &r, &d);
	cr_expect_geq(r.tokens_per_ms_per_gpu, 2);
	cr_expect_not(has_diag(&d, W_THROUGHPUT));
}

Test(diag, ttft_over_requirement_suggests_more_replicas)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.req.ttft_s = 0.03;
	collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, W_TTFT);
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "over the 0.03 s requirement") != NULL, "%s", g->message);
	cr_assert(strncmp(g->fix, "set dp ", 7) == 0, "fix: '%s'", g->fix);
}

Test(diag, layout_warnings)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat.pp = 3;        /* 16 layers: 6 5 5 */
	s.work.batch = 100;    /* over dp 16 */
	collect(&s, &r, &d);
	cr_expect_str_eq(find_diag(&d, W_PP_UNEVEN)->fix, "set pp 4");
	cr_expect_str_eq(find_diag(&d, W_BUBBLE)->fix, "set mb 3");
	cr_expect_str_eq(find_diag(&d, W_BATCH_DP)->fix, "set batch 112");

	scenario_default(&s);
	s.model.kv_heads = 2;
	collect(&s, &r, &d);
	cr_expect_str_eq(find_diag(&d, W_KV_REPLICATED)->fix, "set tp 2");

	scenario_default(&s);
	s.strat.tp = 16;
	s.strat.dp = 4;
	collect(&s, &r, &d);
	cr_expect_str_eq(find_diag(&d, W_TP_CROSS_NODE)->fix, "set tp 8");
}

Test(diag, serving_ignores_microbatches)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.work.mode = MODE_SERVING;
	s.work.microbatches = 4;
	collect(&s, &r, &d);
	cr_expect(has_diag(&d, I_SERVING_MB));
	cr_expect_not(has_diag(&d, W_BUBBLE));
}

Test(diag, bottleneck_sentences)
{
	struct scenario s;
	struct result r;
	char buf[200];
	mixtral_8x7b(&s);
	s.work.batch = 1;
	s.strat.tp = 1;   /* no collectives: one GPU reading 93 GB of weights */
	s.strat.ep = 1;
	s.hw.mem_gib = 200;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	diag_bound_sentence(&s, &r, true, buf, sizeof buf);
	cr_expect(strncmp(buf, "decode is HBM-bound: ", 21) == 0, "%s", buf);
	cr_expect(strstr(buf, "of the step reads weights and KV cache") != NULL, "%s", buf);
}

Test(diag, bad_model_values)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.model.kv_heads = 6;
	collect(&s, &r, &d);
	cr_expect_eq(r.bad_model, BM_KV_HEADS);
	cr_expect_str_eq(find_diag(&d, E_BAD_VALUE)->message, "model.kv_heads (6) must divide model.heads (16)");
	scenario_default(&s);
	s.model.top_k = 20;
	collect(&s, &r, &d);
	cr_expect_eq(r.bad_model, BM_TOP_K);
	scenario_default(&s);
	s.model.dense_layers = 2;
	collect(&s, &r, &d);
	cr_expect_eq(r.bad_model, BM_DENSE_FFN);
}

Test(diag, comm_bound_fix_regroups_the_same_gpus)
{
	struct scenario s;
	struct result r, fixed;
	struct diag_list d;
	scenario_default(&s);
	s.strat.tp = 16;   /* a TP group across two nodes: a ring at 50 GB/s */
	s.strat.dp = 4;
	collect(&s, &r, &d);
	const struct diag *g = NULL;
	for (int i = 0; i < d.n; i++)
		if (d.items[i].code == W_COMM_BOUND && strncmp(d.items[i].message, "decode", 6) == 0)
			g = &d.items[i];
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "decode spends 95% of its time in exposed communication, mostly TP all-reduce") != NULL,
		  "%s", g->message);
	cr_expect_str_eq(g->fix, "set tp 8; set dp 8");
	s.strat.tp = 8;
	s.strat.dp = 8;
	cost_evaluate(&s, &fixed);
	cr_assert(fixed.ok);
	cr_expect_eq(fixed.gpus, r.gpus);
	cr_expect_lt(fixed.tpot_ms, r.tpot_ms);
}

/* The bottleneck takes communication as a whole: 24 + 24 + 12 = 60% beats
 * the 39% of HBM, the largest single part (the case the screen got wrong). */
Test(diag, the_bottleneck_counts_communication_as_a_whole)
{
	struct phase ph;
	char buf[160];
	memset(&ph, 0, sizeof ph);
	ph.part_s[BOUND_MEMORY] = 0.39;
	ph.part_s[BOUND_COMM_TP] = 0.24;
	ph.part_s[BOUND_COMM_EP] = 0.24;
	ph.part_s[BOUND_COMM_ETP] = 0.12;
	ph.part_s[BOUND_BUBBLE] = 0.01;
	ph.bottleneck = BOUND_MEMORY;
	diag_bottleneck_words(&ph, false, buf, sizeof buf);
	cr_expect_str_eq(buf, "communication 60% (TP 24, EP 24, ETP 12)");
	diag_bottleneck_words(&ph, true, buf, sizeof buf);
	cr_expect_str_eq(buf, "comm 60%: TP EP ETP");
	/* with less communication, HBM is the bottleneck again */
	ph.part_s[BOUND_COMM_ETP] = 0;
	ph.part_s[BOUND_MEMORY] = 0.51;
	diag_bottleneck_words(&ph, false, buf, sizeof buf);
	cr_expect_str_eq(buf, "HBM-bound 51%");
}

static int count_code(const struct diag_list *d, int code)
{
	int n = 0;
	for (int i = 0; i < d->n; i++)
		n += d->items[i].code == code;
	return n;
}

/* Every fix offered, applied as a user would (the command line), removes
 * its problem and adds no error: over GPUs x models x a grid of
 * strategies, batches and engines. */
Test(diag, every_offered_fix_helps)
{
	static const char *const hws[] = { "h200", "gb200-nvl72", "mi355x" };
	static const char *const models[] = { "deepseek-r1", "qwen3-235b-a22b", "llama-3.1-70b", "gpt-oss-120b",
					       "mixtral-8x7b" };
	static const long dps[] = { 1, 2, 3, 5, 8, 43 }, tps[] = { 1, 2, 4, 8 };
	static struct session_fixture f;
	static struct result r;
	static struct diag_list before, after;
	static struct scenario loaded, base;
	long offered = 0;
	for (size_t h = 0; h < sizeof hws / sizeof hws[0]; h++)
		for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
			char line[300];
			fixture_open(&f, FMT_TEXT);
			snprintf(line, sizeof line, "load %s %s", hws[h], models[m]);
			cr_assert_eq(session_run_line(&f.ss, line, 1), 0, "%s", line);
			loaded = f.ss.scn;
			for (size_t i = 0; i < sizeof dps / sizeof dps[0]; i++)
				for (size_t j = 0; j < sizeof tps / sizeof tps[0]; j++)
					for (int v = 0; v < 4; v++) {
						long dp = dps[i], tp = tps[j];
						f.ss.scn = loaded;
						snprintf(line, sizeof line, "set dp %ld; set tp %ld; set ep %ld; set batch %ld%s", dp,
							 tp, v % 2 ? dp * tp : 1, v < 2 ? 128L : 1000L,
							 v >= 2 ? "; set workload.engine vllm" : "");
						if (session_run_line(&f.ss, line, 1) != 0)
							continue;
						cost_evaluate(&f.ss.scn, &r);
						diag_collect(&f.ss.scn, &r, &before);
						base = f.ss.scn;
						for (int k = 0; k < before.n; k++) {
							const struct diag *d = &before.items[k];
							if (!d->fix[0])
								continue;
							offered++;
							f.ss.scn = base;
							cr_assert_eq(session_run_line(&f.ss, d->fix, 2), 0, "%s %s: %s: %s", models[m],
								     line, diag_code_name(d->code), d->fix);
							cost_evaluate(&f.ss.scn, &r);
							diag_collect_quick(&f.ss.scn, &r, &after);
							cr_expect_lt(count_code(&after, d->code), count_code(&before, d->code),
								     "%s %s: %s: '%s' leaves it", models[m], line,
								     diag_code_name(d->code), d->fix);
							for (int a = 0; a < after.n; a++)
								if (after.items[a].severity == SEV_ERROR)
									cr_expect_gt(count_code(&before, after.items[a].code), 0,
										     "%s %s: %s: '%s' adds %s", models[m], line,
										     diag_code_name(d->code), d->fix,
										     diag_code_name(after.items[a].code));
						}
					}
			fixture_close(&f);
		}
	cr_expect_gt(offered, 500, "%ld fixes offered", offered);
}
