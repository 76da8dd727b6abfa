/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serving layer: engine profiles, the KV pool of each engine, which
 * batch an engine admits, closed-loop and Poisson arrivals, and the
 * identities the model keeps (a dense model written as one expert). */
#include "helpers.h"

#include <math.h>
#include <stdio.h>

#include "preset.h"
#include "serve.h"

#define GIB 1073741824.0

/* Mixtral-8x7B on one 80 GiB node, tp 8, served by an engine. */
static void mixtral_served(struct scenario *s, int engine)
{
	mixtral_8x7b(s);
	s->hw.mem_gib = 80;
	s->hw.reserved_gib = 3;
	s->work.mode = MODE_SERVING;
	s->work.engine = engine;
	s->work.prompt_len = 8192;
	s->work.output_len = 1024;
	s->work.batch = 8;
	s->engine.max_batched_tokens = 8192;
	s->req.ttft_s = s->req.tpot_ms = s->req.tokens_per_ms_per_gpu = NAN;
}

Test(serve, kv_pool_of_each_engine_by_hand)
{
	/* 80 GiB, 20 GiB of weights, 1 GiB of activations, 3 GiB reserved */
	double cap = 80 * GIB, w = 20 * GIB, a = 1 * GIB, r = 3 * GIB;
	/* vLLM: 0.9 x 80 = 72 GiB for all of it: 72 - 20 - 1 - 3 = 48 */
	expect_rel(serve_kv_pool_bytes(MEM_RULE_TOTAL, 0.9, cap, w, a, r), 48 * GIB, 1e-12);
	/* SGLang: 0.88 x 80 = 70.4 GiB for weights and KV: 50.4 */
	expect_rel(serve_kv_pool_bytes(MEM_RULE_STATIC, 0.88, cap, w, a, r), 50.4 * GIB, 1e-12);
	/* TensorRT-LLM: 0.9 of the 56 GiB free: 50.4 */
	expect_rel(serve_kv_pool_bytes(MEM_RULE_FREE, 0.9, cap, w, a, r), 50.4 * GIB, 1e-12);
	/* no engine: all that is free */
	expect_rel(serve_kv_pool_bytes(MEM_RULE_NONE, 0, cap, w, a, r), 56 * GIB, 1e-12);
}

Test(serve, engine_defaults_follow_the_gpu_and_tp)
{
	struct scenario s;
	struct engine_cfg e;
	scenario_default(&s);
	s.hw.mem_gib = 80;
	serve_engine_resolve(ENGINE_VLLM, &s.engine, &s.hw, 1, &e);
	cr_expect_eq(e.max_seqs, 1024);
	cr_expect_eq(e.max_batched_tokens, 8192);
	expect_rel(e.mem_fraction, 0.9, 0);
	cr_expect_eq(e.prefill, PREFILL_MIXED);
	cr_expect_eq(e.admit, ADMIT_RULE_PAGED);
	snprintf(s.hw.name, sizeof s.hw.name, "a100-80g");
	serve_engine_resolve(ENGINE_VLLM, &s.engine, &s.hw, 1, &e);
	cr_expect_eq(e.max_seqs, 256);
	cr_expect_eq(e.max_batched_tokens, 2048);
	/* SGLang: reserved MiB = 512 + 1.5 x chunk + 2 x graph sequences +
	 * 1024 x tp / 8, at least 10 GiB above 60 GiB; (memory - it) / memory */
	static const struct {
		double gib;
		long tp, chunk;
		double fraction;
	} sglang[] = {
		/* 81920 MiB, tp 8: 512 + 12288 + 1024 + 1024 = 14848; 0.81875 */
		{ 80, 8, 8192, 0.819 },
		/* tp 2: 256 graph sequences, 256 for the GPUs: 13568; 0.834375 */
		{ 80, 2, 8192, 0.834 },
		/* 40 GiB: 4096-token chunks, 32 graph sequences at tp 1: 512 + 6144
		 * + 64 + 128 = 6848, no 10 GiB floor below 60 GiB; 0.83281 */
		{ 40, 1, 4096, 0.833 },
		/* 24 GiB: 2048-token chunks, 24 graph sequences: 3760; 0.84700 */
		{ 24, 1, 2048, 0.847 },
		/* 192 GiB: 16384-token chunks, 512 graph sequences at any tp; tp 1:
		 * 512 + 24576 + 1024 + 128 = 26240 of 196608; 0.86654 */
		{ 192, 1, 16384, 0.867 },
	};
	for (size_t i = 0; i < sizeof sglang / sizeof sglang[0]; i++) {
		s.hw.mem_gib = sglang[i].gib;
		serve_engine_resolve(ENGINE_SGLANG, &s.engine, &s.hw, sglang[i].tp, &e);
		cr_expect_eq(e.max_batched_tokens, sglang[i].chunk, "%g GiB tp %ld", sglang[i].gib, sglang[i].tp);
		expect_rel(e.mem_fraction, sglang[i].fraction, 0);
		cr_expect_eq(e.prefill, PREFILL_SEPARATE);
	}
	s.hw.mem_gib = 80;
	/* a value the user set stays */
	s.engine.max_seqs = 64;
	serve_engine_resolve(ENGINE_TRTLLM, &s.engine, &s.hw, 1, &e);
	cr_expect_eq(e.max_seqs, 64);
	cr_expect_eq(e.admit, ADMIT_RULE_WHOLE);
	cr_expect_eq(e.max_batched_tokens, 8192);
	/* no engine: no limit and no overhead */
	serve_engine_resolve(ENGINE_NONE, &s.engine, &s.hw, 1, &e);
	cr_expect_eq(e.max_seqs, 0);
	expect_rel(e.frontend_ms, 0, 0);
}

