/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Layout: GPU counts, the expert fold, shards, tiers. */
#include "helpers.h"

static void eval(struct scenario *s, struct result *r)
{
	cost_evaluate(s, r);
}

Test(layout, default_scenario_counts)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.gpus, 64);
	cr_expect_eq(r.nodes, 8);
	/* ep 16 x tp 4 divides dp*tp = 64: etp auto = tp, one replica of the experts */
	cr_expect_eq(r.etp, 4);
	cr_expect_eq(r.edp, 1);
	cr_expect_eq(r.shards, 64);
	cr_expect_eq(r.replication, 1);
}

Test(layout, etp_auto_falls_back_to_one_copy_per_stage)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.dp = 4;   /* G = 16: ep*tp = 64 does not divide, G/ep = 1 */
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.etp, 1);
	cr_expect_eq(r.edp, 1);
	/* lcm(tp 4, ep*etp 16) = 16 distinct GPUs */
	cr_expect_eq(r.shards, 16);
	cr_expect_eq(r.replication, 1);
}

Test(layout, smaller_ep_replicates_experts)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.ep = 8;
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.etp, 4);
	cr_expect_eq(r.edp, 2);
	cr_expect_eq(r.shards, 32);
	cr_expect_eq(r.replication, 2);
}

Test(layout, pipeline_multiplies_gpus_and_shards)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.dp = 2;
	s.strat.tp = 2;
	s.strat.pp = 4;
	s.strat.ep = 4;
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.gpus, 16);
	cr_expect_eq(r.nodes, 2);
	cr_expect_eq(r.etp, 1);   /* ep*tp = 8 does not divide 4: G/ep = 1 */
	cr_expect_eq(r.shards, 16);
	/* stages of 4 GPUs: only the boundary after GPU 7 falls on a node edge */
	cr_expect_eq(r.pp_inter_boundaries, 1);
}

Test(layout, tiers_follow_node_size)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.tp = 16;
	s.strat.dp = 4;
	s.strat.ep = 16;
	s.model.heads = 16;
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_not(r.tp_intra);
	s.strat.tp = 8;
	s.strat.dp = 16;   /* G = 128 = ep*tp: etp auto = 8 */
	eval(&s, &r);
	cr_expect(r.tp_intra);
	/* etp 8 fills a node: the 16 EP members sit one per node */
	cr_expect_eq(r.etp, 8);
	cr_expect_eq(r.ep_per_node, 1);
	cr_expect_not(r.ep_intra);
	s.hw.gpus_per_node = 128;
	eval(&s, &r);
	cr_expect(r.ep_intra);
	cr_expect_eq(r.ep_per_node, 16);
}

Test(layout, structural_errors_leave_figures_null)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.tp = 3;
	eval(&s, &r);
	cr_expect(r.errors & CE_TP_HEADS);
	cr_expect_not(r.ok);
	cr_expect(isnan(r.ttft_s));
	cr_expect_eq(r.gpus, 16 * 3);   /* the GPU count is still known */

	scenario_default(&s);
	s.strat.ep = 32;
	eval(&s, &r);
	cr_expect(r.errors & CE_EP_EXPERTS);

	scenario_default(&s);
	s.strat.pp = 17;
	eval(&s, &r);
	cr_expect(r.errors & CE_PP_LAYERS);

	scenario_default(&s);
	s.strat.dp = 2;
	eval(&s, &r);
	cr_expect_eq(r.errors, CE_FOLD);
	cr_expect_not(r.layout_ok);
	cr_expect(isnan(r.shards));
}

Test(layout, explicit_etp_must_fold)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.strat.etp = 8;   /* ep 16 x 8 = 128 > 64 */
	eval(&s, &r);
	cr_expect(r.errors & CE_FOLD);
	s.strat.etp = 2;
	eval(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.edp, 2);
	cr_expect_eq(r.shards, 32);   /* lcm(4, 32) */
}
