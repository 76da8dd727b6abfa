/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disaggregated serving: two pools evaluated by the step model and joined
 * by a KV transfer and a prefill queue. */
#include "helpers.h"

#include "deploy_disagg.h"
#include "preset.h"

static void r1_on(struct scenario *s, const char *gpu)
{
	char err[300];
	scenario_default(s);
	cr_assert_eq(preset_load(s, gpu, err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(s, "deepseek-r1", err, sizeof err), 0, "%s", err);
	s->strat = (struct strategy){ .dp = 8, .tp = 1, .pp = 1, .ep = 8 };
	s->req.tokens_per_ms_per_gpu = NAN;
}

/* One worker per pool, the same strategy, a transfer that costs nothing:
 * each phase is the aggregated one.  The decode step is the static decode
 * step at the same batch (no prompt rides in it), the prefill step a static
 * prefill of one prompt per replica. */
Test(disagg, one_worker_per_pool_and_a_free_transfer_match_each_phase)
{
	struct scenario s, st;
	struct result r, sr;
	r1_on(&s, "h200");
	s.hw.gpus_per_node = 16;   /* both pools in one domain, whose links cost nothing */
	s.hw.intra_gbps = 1e12;
	s.hw.intra_lat_us = 0;
	s.work.batch = 64;
	s.work.mode = MODE_DISAGG;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	st = s;
	st.work.mode = MODE_STATIC;
	cost_evaluate(&st, &sr);
	expect_rel(r.tpot_ms, sr.tpot_ms, 1e-12);
	st.work.batch = 8;   /* one prompt on each of the 8 replicas */
	cost_evaluate(&st, &sr);
	expect_rel(r.dis.prefill_step_s, sr.ttft_s, 1e-12);
	/* the TTFT is that step, the (free) transfer and the wait for a replica */
	expect_rel(r.ttft_s, r.dis.prefill_step_s + r.dis.transfer_s + r.dis.queue_s, 1e-12);
	cr_expect_lt(r.dis.transfer_s, 1e-6);
	cr_expect_eq(r.dis.transfer_intra, true);
}

/* DeepSeek-R1's MLA cache: 61 layers of (512 + 64) values at 2 bytes, a
 * 1,024-token prompt: 61 x 576 x 2 x 1024 = 71,958,528 bytes.  On H200 the
 * pools (8 + 8 GPUs) span two nodes: over the network, 45 GB/s a link, one
 * link a side (tp 1): 71,958,528 / 45e9 s + 10 us = 1.609 ms. */
Test(disagg, the_kv_transfer_of_r1_by_hand)
{
	struct scenario s;
	struct result r;
	r1_on(&s, "h200");
	s.work.mode = MODE_DISAGG;
	s.work.prompt_len = 1024;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.dis.transfer_bytes, 71958528.0);
	cr_expect_not(r.dis.transfer_intra);
	expect_rel(r.dis.transfer_s, 71958528.0 / 45e9 + 10e-6, 1e-12);
	/* in one NVLink domain (GB200 NVL72): 720 GB/s, 5 us */
	r1_on(&s, "gb200-nvl72");
	s.work.mode = MODE_DISAGG;
	s.work.prompt_len = 1024;
	cost_evaluate(&s, &r);
	cr_expect(r.dis.transfer_intra);
	expect_rel(r.dis.transfer_s, 71958528.0 / 720e9 + 5e-6, 1e-12);
}

/* Throughput per GPU counts both pools; a closed loop keeps Little's law. */
Test(disagg, both_pools_count_and_littles_law_holds)
{
	struct scenario s;
	struct result r;
	r1_on(&s, "gb200-nvl72");
	s.work.mode = MODE_DISAGG;
	s.work.engine = ENGINE_SGLANG;
	s.work.batch = 512;
	s.disagg = (struct disagg){ .dp = 4, .tp = 1, .pp = 1, .ep = 4, .prefill_workers = 2, .decode_workers = 3 };
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.dis.prefill_gpus, 8);
	cr_expect_eq(r.dis.decode_gpus, 24);
	cr_expect_eq(r.gpus, 32);
	expect_rel(r.output_tokens_per_s_per_gpu * 32, r.output_tokens_per_s, 1e-12);
	expect_rel(r.requests_per_s * (r.ttft_s + s.work.output_len * r.tpot_ms / 1000.0), 512, 1e-9);
	/* a busier prefill pool waits longer: one worker less, a longer TTFT */
	double ttft = r.ttft_s;
	s.disagg.prefill_workers = 1;
	cost_evaluate(&s, &r);
	cr_expect_gt(r.ttft_s, ttft);
	cr_expect_gt(r.dis.prefill_util, 0);
}