Test(serve, kv_capacity_tokens_by_hand)
{
	struct scenario s;
	struct result r;
	mixtral_served(&s, ENGINE_VLLM);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* tp 8 holds one of the 8 KV heads: 2 x 1 x 128 values x 2 bytes x
	 * 32 layers = 16384 bytes per token on each GPU */
	const struct device_mem *d = &r.dev[0];
	double pool = 0.9 * 80 * GIB - d->weights_gib * GIB - d->act_gib * GIB - 3 * GIB;
	expect_rel(r.kv_capacity_tokens, floor(pool / 16384.0), 1e-12);
	/* vLLM pages: a sequence holds its prompt and half its output on
	 * average, 8192 + 512 tokens */
	expect_rel(r.kv_capacity_seqs, floor(r.kv_capacity_tokens / 8704.0), 1e-12);
	/* TensorRT-LLM reserves prompt and whole output: 9216 */
	mixtral_served(&s, ENGINE_TRTLLM);
	cost_evaluate(&s, &r);
	expect_rel(r.kv_capacity_seqs, floor(r.kv_capacity_tokens / 9216.0), 1e-12);
	/* the activations are those of a full step of the token budget */
	cr_expect_gt(d->act_gib, 0);
}

Test(serve, admission_caps_the_batch_tpot_flat_ttft_rises)
{
	struct scenario s;
	struct result r1, r2;
	struct diag_list d;
	mixtral_served(&s, ENGINE_TRTLLM);
	/* a benchmark so long that its first wave weighs nothing */
	s.work.requests = 1000000000;
	cost_evaluate(&s, &r1);
	double cap = floor(r1.kv_capacity_tokens / 9216.0);
	cr_assert_gt(cap, 4);
	s.work.batch = (long)cap;
	cost_evaluate(&s, &r1);
	cr_expect_eq(r1.running_per_replica, cap);
	cr_expect_eq(r1.admit_cap, ADMIT_ALL);
	s.work.batch = (long)(3 * cap);
	cost_evaluate(&s, &r2);
	cr_expect_eq(r2.running_per_replica, cap);
	cr_expect_eq(r2.admit_cap, ADMIT_KV);
	expect_rel(r2.tpot_ms, r1.tpot_ms, 1e-12);
	cr_expect_gt(r2.ttft_s, 2 * r1.ttft_s);
	/* twice the loop of the admitted batch waits about two lives of a request */
	double life = r1.ttft_s + 1024 * r1.tpot_ms / 1000.0;
	expect_rel(r2.ttft_s, 3 * life - 1024 * r1.tpot_ms / 1000.0, 1e-6);
	diag_collect(&s, &r2, &d);
	const struct diag *g = find_diag(&d, W_KV_ADMISSION);
	cr_assert(g != NULL);
	cr_expect_eq(g->severity, SEV_WARNING);
	char fix[64];
	snprintf(fix, sizeof fix, "set batch %.0f", cap);
	cr_expect_str_eq(g->fix, fix);
	/* max_seqs caps the same way */
	s.engine.max_seqs = 4;
	cost_evaluate(&s, &r2);
	cr_expect_eq(r2.running_per_replica, 4);
	cr_expect_eq(r2.admit_cap, ADMIT_MAX_SEQS);
}

/* A closed loop starts with every request at once: the shorter the
 * benchmark, the more that first wave weighs in the mean TTFT. */
