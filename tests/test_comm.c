/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Collectives on worked examples. */
#include "step_ctx.h"
#include "helpers.h"

/* The time of each collective for `bytes`, the way a layer asks for it. */
static double allreduce(double n, double bytes, double bw, double lat)
{
	return comm_time(comm_allreduce_cost(n, bw, lat), bytes);
}

static double allreduce_switched(double n, double bytes, double bw, double lat)
{
	return comm_time(comm_allreduce_switched_cost(n, bw, lat), bytes);
}

static double alltoall(double n, double g, double bytes, double bw_intra, double bw_inter, double lat_intra,
		       double lat_inter)
{
	return comm_time(comm_alltoall_cost(n, g, bw_intra, bw_inter, lat_intra, lat_inter), bytes);
}

Test(comm, ring_allreduce_worked_example)
{
	/* 4 GPUs, 8 MB, 400 GB/s, 5 us: 2*3/4 * 8e6/400e9 = 30 us, + 2*3*5 us = 60 us */
	expect_rel(allreduce(4, 8e6, 400e9, 5e-6), 60e-6, 1e-12);
	cr_expect_eq(allreduce(1, 8e6, 400e9, 5e-6), 0);
}

Test(comm, switched_allreduce_takes_two_latency_steps)
{
	/* the same 8 MB over 4 GPUs of one NVSwitch node: 30 us of bytes + 2 x 5 us */
	expect_rel(allreduce_switched(4, 8e6, 400e9, 5e-6), 40e-6, 1e-12);
	/* at 8 GPUs the latency stays 10 us where the ring pays 70 us */
	expect_rel(allreduce_switched(8, 0, 400e9, 5e-6), 10e-6, 1e-12);
	expect_rel(allreduce(8, 0, 400e9, 5e-6), 70e-6, 1e-12);
	cr_expect_eq(allreduce_switched(1, 8e6, 400e9, 5e-6), 0);
}

Test(comm, two_tier_alltoall_worked_example)
{
	/* 16 members, 2 per node, 1 MB: 14/16 of it crosses nodes at 50 GB/s
	 * (17.5 us), beating 1/16 inside at 400 GB/s; plus the inter latency 10 us */
	expect_rel(alltoall(16, 2, 1e6, 400e9, 50e9, 5e-6, 10e-6), 27.5e-6, 1e-12);
	/* all inside one node: 7/8 at 400 GB/s + 5 us */
	expect_rel(alltoall(8, 8, 1e6, 400e9, 50e9, 5e-6, 10e-6), 1e6 * 7.0 / 8 / 400e9 + 5e-6, 1e-12);
	cr_expect_eq(alltoall(1, 1, 1e6, 400e9, 50e9, 5e-6, 10e-6), 0);
}

Test(comm, p2p)
{
	expect_rel(comm_time(comm_p2p_cost(50e9, 10e-6), 1e6), 30e-6, 1e-12);
}

Test(comm, overlap_hides_collectives_but_not_pipeline_sends)
{
	struct scenario s;
	struct result a, b;
	scenario_default(&s);
	cost_evaluate(&s, &a);
	s.strat.overlap = 1;
	cost_evaluate(&s, &b);
	cr_assert(a.ok && b.ok);
	cr_expect_gt(a.decode.comm_total_s, 0);
	cr_expect_eq(b.decode.comm_total_s, 0);
	expect_rel(a.tpot_ms - b.tpot_ms, 1000.0 * a.decode.comm_total_s, 1e-9);
}
