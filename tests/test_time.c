/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roofline, passes and phases. */
#include "step_ctx.h"
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
	struct step_ctx c = { .E = 256, .k = 8, .dp = 1, .edp = 1, .experts_max = 256 };
	step_ctx_model_constants(&c);
	step_ctx_ep_constants(&c);
	/* 256 x (1 - (1 - 8/256)^4) */
	expect_rel(step_touched(&c, 4), 30.531005859375, 1e-12);
	/* a long prompt touches them all, one token about k */
	expect_rel(step_touched(&c, 4096), 256, 1e-9);
	expect_rel(step_touched(&c, 1), 8, 1e-12);
}

Test(time, touched_experts_all_of_them_exactly)
{
	struct step_ctx c = { .E = 256, .k = 8, .dp = 1, .edp = 1, .experts_max = 32 };
	step_ctx_model_constants(&c);
	/* Past a miss of e^-40 the formula gives every expert to the last
	 * bit, which is what the model returns there without calling exp. */
	double T = 39.0 / -c.log_miss;   /* a miss of e^-39: the formula itself */
	cr_expect_eq(32.0 * (1.0 - exp(T * c.log_miss)), 32.0);
	cr_expect_eq(step_touched(&c, T), 32.0);
	cr_expect_eq(step_touched(&c, 1e6), 32.0);
	/* and short of that it is the formula: 32 x (1 - (1 - 8/256)^100) */
	expect_rel(step_touched(&c, 100), 32.0 * (1.0 - pow(248.0 / 256.0, 100)), 1e-12);
	cr_expect_lt(step_touched(&c, 100), 32.0);
}