Test(serve, first_wave_weighs_one_round)
{
	struct scenario s;
	struct result one, ten, endless;
	mixtral_served(&s, ENGINE_VLLM);
	s.work.prompt_len = 1024;
	s.work.batch = 64;
	s.work.requests = 64;
	cost_evaluate(&s, &one);
	s.work.requests = 640;
	cost_evaluate(&s, &ten);
	s.work.requests = 1000000000;
	cost_evaluate(&s, &endless);
	cr_assert(one.ok && ten.ok && endless.ok);
	cr_expect_gt(one.ttft_s, ten.ttft_s);
	cr_expect_gt(ten.ttft_s, endless.ttft_s);
	/* the mean is the wave's and the steady rounds', one round in ten */
	expect_rel(ten.ttft_s, 0.1 * one.ttft_s + 0.9 * endless.ttft_s, 1e-6);
	expect_rel(ten.tpot_ms, one.tpot_ms, 0);
	/* SGLang's prefill batches gather every waiting request: the wave
	 * forms again every round, and its decode has no prompt in the way */
	mixtral_served(&s, ENGINE_SGLANG);
	s.work.prompt_len = 1024;
	s.work.batch = 64;
	s.work.requests = 64;
	cost_evaluate(&s, &one);
	s.work.requests = 1000000000;
	cost_evaluate(&s, &endless);
	expect_rel(endless.ttft_s, one.ttft_s, 1e-12);
	s.engine.prefill = PREFILL_MIXED;
	cost_evaluate(&s, &ten);
	cr_expect_lt(endless.tpot_ms, ten.tpot_ms);
}

Test(serve, closed_loop_by_hand)
{
	/* 8 requests, 4 slots, 0.1 s to the first token, 100 tokens at 10 ms:
	 * a life of 1.1 s, 4/1.1 requests a second, each back every 2.2 s */
	expect_rel(serve_closed_ttft(8, 4, 0.1, 100, 0.01, 0), 1.2, 1e-12);
	expect_rel(serve_closed_ttft(4, 4, 0.1, 100, 0.01, 0), 0.1, 1e-12);
	/* a prefill that starts at most 2 requests a second sets the pace */
	expect_rel(serve_closed_ttft(8, 4, 0.1, 100, 0.01, 2), 3.0, 1e-12);
	/* M/D/1 */
	expect_rel(serve_md1_wait(0.5, 0.2), 0.1, 1e-12);
	cr_expect(isinf(serve_md1_wait(1.0, 0.2)));
	cr_expect_eq(serve_md1_wait(0, 0.2), 0);
}

Test(serve, closed_loop_prefill_wait_by_hand)
{
	/* 10 running, 10 ms of prefill each, 20 ms steps, a life of 1 s:
	 * x = 1 - 0.1 = 0.9, c = 10 x 0.01 x 0.02 = 0.002, so
	 * w = c / (x + sqrt(x^2 + 2c)) = 0.002 / (0.9 + sqrt(0.814)) */
	double w = serve_closed_prefill_wait(10, 0.01, 0.02, 1.0);
	expect_rel(w, 0.002 / (0.9 + 0.90221949), 1e-7);
	expect_rel(w, 0.00110974, 1e-5);
	/* the fixed point it solves: an M/D/1 queue fed at 10 / (1 + w) a second */
	expect_rel(w, serve_md1_wait(10 * 0.01 / (1.0 + w), 0.02), 1e-9);
	/* near full: x = 1 - 2 = -1, c = 0.5, w = (sqrt(2) + 1) / 2 */
	w = serve_closed_prefill_wait(10, 0.2, 0.25, 1.0);
	expect_rel(w, (sqrt(2.0) + 1.0) / 2.0, 1e-12);
	expect_rel(w, serve_md1_wait(2.0 / (1.0 + w), 0.25), 1e-9);
	/* never more than the other prompts' steps: 1 x 0.25 */
	expect_rel(serve_closed_prefill_wait(2, 0.2, 0.25, 0.1), 0.25, 0);
	/* alone in the loop, or no prefill: no wait */
	cr_expect_eq(serve_closed_prefill_wait(1, 0.2, 0.25, 1.0), 0);
	cr_expect_eq(serve_closed_prefill_wait(10, 0, 0.25, 1.0), 0);
}

/* The fewer output tokens a request of the loop has, the sooner it comes
 * back and the more often a prompt finds another's prefill running. */
Test(serve, closed_loop_prompts_queue_for_prefill)
{
	struct scenario s;
	struct result short_out, long_out;
	mixtral_served(&s, ENGINE_VLLM);
	s.work.batch = 16;
	s.work.requests = 1000000000;
	s.work.output_len = 64;
	cost_evaluate(&s, &short_out);
	s.work.output_len = 4096;
	cost_evaluate(&s, &long_out);
	cr_assert(short_out.ok && long_out.ok);
	cr_expect_gt(short_out.ttft_wait_s, 3 * long_out.ttft_wait_s);
}

/* An engine that schedules the next step while one runs makes a request
 * that comes in wait for that step too. */
