/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The prepared evaluation of a search reuses what dp, tp, pp and the
 * microbatches determine; the figures it gives must be exactly those of
 * cost_evaluate, and those it leaves out must say so. */
#include <stdio.h>

#include "evaluate_prep.h"
#include "helpers.h"
#include "preset.h"

static bool same_number(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

#define EXPECT_SAME(field)                                                                     \
	cr_expect(same_number(a->field, b->field), "%s: %s %.17g, prepared %.17g", label, #field, \
		  (double)a->field, (double)b->field)

static void compare(const char *label, const struct result *a, const struct result *b)
{
	cr_expect_eq(a->ok, b->ok, "%s: ok", label);
	cr_expect_eq(a->errors, b->errors, "%s: errors", label);
	EXPECT_SAME(gpus);
	EXPECT_SAME(shards);
	EXPECT_SAME(edp);
	EXPECT_SAME(experts_max);
	EXPECT_SAME(ep_per_node);
	EXPECT_SAME(max_total_gib);
	EXPECT_SAME(worst_device);
	EXPECT_SAME(n_devices);
	EXPECT_SAME(ttft_s);
	EXPECT_SAME(tpot_ms);
	EXPECT_SAME(tokens_per_ms_per_gpu);
	EXPECT_SAME(tokens_per_s_per_user);
	EXPECT_SAME(output_tokens_per_s_per_gpu);
	EXPECT_SAME(e2e_latency_s);
	EXPECT_SAME(prefill.time_s);
	EXPECT_SAME(prefill.stage_max_s);
	EXPECT_SAME(decode.bubble_s);
	EXPECT_SAME(decode.part_s[BOUND_COMM_EP]);
	EXPECT_SAME(decode.comm_total_s);
	EXPECT_SAME(decode.bottleneck);
	EXPECT_SAME(decode.touched);
	EXPECT_SAME(comm_decode.moe_a2a_s);
	EXPECT_SAME(comm_prefill.moe_etp_ar_s);
	EXPECT_SAME(comm_prefill.p2p_s);
	/* what a search does not rank by is not worked out */
	if (b->ok) {
		cr_expect(isnan(b->tpot_max_ms) && isnan(b->kv_capacity_seqs) && isnan(b->usd_per_mtok), "%s: left out",
			  label);
		cr_expect_eq(b->prefill.compute_s, 0, "%s: prefill split", label);
	}
}

/* Every strategy up to max_gpus in the order a search takes them (ep and
 * etp fastest), and some out of order, valid or not. */
static int sweep(const struct scenario *base, long max_gpus)
{
	static struct cost_prep prep;
	static struct result a, b;
	struct scenario s = *base;
	char label[256];
	int n = 0;

	cost_prepare(base, &prep);
	for (long tp = 1; tp <= max_gpus; tp++)
		for (long pp = 1; pp * tp <= max_gpus; pp++)
			for (long dp = 1; dp * pp * tp <= max_gpus; dp++)
				for (long mb = 1; mb <= 4; mb *= 2)
					for (long ep = 1; ep <= dp * tp + 1; ep++)
						for (long etp = 0; etp <= 2; etp++) {
							s.strat = (struct strategy){ .dp = dp, .tp = tp, .pp = pp, .ep = ep, .etp = etp,
										     .overlap = base->strat.overlap,
										     .imbalance = base->strat.imbalance };
							s.work.microbatches = mb;
							cost_evaluate(&s, &a);
							cost_evaluate_prepared(&prep, &s.strat, mb, &b);
							snprintf(label, sizeof label, "%s dp %ld tp %ld pp %ld ep %ld etp %ld mb %ld",
								 base->model.name, dp, tp, pp, ep, etp, mb);
							compare(label, &a, &b);
							n += a.ok;
						}
	return n;
}

Test(prepared, same_figures_as_a_plain_evaluation)
{
	struct scenario s;

	scenario_default(&s);
	cr_expect_gt(sweep(&s, 16), 100);

	deepseek_v3(&s);   /* MLA, dense layers, uneven experts per rank */
	s.work.mode = MODE_SERVING;
	s.hw.mem_gib = 1e6;
	s.strat.overlap = 0.5;
	cr_expect_gt(sweep(&s, 12), 100);

	mixtral_8x7b(&s);   /* GQA, 8 experts, explicit imbalance */
	s.strat.imbalance = 1.3;
	s.hw.gpus_per_node = 4;
	cr_expect_gt(sweep(&s, 12), 50);

	/* a dense FFN written as one expert: dense layers at etp = tp, an
	 * expert split over etp GPUs otherwise, whichever came first */
	char err[300];
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "llama-3.1-8b", err, sizeof err), 0, "%s", err);
	s.work.mode = MODE_SERVING;
	s.hw.mem_gib = 80;
	cr_expect_gt(sweep(&s, 8), 50);
	s.strat = (struct strategy){ .dp = 2, .tp = 1, .pp = 1, .ep = 1, .etp = 2 };
	cr_expect_gt(sweep(&s, 8), 50);
}

/* After an invalid strategy the next valid one is whole again. */
Test(prepared, recovers_after_an_invalid_strategy)
{
	static struct cost_prep prep;
	static struct result a, b;
	struct scenario s;
	scenario_default(&s);
	cost_prepare(&s, &prep);

	struct strategy bad = s.strat;
	bad.tp = 3;   /* does not divide 32 heads */
	cost_evaluate_prepared(&prep, &bad, 1, &b);
	cr_expect(!b.ok);
	cr_expect(b.errors & CE_TP_HEADS);
	cost_evaluate_prepared(&prep, &s.strat, 1, &b);
	cost_evaluate(&s, &a);
	cr_assert(a.ok && b.ok);
	cr_expect_eq(a.tpot_ms, b.tpot_ms);
	expect_rel(b.tpot_ms, 1.3270250437099922, 1e-9);
}