Test(time, imbalance_auto)
{
	struct step_ctx c = { .ep = 8, .dp = 1, .k = 2, .edp = 1 };
	step_ctx_model_constants(&c);
	step_ctx_ep_constants(&c);
	/* 1 + sqrt(2 ln 8) * sqrt(7 / 128) */
	expect_rel(step_imbalance(&c, 64), 1.4769055657268344, 1e-12);
	c.ep = 1;
	cr_expect_eq(step_imbalance(&c, 64), 1);
	c.ep = 8;
	step_ctx_model_constants(&c);
	step_ctx_ep_constants(&c);
	cr_expect_eq(step_imbalance(&c, 0.001), 8);   /* capped at ep */
	c.imb_user = 1.2;
	cr_expect_eq(step_imbalance(&c, 64), 1.2);
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

/* The per-op split of a detailed evaluation adds up to the phase's compute
 * and memory totals, in both modes. */
static void expect_ops_add_up(const struct phase *ph)
{
	double c = 0, m = 0;
	for (int i = 0; i < OP_COUNT; i++) {
		c += ph->op_compute_s[i];
		m += ph->op_memory_s[i];
	}
	expect_rel(c, ph->ops_compute_s, 1e-12);
	expect_rel(m, ph->ops_memory_s, 1e-12);
}

static double op_s(const struct phase *ph, int op)
{
	return ph->op_compute_s[op] + ph->op_memory_s[op];
}

Test(time, detailed_op_split)
{
	struct scenario s;
	struct result r, plain;
	deepseek_v3(&s);   /* 3 dense and 58 MoE layers */
	for (int mode = MODE_STATIC; mode <= MODE_SERVING; mode++) {
		s.work.mode = mode;
		cost_evaluate_detail(&s, &r);
		cost_evaluate(&s, &plain);
		cr_assert(r.ok);
		expect_ops_add_up(&r.prefill);
		expect_ops_add_up(&r.decode);
		/* the split is all the detail adds */
		cr_expect_eq(r.ttft_s, plain.ttft_s);
		cr_expect_eq(r.tpot_ms, plain.tpot_ms);
		cr_expect_eq(r.prefill.ops_compute_s, plain.prefill.ops_compute_s);
		cr_expect_eq(r.decode.ops_memory_s, plain.decode.ops_memory_s);
		cr_expect_eq(plain.decode.op_memory_s[OP_ATTN_PROJ], 0);
	}

	/* Static prefill, tp 1: a microbatch of ceil(128/8) = 16 prompts of
	 * 2048 tokens, T = 32768, through the 3 dense FFNs of 3 x 7168 x 18432
	 * parameters at 1 byte each. */
	s.work.mode = MODE_STATIC;
	cost_evaluate_detail(&s, &r);
	double T = 16 * 2048.0, P_d = 3.0 * 7168 * 18432;
	double flops = 2 * T * P_d, bytes = P_d * 1 + 2 * T * 7168 * 2;
	double t = fmax(flops / (r.peak_tflops * 1e12 * s.hw.mfu), bytes / (s.hw.hbm_tbps * 1e12 * s.hw.hbm_util)) +
		   s.hw.kernel_us * 1e-6;
	expect_rel(op_s(&r.prefill, OP_DENSE_FFN), 3 * t, 1e-12);

	/* Attention is in every layer, dense or MoE: all 61 of them count it,
	 * as many as in the same model with only dense layers. */
	struct result all_dense;
	s.model.dense_layers = 61;
	cost_evaluate_detail(&s, &all_dense);
	cr_assert(all_dense.ok);
	expect_rel(op_s(&r.prefill, OP_ATTN_PROJ), op_s(&all_dense.prefill, OP_ATTN_PROJ), 1e-12);
	expect_rel(op_s(&r.decode, OP_ATTN_CORE), op_s(&all_dense.decode, OP_ATTN_CORE), 1e-12);
	cr_expect_eq(op_s(&all_dense.prefill, OP_EXPERTS), 0);
	cr_expect_gt(op_s(&r.prefill, OP_EXPERTS), 0);
}

/* FP8 weights with a 16-bit KV cache: the projections run at the FP8
 * peak, the attention core at the 16-bit one (it multiplies by the cache). */
Test(time, attention_core_at_the_kv_cache_peak)
{
	struct scenario s;
	static struct result r;
	scenario_default(&s);
	s.hw.tflops_fp8 = 800;
	s.model.weight_bytes = 1;
	s.model.kv_bytes = 2;
	s.strat = (struct strategy){ .dp = 1, .tp = 1, .pp = 1, .ep = 1 };
	s.work.batch = 1;
	s.work.prompt_len = 2048;
	cost_evaluate_detail(&s, &r);
	cr_assert(r.ok);
	/* per layer 2048^2 x 16 heads x (32 + 32) = 4.295e9 FLOPs at 400 TFLOP/s
	 * x 0.6, plus the 3 us of a kernel; 16 layers */
	double per_layer = 2048.0 * 2048 * 16 * 64 / (400e12 * 0.6) + 3e-6;
	expect_rel(r.prefill.op_compute_s[OP_ATTN_CORE], 16 * per_layer, 1e-12);
	/* an FP8 cache runs it at the FP8 peak */
	s.model.kv_bytes = 1;
	cost_evaluate_detail(&s, &r);
	per_layer = 2048.0 * 2048 * 16 * 64 / (800e12 * 0.6) + 3e-6;
	expect_rel(r.prefill.op_compute_s[OP_ATTN_CORE], 16 * per_layer, 1e-12);
}

/* The per-token traffic of an engine's elementwise kernels, by hand, for a
 * Llama-3.1-8B-like layer at tp 2 in BF16 (d 4096, 32 heads and 8 KV heads
 * of 128, FFN 14336, vocabulary 128256): two norms and two residual adds
 * move 5 x 4096 x 2 bytes; rotary reads and writes 16 + 4 heads of 128;
 * the gated activation reads two 7168-wide halves and writes one; the
 * sampler writes and reads 64128 FP32 logits. */
Test(time, elementwise_traffic_by_hand)
{
	static struct scenario s;
	scenario_default(&s);
	s.model.dense_ffn = 14336;
	s.model.shared_ffn = 0;
	struct step_ctx c = { .s = &s, .d = 4096, .b_a = 2, .tp = 2, .heads_gpu = 16, .kvh = 4, .h = 128, .V = 128256 };
	step_set_elementwise(&c, true);
	cr_expect_eq(c.ew, 1);
	cr_expect_eq(c.ew_attn, 5 * 4096 * 2 + 2 * (16 + 4) * 128 * 2);
	cr_expect_eq(c.ew_dense, 5 * 4096 * 2 + 3 * 7168 * 2);
	cr_expect_eq(c.ew_moe, 5 * 4096 * 2);
	cr_expect_eq(c.ew_logits, 2 * 4 * 64128);
	/* MLA rotates its rope dims of each head and the one shared key */
	c.mla = true;
	c.dr = 64;
	step_set_elementwise(&c, true);
	cr_expect_eq(c.ew_attn, 5 * 4096 * 2 + 2 * (16 + 1) * 64 * 2);
	/* the plain roofline: none of it */
	step_set_elementwise(&c, false);
	cr_expect_eq(c.ew + c.ew_attn + c.ew_dense + c.ew_moe + c.ew_logits, 0);
}

/* With an engine the LM head's op moves the sampler's logits as well:
 * lm tokens x 2 x 4 x V / tp bytes more than without one. */
Test(time, the_logits_traffic_in_the_lm_head)
{
	static struct scenario s;
	static struct result a, b;
	mixtral_8x7b(&s);
	s.work.mode = MODE_SERVING;
	s.work.batch = 64;
	s.strat = (struct strategy){ .dp = 1, .tp = 8, .pp = 1, .ep = 1 };
	s.hw.kernel_us = 0;   /* the op's time is its traffic alone */
	s.work.engine = ENGINE_NONE;
	cost_evaluate_detail(&s, &a);
	s.work.engine = ENGINE_VLLM;
	s.engine.max_seqs = 64;
	cost_evaluate_detail(&s, &b);
	cr_assert(a.ok && b.ok);
	cr_assert_eq(b.running_per_replica, 64);
	/* the decode step: 64 tokens through the head, memory-bound */
	double extra = 64 * 2 * 4 * 32000 / 8.0;
	double bw = s.hw.hbm_tbps * 1e12 * s.hw.hbm_util;
	expect_rel(b.decode.op_memory_s[OP_LM_HEAD] - a.decode.op_memory_s[OP_LM_HEAD], extra / bw, 1e-6);
}