Test(serve, an_overlap_scheduler_costs_one_step_of_ttft)
{
	struct scenario s;
	struct result sync, overlap;
	/* SGLang: the decode has no prompt in the way and the wave is one
	 * prefill step (32 x 1024 tokens), so a step is the TPOT */
	mixtral_served(&s, ENGINE_SGLANG);
	s.work.prompt_len = 1024;
	s.work.batch = 32;
	s.engine.max_batched_tokens = 32768;
	s.engine.scheduler = SCHED_SYNC;
	cost_evaluate(&s, &sync);
	s.engine.scheduler = SCHED_AUTO;
	cost_evaluate(&s, &overlap);
	cr_assert(sync.ok && overlap.ok);
	expect_rel(overlap.ttft_s - sync.ttft_s, overlap.tpot_ms / 1000.0, 1e-9);
	expect_rel(overlap.tpot_ms, sync.tpot_ms, 0);
	/* one request alone in a closed loop and a trickle of Poisson
	 * arrivals: both wait for the one step of one sequence */
	mixtral_served(&s, ENGINE_VLLM);
	s.work.batch = 1;
	s.work.requests = 1000000000;
	s.engine.scheduler = SCHED_SYNC;
	cost_evaluate(&s, &sync);
	s.engine.scheduler = SCHED_OVERLAP;
	cost_evaluate(&s, &overlap);
	double closed_step = overlap.ttft_s - sync.ttft_s;
	s.work.arrival = ARRIVAL_POISSON;
	s.work.rate = 1e-6;
	s.engine.scheduler = SCHED_SYNC;
	cost_evaluate(&s, &sync);
	s.engine.scheduler = SCHED_OVERLAP;
	cost_evaluate(&s, &overlap);
	cr_assert(sync.ok && overlap.ok);
	expect_rel(overlap.ttft_s - sync.ttft_s, closed_step, 1e-6);
	cr_expect_gt(closed_step, 0);
	cr_expect_leq(closed_step, overlap.tpot_ms / 1000.0);
}

/* SGLang's closed loop of 4 requests of 1024 + 64 tokens, without a
 * front end or an overlap scheduler: `one` with a budget that prefills
 * the wave in one step, `four` with one prompt a step (s is left so). */
static void sglang_wave_of_four(struct scenario *s, struct result *one, struct result *four)
{
	mixtral_served(s, ENGINE_SGLANG);
	s->work.prompt_len = 1024;
	s->work.output_len = 64;
	s->work.batch = 4;
	s->work.requests = 4;
	s->engine.scheduler = SCHED_SYNC;
	s->engine.frontend_ms = 0;
	s->engine.max_batched_tokens = 4096;
	cost_evaluate(s, one);
	s->engine.max_batched_tokens = 1024;
	cost_evaluate(s, four);
}

/* An engine that runs the waiting prefill before any decode (SGLang)
 * prefills a closed loop's wave of 4 prompts one step each: the prompts
 * are done after 1, 2, 3 and 4 steps (TTFT 2.5 steps), and each waits
 * for the rest of the wave before its second token (1.5 steps, spread
 * over its O tokens).  A budget that takes the whole wave in one step
 * has no such wait: its TPOT is the clean decode step. */
Test(serve, a_wave_prefilled_first_stalls_its_own_decode)
{
	struct scenario s;
	struct result one, four;
	sglang_wave_of_four(&s, &one, &four);
	cr_assert(one.ok && four.ok);
	double step = four.ttft_s / 2.5, tpot_clean = one.tpot_ms / 1000.0;
	expect_rel(four.tpot_ms / 1000.0, tpot_clean + 1.5 * step / 64, 1e-9);
	/* a request's life: the whole wave, then 64 clean steps */
	expect_rel(four.ttft_s + 64 * four.tpot_ms / 1000.0, 4 * step + 64 * tpot_clean, 1e-9);
	/* open-loop arrivals come one by one: no wave, no stall */
	s.work.arrival = ARRIVAL_POISSON;
	s.work.rate = 0.01;
	cost_evaluate(&s, &four);
	s.engine.max_batched_tokens = 4096;
	cost_evaluate(&s, &one);
	cr_assert(one.ok && four.ok);
	expect_rel(four.tpot_ms, one.tpot_ms, 1e-12);
}

/* The spread of a closed loop's waves.  SGLang, 4 prompts a wave, one
 * prompt a step: the prompts are done after 1, 2, 3, 4 steps, so the
 * TTFT's p50 is 2 steps and its p90 and p99 are 4; the prompt done after
 * step j waits 4 - j steps before its decode, so the TPOT's p50 holds 1
 * step of waiting and its p90 and p99 hold 3. */
