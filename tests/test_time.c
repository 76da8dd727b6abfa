/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roofline, passes and phases. */
#include "cost_ctx.h"
#include "helpers.h"

/* Figures of the default scenario from a separate implementation of the
 * spec (every op and collective written out by hand). */
Test(time, default_scenario_end_to_end)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	expect_rel(r.ttft_s, 0.05386043594813715, 1e-9);
	expect_rel(r.tpot_ms, 1.3270250437099922, 1e-9);
	expect_rel(r.tokens_per_ms_per_gpu, 1.5071305620642679, 1e-9);
	expect_rel(r.prefill_tokens_per_s, 128.0 * 2048 / 0.05386043594813715, 1e-9);
	expect_rel(r.e2e_latency_s, r.ttft_s + 256 * r.tpot_ms / 1000, 1e-12);
	/* ceiling: 400e12 * 0.6 / (2 * 1,275,854,848 active) */
	expect_rel(r.ceiling_tokens_per_ms_per_gpu, 240e12 / (2.0 * 1275854848.0) / 1000, 1e-12);
	cr_expect_eq(r.prefill.bottleneck, BOUND_COMPUTE);
}

Test(time, ep8_variant_matches_the_reference)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.ep = 8;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	expect_rel(r.ttft_s, 0.053097946770122896, 1e-9);
	expect_rel(r.tpot_ms, 1.542210775214699, 1e-9);
	expect_rel(r.dev[0].total_gib, 3.0852358989599025, 1e-12);
}

Test(time, touched_experts_deepseek_decode)
{
	struct cost_ctx c = { .E = 256, .k = 8, .dp = 1, .edp = 1, .experts_max = 256 };
	cost_ctx_model_constants(&c);
	cost_ctx_ep_constants(&c);
	/* 256 x (1 - (1 - 8/256)^4) */
	expect_rel(cost_touched(&c, 4), 30.531005859375, 1e-12);
	/* a long prompt touches them all, one token about k */
	expect_rel(cost_touched(&c, 4096), 256, 1e-9);
	expect_rel(cost_touched(&c, 1), 8, 1e-12);
}

Test(time, imbalance_auto)
{
	struct cost_ctx c = { .ep = 8, .dp = 1, .k = 2, .edp = 1 };
	cost_ctx_model_constants(&c);
	cost_ctx_ep_constants(&c);
	/* 1 + sqrt(2 ln 8) * sqrt(7 / 128) */
	expect_rel(cost_imbalance(&c, 64), 1.4769055657268344, 1e-12);
	c.ep = 1;
	cr_expect_eq(cost_imbalance(&c, 64), 1);
	c.ep = 8;
	cost_ctx_model_constants(&c);
	cost_ctx_ep_constants(&c);
	cr_expect_eq(cost_imbalance(&c, 0.001), 8);   /* capped at ep */
	c.imb_user = 1.2;
	cr_expect_eq(cost_imbalance(&c, 64), 1.2);
}

Test(time, decode_is_memory_bound_at_batch_one)
{
	struct scenario s;
	struct result r;
	mixtral_8x7b(&s);
	s.work.batch = 1;
	s.hw.mem_gib = 80;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_gt(r.decode.memory_s, r.decode.compute_s);
	cr_expect_gt(r.prefill.compute_s, r.prefill.memory_s);
}

Test(time, pipeline_bubble_without_microbatches)
{
	struct scenario s;
	struct result r, r4;
	scenario_default(&s);
	s.strat.dp = 4;
	s.strat.tp = 4;
	s.strat.ep = 16;
	s.strat.pp = 4;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* one microbatch through 4 near-equal stages: each GPU idles about 3/4 */
	expect_rel(r.prefill.bubble_s / r.ttft_s, 0.75, 0.02);
	double sum = 0;
	for (int b = 0; b < BOUND_COUNT; b++)
		sum += r.prefill.part_s[b];
	expect_rel(sum, r.ttft_s, 1e-9);
	s.work.microbatches = 4;
	cost_evaluate(&s, &r4);
	cr_expect_lt(r4.prefill.bubble_s / r4.ttft_s, 0.5);
	/* decode cycles m microbatches through the pipeline: throughput up */
	cr_expect_gt(r4.tokens_per_ms_per_gpu, r.tokens_per_ms_per_gpu);
}

Test(time, serving_formulas)
{
	struct scenario s;
	struct result r, r2;
	scenario_default(&s);
	s.work.mode = MODE_SERVING;
	s.strat.dp = 4;
	s.strat.tp = 4;
	s.strat.ep = 16;
	s.work.batch = 64;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* the split of the TPOT adds up to it */
	double sum = 0;
	for (int b = 0; b < BOUND_COUNT; b++)
		sum += r.decode.part_s[b];
	expect_rel(sum, r.tpot_ms / 1000, 1e-9);
	cr_expect_gt(r.ttft_s, r.prefill.stage_sum_s);
	s.work.ttft_overhead_ms = 100;
	cost_evaluate(&s, &r2);
	expect_rel(r2.ttft_s - r.ttft_s, 0.1, 1e-9);
	cr_expect_eq(r2.tpot_ms, r.tpot_ms);
	expect_rel(r.decode_tokens_per_s, 64 / (r.tpot_ms / 1000), 1e-12);
}

Test(time, tpot_grows_toward_full_context)
{
	struct scenario s;
	struct result r;
	mixtral_8x7b(&s);
	s.work.batch = 64;
	s.work.prompt_len = 8192;
	s.work.output_len = 4096;
	s.hw.mem_gib = 80;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_gt(r.tpot_max_ms, r.tpot_ms);
}

Test(time, bottleneck_split_adds_up_static)
{
	struct scenario s;
	struct result r;
	deepseek_v3(&s);
	s.strat.pp = 2;
	s.work.microbatches = 2;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	double pre = 0, dec = 0;
	for (int b = 0; b < BOUND_COUNT; b++) {
		pre += r.prefill.part_s[b];
		dec += r.decode.part_s[b];
	}
	expect_rel(pre, r.ttft_s, 1e-9);
	expect_rel(dec, r.tpot_ms / 1000, 1e-9);
}
