/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pipeline stages: the split of layers and experts, the sends that cross
 * nodes, and the classes of identical stages the model works on. */
#include "step_ctx.h"
#include "helpers.h"

Test(stages, layer_span_gives_the_first_stages_one_more)
{
	long first, count;
	/* DeepSeek-V3: 61 layers over 4 stages = 16 + 15 + 15 + 15 */
	cost_stage_span(61, 4, 0, &first, &count);
	cr_expect(first == 0 && count == 16);
	cost_stage_span(61, 4, 1, &first, &count);
	cr_expect(first == 16 && count == 15);
	cost_stage_span(61, 4, 3, &first, &count);
	cr_expect(first == 46 && count == 15);
}

Test(stages, expert_span_gives_the_first_ranks_one_more)
{
	long first, count;
	/* 10 experts over 4 ranks: 0-2, 3-5, 6-7, 8-9 */
	cost_expert_span(10, 4, 0, &first, &count);
	cr_expect(first == 0 && count == 3);
	cost_expert_span(10, 4, 1, &first, &count);
	cr_expect(first == 3 && count == 3);
	cost_expert_span(10, 4, 2, &first, &count);
	cr_expect(first == 6 && count == 2);
	cost_expert_span(10, 4, 3, &first, &count);
	cr_expect(first == 8 && count == 2);
}

Test(stages, inter_node_sends_by_hand)
{
	/* 4 GPUs per stage on 8-GPU nodes: stages 1, 3, 5 end a node, and
	 * of the 7 sends of 8 stages those after them cross */
	cr_expect_eq(cost_inter_node_sends(4, 8, 0, 7), 3);
	/* 3 GPUs per stage: 8 stages fill 3 nodes exactly, so only the send
	 * after stage 7 crosses (and 16 stages have 15 sends) */
	cr_expect_eq(cost_inter_node_sends(3, 8, 0, 15), 1);
	/* a stage as large as a node: every send crosses */
	cr_expect_eq(cost_inter_node_sends(8, 8, 0, 4), 4);
	cr_expect_eq(cost_inter_node_sends(16, 8, 2, 5), 3);
	/* within a range of stages only */
	cr_expect_eq(cost_inter_node_sends(4, 8, 2, 4), 1);
	cr_expect_eq(cost_inter_node_sends(4, 8, 4, 4), 0);
}

/* Every stage, walked one by one, against the class that holds it. */
static void check_classes(long L, long Ld, long pp, long G, long gpn)
{
	struct step_ctx c = { .L = (double)L, .Ld = (double)Ld, .pp = (double)pp, .G = (double)G,
			      .gpn = (double)gpn };
	step_stage_classes(&c);
	cr_assert(c.n_cls >= 1 && c.n_cls <= COST_STAGE_CLASSES, "L %ld Ld %ld pp %ld: %d classes", L, Ld, pp, c.n_cls);
	long s = 0;
	double inter = 0;
	for (int k = 0; k < c.n_cls; k++) {
		const struct stage_class *sc = &c.cls[k];
		cr_assert_eq(sc->first, s, "L %ld Ld %ld pp %ld: classes must tile the stages", L, Ld, pp);
		cr_assert(sc->n >= 1);
		for (long i = 0; i < (long)sc->n; i++, s++) {
			long first, count;
			cost_stage_span(L, pp, s, &first, &count);
			long dense = Ld - first < 0 ? 0 : Ld - first > count ? count : Ld - first;
			cr_assert(sc->n_att == count && sc->n_d == dense && sc->n_m == count - dense,
				  "L %ld Ld %ld pp %ld stage %ld", L, Ld, pp, s);
			cr_assert_eq(sc->last, s == pp - 1);
			if (s < pp - 1 && ((s + 1) * G) % gpn == 0)
				inter++;
		}
		inter -= sc->sends_inter;
	}
	cr_assert_eq(s, pp);
	cr_assert_eq(inter, 0, "L %ld Ld %ld pp %ld G %ld: sends across nodes", L, Ld, pp, G);
}

Test(stages, classes_hold_exactly_the_stages_they_stand_for)
{
	for (long L = 1; L <= 64; L++)
		for (long Ld = 0; Ld <= L; Ld += 1 + L / 9)
			for (long pp = 1; pp <= L; pp++)
				for (long G = 1; G <= 16; G *= 3)
					check_classes(L, Ld, pp, G, 8);
	check_classes(61, 3, 61, 6, 8);
	check_classes(128, 127, 128, 5, 4);
}

/* Figures of a deep pipeline, computed stage by stage: DeepSeek-V3 over
 * 16 stages of 6 GPUs on 8-GPU nodes (3 sends cross nodes). */