Test(serve, percentiles_of_a_separate_prefill_wave)
{
	struct scenario s;
	struct result r, one;
	sglang_wave_of_four(&s, &one, &r);
	cr_assert(r.ok && one.ok);
	double step = r.ttft_s / 2.5, clean = one.tpot_ms;
	expect_rel(r.ttft_pct_s[0], 2 * step, 1e-9);
	expect_rel(r.ttft_pct_s[1], 4 * step, 1e-9);
	expect_rel(r.ttft_pct_s[2], 4 * step, 1e-9);
	expect_rel(r.tpot_pct_ms[0], clean + 1000.0 * step / 64, 1e-9);
	expect_rel(r.tpot_pct_ms[1], clean + 3000.0 * step / 64, 1e-9);
	expect_rel(r.tpot_pct_ms[2], clean + 3000.0 * step / 64, 1e-9);
	/* an open stream: no waves, no percentiles derived */
	s.work.arrival = ARRIVAL_POISSON;
	s.work.rate = 0.01;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_expect(isnan(r.ttft_pct_s[2]) && isnan(r.tpot_pct_ms[0]));
}

/* Under a mixed engine only the loop's first wave spreads.  With as many
 * requests as the concurrency every request is in it: p50 = 2 steps of
 * its 4, p99 = 4, the mean 2.5, so p99 - p50 = 4 (mean - p50).  With ten
 * rounds a tenth are: the p50 and p90 are the steady TTFT, the p99 is
 * still the wave's 4th step, and the mean is 0.9 x steady + 0.1 x the
 * wave's mean.  Every request's TPOT is the mean. */
Test(serve, percentiles_of_a_mixed_loop)
{
	struct scenario s;
	struct result all, tenth;
	mixtral_served(&s, ENGINE_VLLM);
	s.work.prompt_len = 1024;
	s.work.output_len = 256;
	s.work.batch = 4;
	s.engine.max_batched_tokens = 1024;
	s.work.requests = 4;
	cost_evaluate(&s, &all);
	s.work.requests = 40;
	cost_evaluate(&s, &tenth);
	cr_assert(all.ok && tenth.ok);
	expect_rel(all.ttft_pct_s[2] - all.ttft_pct_s[0], 4 * (all.ttft_s - all.ttft_pct_s[0]), 1e-9);
	expect_rel(all.ttft_pct_s[1], all.ttft_pct_s[2], 1e-12);
	double steady = tenth.ttft_pct_s[0];
	cr_expect_lt(steady, all.ttft_pct_s[0]);
	expect_rel(tenth.ttft_pct_s[1], steady, 1e-12);
	expect_rel(tenth.ttft_pct_s[2], all.ttft_pct_s[2], 1e-9);
	expect_rel(tenth.ttft_s, 0.9 * steady + 0.1 * all.ttft_s, 1e-9);
	for (int q = 0; q < 3; q++)
		expect_rel(tenth.tpot_pct_ms[q], tenth.tpot_ms, 1e-12);
}

/* The quantiles of the mixture by hand: a wave of 4 steps of 1 s done
 * at 1, 2, 3, 4 s.  A tenth of the requests in it and the rest at 0.5 s:
 * 90% are at 0.5 s (p50 and p90), the p99 is the wave's last.  Half in
 * it and the rest at 2.5 s: 25% by 2 s, 75% by 2.5 s (p50), the p90 and
 * p99 are the wave's last.  The slot's wait moves them all. */
Test(serve, spread_quantiles_by_hand)
{
	double t[3] = { NAN, NAN, NAN }, p[3] = { NAN, NAN, NAN };
	struct serve_spread x = { .steps = 4, .step_s = 1, .wave_base = 0, .steady = 0.5, .first = 0.1,
				  .shift = 0, .tpot_clean = 0.010, .O = 100, .separate = false };
	serve_spread_percentiles(&x, t, p);
	expect_rel(t[0], 0.5, 1e-12);
	expect_rel(t[1], 0.5, 1e-12);
	expect_rel(t[2], 4, 1e-12);
	expect_rel(p[2], 10, 1e-12);
	x.steady = 2.5;
	x.first = 0.5;
	x.shift = 1;
	serve_spread_percentiles(&x, t, p);
	expect_rel(t[0], 3.5, 1e-12);
	expect_rel(t[1], 5, 1e-12);
	expect_rel(t[2], 5, 1e-12);
	/* every round a wave, its prompts waiting 3, 2, 1, 0 steps to decode */
	x = (struct serve_spread){ .steps = 4, .step_s = 1, .wave_base = 0.2, .first = 1, .tpot_clean = 0.010,
				   .O = 100, .separate = true };
	serve_spread_percentiles(&x, t, p);
	expect_rel(t[0], 2.2, 1e-12);
	expect_rel(t[2], 4.2, 1e-12);
	expect_rel(p[0], 10 + 1000.0 * 1 / 100, 1e-12);
	expect_rel(p[2], 10 + 1000.0 * 3 / 100, 1e-12);
	/* steps of no time: nothing derived, the figures left as they were */
	double u[3] = { NAN, NAN, NAN }, v[3] = { NAN, NAN, NAN };
	x.step_s = 0;
	serve_spread_percentiles(&x, u, v);
	cr_expect(isnan(u[0]) && isnan(v[2]));
}

