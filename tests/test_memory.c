/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory per device class. */
#include "helpers.h"

#define GIB 1073741824.0

Test(memory, default_scenario_device_by_hand)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_assert_eq(r.n_devices, 1);
	const struct device_mem *d = &r.dev[0];
	cr_expect_eq(d->count, 64);
	cr_expect_eq(d->experts, 1);
	/* weights: 2 B x [16 x (512*32*(2*16/4 + 2*4)) attention + 16 x 8192 router]
	 *        + 2 B x 16 x 1 expert x 38.83M / etp 4 + 2 x 2 B x 32000*512/4 */
	double w = 2.0 * (16 * 512 * 32 * (8.0 + 8.0) + 16 * 8192.0) +
		   2.0 * 16 * (3.0 * 512 * 25280) / 4 + 2 * 2.0 * 32000 * 512 / 4;
	expect_rel(d->weights_gib, w / GIB, 1e-12);
	cr_expect_eq(d->weights_gib, 0.3126220703125);
	/* kv: 8 sequences x 2304 tokens x 16 layers x (2*4*32) x 2 B */
	cr_expect_eq(d->kv_gib, 8.0 * 2304 * 16 * 256 * 2 / GIB);
	cr_expect_eq(d->kv_gib, 0.140625);
	/* activations from the spec's formula, computed separately */
	expect_rel(d->act_gib, 0.8443337038353793, 1e-12);
	expect_rel(d->total_gib, 2.797580774147879, 1e-12);
	cr_expect_eq(r.max_total_gib, d->total_gib);
}

Test(memory, uneven_experts_make_two_device_classes)
{
	struct scenario s;
	struct result r;
	struct diag_list dl;
	scenario_default(&s);
	s.strat.dp = 6;
	s.strat.tp = 1;
	s.strat.ep = 6;
	s.model.heads = 16;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_assert_eq(r.n_devices, 2);
	/* 16 = 4 ranks x 3 + 2 ranks x 2 */
	cr_expect_eq(r.dev[0].experts, 3);
	cr_expect_eq(r.dev[0].count, 4);
	cr_expect_eq(r.dev[1].experts, 2);
	cr_expect_eq(r.dev[1].count, 2);
	cr_expect_gt(r.dev[0].weights_gib, r.dev[1].weights_gib);
	cr_expect_eq(r.worst_device, 0);
	diag_collect(&s, &r, &dl);
	cr_expect(has_diag(&dl, W_EP_UNEVEN));
	cr_expect(has_diag(&dl, W_BATCH_DP));   /* 128 over 6 replicas */
}

Test(memory, dense_layers_land_in_the_first_stage)
{
	struct scenario s;
	struct result r;
	deepseek_v3(&s);
	s.strat.pp = 4;
	s.strat.dp = 8;
	s.hw.mem_gib = 1000;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_assert_eq(r.n_device_rows, 4);
	/* 61 layers over 4 stages: 16 15 15 15; the 3 dense ones are the first */
	cr_expect_eq(device_row(&r, 0).layers, 16);
	cr_expect_eq(device_row(&r, 0).dense_layers, 3);
	cr_expect_eq(device_row(&r, 0).moe_layers, 13);
	cr_expect_eq(device_row(&r, 1).layers, 15);
	cr_expect_eq(device_row(&r, 1).dense_layers, 0);
	cr_expect_eq(device_row(&r, 3).layers, 15);
	cr_expect_eq(device_row(&r, 3).stage, 3);
	/* stored as three classes: the first stage, the middle two, the last */
	cr_expect_eq(r.n_devices, 3);
	cr_expect_eq(r.dev[1].stage, 1);
	cr_expect_eq(r.dev[1].stages, 2);
}

Test(memory, mla_kv_is_not_split_by_tp)
{
	struct scenario s;
	struct result a, b;
	deepseek_v3(&s);
	s.strat.dp = 8;
	s.strat.tp = 1;
	cost_evaluate(&s, &a);
	s.strat.dp = 1;
	s.strat.tp = 8;
	cost_evaluate(&s, &b);
	cr_assert(a.ok && b.ok);
	/* tp 8 holds all 128 sequences of one replica, dp 8 holds 16 each */
	expect_rel(b.dev[0].kv_gib, 8.0 * a.dev[0].kv_gib, 1e-12);
}

Test(memory, out_of_memory_is_an_error_with_a_batch_fix)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.work.batch = 65536;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_gt(r.max_total_gib, 64);
	diag_collect(&s, &r, &d);
	const struct diag *oom = find_diag(&d, E_OOM);
	cr_assert_not_null(oom);
	cr_expect(strstr(oom->message, "missing") != NULL);
	cr_expect(strncmp(oom->fix, "set batch ", 10) == 0, "fix: %s", oom->fix);
	/* the suggested batch fits */
	long b = atol(oom->fix + 10);
	s.work.batch = b;
	cost_evaluate(&s, &r);
	cr_expect_leq(r.max_total_gib, 64);
	s.work.batch = b + 1;
	cost_evaluate(&s, &r);
	cr_expect_gt(r.max_total_gib, 64);
}

Test(memory, kv_capacity_counts_sequences_over_all_replicas)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	const struct device_mem *d = &r.dev[0];
	double per_seq = 2304.0 * 16 * 256 * 2 / GIB;
	double free_gib = 64 - d->weights_gib - d->act_gib - d->reserved_gib;
	/* one replica step of slack for rounding in the unit conversion */
	cr_expect_leq(fabs(r.kv_capacity_seqs - floor(free_gib / per_seq) * 16), 16);
	cr_expect_gt(r.kv_capacity_seqs, 50000);
}

/* An fp8 checkpoint keeps its embedding and LM head in bf16: DeepSeek-V3
 * (V 129280, d 7168, untied) at dp 8 holds both whole on each GPU, 2 x V x d
 * bytes more than at 1 byte, and its decode reads the LM head's V x d more
 * at the HBM rate. */
Test(memory, quantized_checkpoints_keep_the_vocabulary_in_bf16)
{
	struct scenario s;
	static struct result a, b;
	deepseek_v3(&s);
	cost_evaluate_detail(&s, &a);
	s.model.head_bytes = 1;
	cost_evaluate_detail(&s, &b);
	cr_assert(a.ok && b.ok);
	double vd = 129280.0 * 7168.0;
	expect_rel(a.dev[0].weights_gib - b.dev[0].weights_gib, 2.0 * vd / (1024.0 * 1024.0 * 1024.0), 1e-9);
	expect_rel(a.decode.op_memory_s[OP_LM_HEAD] - b.decode.op_memory_s[OP_LM_HEAD],
		   vd / (s.hw.hbm_tbps * 1e12 * s.hw.hbm_util), 1e-9);
	/* bf16 weights: the vocabulary is as wide as they are, auto or not */
	struct scenario t;
	scenario_default(&t);
	cost_evaluate(&t, &a);
	t.model.head_bytes = 2;
	cost_evaluate(&t, &b);
	expect_rel(a.dev[0].weights_gib, b.dev[0].weights_gib, 0);
	cr_expect_eq(scenario_head_bytes(4), 4);
	cr_expect_eq(scenario_head_bytes(0.5625), 2);
}