Test(stages, deep_pipeline_figures)
{
	struct scenario s;
	static struct result r;
	deepseek_v3(&s);
	s.hw.gpus_per_node = 8;
	s.strat = (struct strategy){ .dp = 3, .tp = 2, .pp = 16, .ep = 6, .etp = 1 };
	s.work.microbatches = 4;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.pp_inter_boundaries, 3);
	expect_rel(r.ttft_s, 4.9737697093695816, 1e-12);
	expect_rel(r.tpot_ms, 60.074084537853508, 1e-12);
	expect_rel(r.tpot_max_ms, 60.142794937853509, 1e-12);
	expect_rel(r.decode.stage_max_s, 0.0040512015806948775, 1e-12);
	expect_rel(r.prefill.comm_s[COMM_PP], 0.029156526720000006, 1e-12);
	/* 256 experts over 6 ranks: 4 ranks of 43 and 2 of 42, on each stage */
	cr_assert_eq(r.n_device_rows, 32);
	for (int i = 0; i < 32; i++) {
		struct device_mem d = device_row(&r, i);
		cr_expect_eq(d.stage, i / 2);
		cr_expect_eq(d.stages, 1);
		cr_expect_eq(d.experts, i % 2 ? 42 : 43);
		cr_expect_eq(d.layers, i / 2 < 13 ? 4 : 3);
		cr_expect_eq(d.dense_layers, i / 2 == 0 ? 3 : 0);
	}
	/* classes: stage 0, stages 1-12 (4 layers), 13-14 (3 layers), 15 */
	cr_expect_eq(r.n_devices, 8);
	cr_expect_eq(r.dev[2].stage, 1);
	cr_expect_eq(r.dev[2].stages, 12);
	/* the first of the stages with four MoE layers and 43 experts */
	cr_expect_eq(r.worst_device, 2);
	cr_expect_eq(cost_device_row_of(&r, r.worst_device), 2);
	cr_expect_eq(cost_device_row_of(&r, 5), 27);   /* stage 13, 42 experts */
	expect_rel(r.max_total_gib, 12.034443314133732, 1e-12);
	cr_expect_eq(r.kv_capacity_seqs, 39258);
}

/* Dense layers over two stages, the rest MoE, the last stage with the
 * logits: 20 layers (7 dense) over 6 stages = 4 + 4 + 3 + 3 + 3 + 3. */
Test(stages, dense_layers_over_two_stages)
{
	struct scenario s;
	static struct result r;
	scenario_default(&s);
	s.model.layers = 20;
	s.model.dense_layers = 7;
	s.model.dense_ffn = 4096;
	s.hw.gpus_per_node = 8;
	s.strat = (struct strategy){ .dp = 1, .tp = 4, .pp = 6, .ep = 4, .etp = 1 };
	s.work.microbatches = 3;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_assert_eq(r.n_device_rows, 6);
	const long dense[6] = { 4, 3, 0, 0, 0, 0 }, moe[6] = { 0, 1, 3, 3, 3, 3 };
	for (int i = 0; i < 6; i++) {
		cr_expect_eq(device_row(&r, i).stage, i);
		cr_expect_eq(device_row(&r, i).dense_layers, dense[i], "stage %d", i);
		cr_expect_eq(device_row(&r, i).moe_layers, moe[i], "stage %d", i);
	}
	cr_expect_eq(r.pp_inter_boundaries, 2);
	cr_expect_eq(r.n_devices, 4);   /* stage 0, stage 1, stages 2-4, stage 5 */
	cr_expect_eq(r.worst_device, 3);
	cr_expect_eq(cost_device_row_of(&r, r.worst_device), 5);
	expect_rel(r.max_total_gib, 8.3245279640024314, 1e-12);
	/* dp 1: the stage's GPUs hold the same tokens, so the experts need no
	 * all-to-all; the figures before that change, less the all-to-all
	 * that 13 MoE layers paid in a decode pass of ceil(128/3) = 43
	 * tokens: 2 x (43/4 x 2 x 512 x 2 B x 3/4 / 400 GB/s + 5 us) each */
	double a2a_ms = 13 * 2 * (43.0 / 4 * 2 * 512 * 2 * 0.75 / 400e9 + 5e-6) * 1000;
	expect_rel(r.tpot_ms, 4.9179692258148915 - a2a_ms, 1e-12);
	expect_rel(r.tpot_max_ms, 4.9571087813704473 - a2a_ms, 1e-12);
	expect_rel(r.ttft_s, 0.37853625407456865, 1e-12);
	cr_expect_eq(r.comm_decode.moe_a2a_s, 0);
	expect_rel(r.comm_decode.p2p_s, 1.088064e-05, 1e-12);
}