Test(serve, chunked_prefill_plan)
{
	struct prefill_plan p = serve_prefill_plan(8192, 2048, 64, true);
	cr_expect_eq(p.chunks, 4);
	cr_expect_eq(p.group, 1);
	p = serve_prefill_plan(1024, 8192, 64, true);
	cr_expect_eq(p.chunks, 1);
	cr_expect_eq(p.group, 8);
	p = serve_prefill_plan(1024, 8192, 3, true);
	cr_expect_eq(p.group, 3);
	p = serve_prefill_plan(1024, 8192, 64, false);
	cr_expect_eq(p.group, 1);
	/* 64 prompts in groups of 8 over 1024 steps: 8 steps of 1024 */
	expect_rel(serve_mixed_share(64, 1024, serve_prefill_plan(1024, 8192, 64, true)), 8.0 / 1024, 1e-12);
	/* one prompt in 4 chunks each of 512 steps: every step, and no more */
	expect_rel(serve_mixed_share(512, 1024, serve_prefill_plan(8192, 2048, 512, true)), 1.0, 0);
}

Test(serve, closed_against_poisson)
{
	struct scenario s;
	struct result closed, open;
	struct diag_list d;
	mixtral_served(&s, ENGINE_VLLM);
	s.work.batch = 16;
	cost_evaluate(&s, &closed);
	cr_assert(closed.ok);
	/* a slow stream: about one request in flight, no queue to speak of */
	s.work.arrival = ARRIVAL_POISSON;
	s.work.rate = 0.05;
	cost_evaluate(&s, &open);
	cr_assert(open.ok);
	cr_expect_lt(open.running_per_replica, 4);
	cr_expect_lt(open.ttft_s, closed.ttft_s);
	cr_expect_lt(open.tpot_ms, closed.tpot_ms);
	expect_rel(open.requests_per_s, 0.05, 1e-12);
	/* in flight = rate x life (Little's law), at the fixed point */
	expect_rel(open.running_per_replica, 0.05 * (open.ttft_s + 1024 * open.tpot_ms / 1000.0), 1e-6);
	cr_expect(!open.overloaded);
	/* beyond what it can serve */
	s.work.rate = 1e6;
	cost_evaluate(&s, &open);
	cr_expect(open.overloaded);
	cr_expect_gt(open.max_rate, 0);
	diag_collect(&s, &open, &d);
	cr_expect(has_diag(&d, E_OVERLOAD));
}

Test(serve, no_engine_keeps_the_plain_model)
{
	struct scenario s;
	struct result a, b;
	mixtral_served(&s, ENGINE_NONE);
	cost_evaluate(&s, &a);
	/* engine keys are ignored without an engine, and so is arrival */
	s.engine.max_seqs = 1;
	s.engine.frontend_ms = 1000;
	s.work.arrival = ARRIVAL_POISSON;
	cost_evaluate(&s, &b);
	expect_rel(b.ttft_s, a.ttft_s, 0);
	expect_rel(b.tpot_ms, a.tpot_ms, 0);
	cr_expect_eq(b.running_per_replica, 8);
}

/* A dense model gives the same figures written as dense layers or as one
 * expert, for every shipped dense preset, served and static. */
Test(serve, dense_as_one_expert_is_dense)
{
	static const char *const dense[] = { "llama-3.1-8b", "llama-3.1-70b", "qwen3-32b" };
	for (size_t i = 0; i < sizeof dense / sizeof dense[0]; i++) {
		for (int mode = 0; mode < 2; mode++) {
			struct scenario one, layers;
			struct result r1, r2;
			char err[600];
			scenario_default(&one);
			cr_assert_eq(preset_load(&one, "h100-sxm", err, sizeof err), 0, "%s", err);
			cr_assert_eq(preset_load(&one, dense[i], err, sizeof err), 0, "%s", err);
			cr_assert_eq(one.model.experts, 1, "%s", dense[i]);
			one.strat = (struct strategy){ .dp = 1, .tp = 4, .pp = 1, .ep = 1 };
			one.work.mode = mode ? MODE_SERVING : MODE_STATIC;
			one.work.batch = 32;
			layers = one;
			layers.model.dense_layers = layers.model.layers;
			layers.model.dense_ffn = layers.model.expert_ffn;
			layers.model.experts = 1;
			cost_evaluate(&one, &r1);
			cost_evaluate(&layers, &r2);
			cr_assert(r1.ok && r2.ok, "%s", dense[i]);
			expect_rel(r1.ttft_s, r2.ttft_s, 1e-12);
			expect_rel(r1.tpot_ms, r2.tpot_ms, 1e-12);
			expect_rel(r1.max_total_gib, r2.max_total_gib, 1e-12);
			expect_rel(r1.params.total, r2.params.total, 1e-12);
			/* and no expert all-reduce is paid */
			cr_expect_eq(r1.decode.comm_s[COMM_ETP], 0);
		}
	}
}