Test(disagg, an_invalid_prefill_pool_is_said)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.work.mode = MODE_DISAGG;
	s.disagg.tp = 3;
	cost_evaluate(&s, &r);
	cr_expect_not(r.ok);
	cr_expect(r.errors & CE_PREFILL);
	diag_collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_BAD_VALUE);
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "the prefill pool's strategy DP16 TP3 PP1 EP16 is not valid"), "%s", g->message);
}

/* dag draws one decode instance and the prefill pool, with the KV edge. */
Test(disagg, dag_draws_both_pools)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load gb200-nvl72; load deepseek-r1; set mode disagg; strategy DP8 TP1 EP8; "
					     "set prefill.dp 2; set prefill.tp 1; set prefill.ep 2; set disagg.prefill_workers 2; dag", 1),
		     0, "%s", f.buf.err);
	cr_expect(strstr(f.buf.out, "subgraph cluster_prefill"), "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "prefill pool: 2 x DP2 TP1 PP1 EP2 (2 GPUs each)"), "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "prefill0 -> gpu0 [color=\"#c17d11\", penwidth=2, label=\"KV cache\"]"), "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "gpu7 ["), "%s", f.buf.out);
	cr_expect_null(strstr(f.buf.out, "gpu8 ["));
	fixture_close(&f);
}

/* The prefill pool on a GPU of its own: its step is that GPU's, the KV
 * cache crosses the network between the two machines. */
Test(disagg, a_prefill_pool_on_its_own_gpu)
{
	struct session_fixture f;
	struct result same, own, alone;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load h200; load deepseek-r1; set mode disagg; strategy DP8 TP1 EP8", 1), 0,
		     "%s", f.buf.err);
	cost_evaluate(&f.ss.scn, &same);
	cr_assert_eq(session_run_line(&f.ss, "set prefill.hardware b200", 2), 0, "%s", f.buf.err);
	cr_expect_str_eq(f.ss.scn.disagg.hw.name, "b200");
	cost_evaluate(&f.ss.scn, &own);
	cr_assert(own.ok);
	/* the prefill pool alone on B200, as a static prefill of one prompt a replica */
	struct scenario b = f.ss.scn;
	b.hw = f.ss.scn.disagg.hw;
	b.work.mode = MODE_STATIC;
	b.work.batch = 8;
	cost_evaluate(&b, &alone);
	expect_rel(own.dis.prefill_step_s, alone.ttft_s, 1e-12);
	cr_expect_lt(own.dis.prefill_step_s, same.dis.prefill_step_s);
	cr_expect_not(own.dis.transfer_intra);
	cr_expect_eq(own.dis.prefill_capacity_gib, 180);
	/* an unknown GPU is refused and changes nothing */
	cr_expect_eq(session_run_line(&f.ss, "set prefill.hardware nope", 3), -1);
	cr_expect_str_eq(f.ss.scn.disagg.hw_name, "b200");
	fixture_close(&f);
}

/* show time of a disaggregated deployment: the TTFT is the wait for a
 * prefill replica, its step, the KV transfer and the front end, exactly;
 * both pools' passes carry their per-op times. */
Test(disagg, show_time_adds_up_the_ttft)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load h200 deepseek-r1; set mode disagg; set engine sglang", 1), 0);
	static struct result r;
	cost_evaluate_detail(&f.ss.scn, &r);
	cr_assert(r.ok && r.dis.on);
	const struct disagg_figures *d = &r.dis;
	expect_rel(r.ttft_s, d->queue_s + d->prefill_step_s + d->transfer_s + d->frontend_s, 1e-12);
	cr_expect_gt(d->frontend_s, 0);
	double ops = 0;
	for (int i = 0; i < OP_COUNT; i++)
		ops += r.prefill.op_compute_s[i] + r.prefill.op_memory_s[i];
	cr_expect_gt(ops, 0);
	cr_assert_eq(session_run_line(&f.ss, "show time", 2), 0);
	cr_expect(strstr(f.buf.out, "= wait for a prefill replica ") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "attn_proj") != NULL, "%s", f.buf.out);
	fixture_close(&f);
}