/* The largest decode step each engine replays as a CUDA graph, by hand:
 * vLLM min(2 x max_num_seqs x (1 + draft tokens), 512) tokens, SGLang's
 * cuda_graph_max_bs by memory and tp, TensorRT-LLM 128. */
Test(serve, cuda_graph_sizes_of_each_engine_by_hand)
{
	struct scenario s;
	scenario_default(&s);
	s.hw.mem_gib = 80;
	s.strat = (struct strategy){ .dp = 1, .tp = 2, .pp = 1, .ep = 1, .etp = 1 };
	/* vLLM on 80 GiB: 1024 sequences, 2 x 1024 is past 512 */
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_VLLM, &s.engine, &s.hw, &s.model, &s.strat, 0), 512);
	/* with 3 draft tokens a sequence: 512 tokens hold 128 sequences */
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_VLLM, &s.engine, &s.hw, &s.model, &s.strat, 3), 128);
	/* 100 sequences at most: 200 tokens */
	s.engine.max_seqs = 100;
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_VLLM, &s.engine, &s.hw, &s.model, &s.strat, 0), 200);
	s.engine.max_seqs = 0;
	/* SGLang on 80 GiB: 256 below tp 4, 512 from it; 24 GiB at tp 2: 24 */
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_SGLANG, &s.engine, &s.hw, &s.model, &s.strat, 0), 256);
	s.strat.tp = 4;
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_SGLANG, &s.engine, &s.hw, &s.model, &s.strat, 0), 512);
	s.hw.mem_gib = 24;
	s.strat.tp = 2;
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_SGLANG, &s.engine, &s.hw, &s.model, &s.strat, 0), 24);
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_TRTLLM, &s.engine, &s.hw, &s.model, &s.strat, 0), 128);
	cr_expect_eq(serve_engine_graph_max_seqs(ENGINE_NONE, &s.engine, &s.hw, &s.model, &s.strat, 0), 0);
	/* a value the user set stays, for every engine */
	s.engine.graph_max_seqs = 300;
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++)
		cr_expect_eq(serve_engine_graph_max_seqs(e, &s.engine, &s.hw, &s.model, &s.strat, 3), 300);
	/* SGLang reserves 2 MiB a graph sequence: 300 instead of 24 on 24 GiB
	 * at tp 2 is 512 + 3072 + 600 + 256 = 4440 MiB; 20136 / 24576 */
	struct engine_cfg e;
	serve_engine_resolve(ENGINE_SGLANG, &s.engine, &s.hw, 2, &e);
	expect_rel(e.mem_fraction, 0.819, 0);
}

/* Decode steps larger than the engine's CUDA graphs are flagged, with the
 * setting that covers them; at the graphs' size and below they are not. */
Test(serve, decode_past_the_cuda_graphs_is_flagged)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	mixtral_served(&s, ENGINE_TRTLLM);
	s.work.prompt_len = 512;
	s.work.output_len = 512;
	s.work.batch = 128;
	cost_evaluate(&s, &r);
	cr_assert_eq(r.running_per_replica, 128);
	diag_collect(&s, &r, &d);
	cr_expect_null(find_diag(&d, W_NO_GRAPH), "128 sequences fit TensorRT-LLM's graphs");
	s.work.batch = 129;
	cost_evaluate(&s, &r);
	cr_assert_eq(r.running_per_replica, 129);
	diag_collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, W_NO_GRAPH);
	cr_assert_not_null(g);
	cr_expect_eq(g->severity, SEV_WARNING);
	cr_expect_str_eq(g->fix, "set engine.graph_max_seqs 129");
	cr_expect(strstr(g->message, "129 sequences") && strstr(g->message, "past the 128"), "%s", g->message);
	/* the fix applied: no warning, the figures as they were */
	double tpot = r.tpot_ms;
	s.engine.graph_max_seqs = 129;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect_null(find_diag(&d, W_NO_GRAPH));
	expect_rel(r.tpot_ms, tpot, 0);
	/* no engine, no graphs to speak of */
	s.work.engine = ENGINE_NONE;
	s.work.batch = 4096;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect_null(find_diag(&d, W_NO_GRAPH));
}

/* A mean of 128.2 running sequences has steps of 129: past 128 */
Test(serve, past_graphs_counts_whole_sequences)
{
	cr_expect_not(serve_past_graphs(128, 128.0));
	cr_expect(serve_past_graphs(128, 128.2));
	cr_expect(serve_past_graphs(128, 129.0));
	cr_expect_not(serve_past_graphs(128, 3.5));
	/* no limit known */
	cr_expect_not(serve_past_graphs(0, 4096.0));
}

/* What a step spends off the GPU is the engine's host side, not the
 * pipeline's bubble: at pp 1 all of it is host (vLLM: 33.8 us a running
 * sequence), at pp 2 the bubble comes on top, and without an engine there
 * is no host side. */
Test(serve, host_side_is_its_own_part_of_the_step)
{
	struct scenario s;
	struct result r;
	mixtral_served(&s, ENGINE_VLLM);
	s.work.prompt_len = 512;
	s.work.output_len = 512;
	s.work.batch = 64;
	s.strat = (struct strategy){ .dp = 1, .tp = 2, .pp = 1, .ep = 1, .etp = 0 };
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	cr_assert_eq(r.running_per_replica, 64);
	expect_rel(r.decode.host_s, 64 * 32.6e-6, 1e-12);
	expect_rel(r.prefill.host_s, 64 * 32.6e-6, 1e-12);
	cr_expect_lt(r.decode.bubble_s, 1e-12 * r.decode.time_s);
	expect_rel(r.decode.compute_s + r.decode.memory_s + r.decode.comm_total_s + r.decode.host_s,
		   r.decode.time_s, 1e-12);
	/* 2000 us a sequence: the host side is what the step waits on */
	s.engine.seq_us = 2000;
	cost_evaluate(&s, &r);
	cr_expect_eq(r.decode.bottleneck, BOUND_HOST);
	s.engine.seq_us = NAN;
	s.strat.pp = 2;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	expect_rel(r.decode.host_s, 64 * 32.6e-6, 1e-12);
	cr_expect_gt(r.decode.bubble_s, 0);
	s.work.engine = ENGINE_NONE;
	cost_evaluate(&s, &r);
	cr_expect_eq(r.decode.host_s, 0);
	cr_expect_gt(r.decode.bubble_s, 0);
}

/* gpt-oss-120b on one H100, 1024-token prompts and outputs: a served model. */
static void gpt_oss_on_h100(struct scenario *s, int engine, long batch)
{
	char err[600];
	scenario_default(s);
	cr_assert_eq(preset_load(s, "h100-sxm", err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(s, "gpt-oss-120b", err, sizeof err), 0, "%s", err);
	s->strat = (struct strategy){ .dp = 1, .tp = 1, .pp = 1, .ep = 1, .overlap = s->strat.overlap };
	s->work.mode = MODE_SERVING;
	s->work.engine = engine;
	s->work.prompt_len = s->work.output_len = 1024;
	s->work.batch = batch;
	s->work.requests = 1000000000;   /* the first wave weighs nothing */
	s->req.ttft_s = s->req.tpot_ms = s->req.tokens_per_ms_per_gpu = NAN;
}

/* An engine sizes its pool when it starts, from its own limits: the
 * requests a client sends change neither the pool nor the running batch
 * past the engine's cap.  The last stage holds the FP32 logits of the
 * engine's max_seqs sequences: 4 x max_seqs x V / tp bytes. */
Test(serve, the_pool_does_not_follow_the_requests_in_flight)
{
	static struct scenario s;
	struct result r64, r_cap, r_big;
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		gpt_oss_on_h100(&s, e, 64);
		cost_evaluate(&s, &r64);
		cr_assert(r64.ok, "%s", serve_engine_name(e));
		gpt_oss_on_h100(&s, e, 8192);
		cost_evaluate(&s, &r_big);
		cr_assert(r_big.ok, "%s", serve_engine_name(e));
		cr_expect_eq(r_big.kv_capacity_tokens, r64.kv_capacity_tokens, "%s: %.0f at 8192, %.0f at 64",
			     serve_engine_name(e), r_big.kv_capacity_tokens, r64.kv_capacity_tokens);
		cr_expect_eq(r_big.dev[0].act_gib, r64.dev[0].act_gib, "%s", serve_engine_name(e));
		/* past the cap the same batch runs: TPOT flat, TTFT grows */
		double cap = r_big.running_per_replica;
		cr_assert_lt(cap, 8192, "%s", serve_engine_name(e));
		gpt_oss_on_h100(&s, e, (long)cap);
		cost_evaluate(&s, &r_cap);
		cr_expect_eq(r_cap.running_per_replica, cap, "%s", serve_engine_name(e));
		expect_rel(r_big.tpot_ms, r_cap.tpot_ms, 1e-12);
		cr_expect_gt(r_big.ttft_s, 10 * r_cap.ttft_s, "%s", serve_engine_name(e));
	}
	/* the logits follow the engine's max_seqs: 1024 more rows of a
	 * 201,088-entry vocabulary in FP32 on one GPU */
	gpt_oss_on_h100(&s, ENGINE_VLLM, 64);
	s.engine.max_seqs = 1024;
	cost_evaluate(&s, &r64);
	s.engine.max_seqs = 2048;
	cost_evaluate(&s, &r_big);
	expect_rel((r_big.dev[0].act_gib - r64.dev[0].act_gib) * GIB, 4.0 * 1024 * 201088, 1e-9);
}
