/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Traffic as it is: prefix-cache hits and sessions of turns, by hand. */
#include "helpers.h"

#include "export_engine.h"
#include "import_engine.h"
#include "preset.h"
#include "serve.h"

#define GIB 1073741824.0

static void seed(struct scenario *s)
{
	scenario_default(s);
	s->strat = (struct strategy){ .dp = 1, .tp = 1, .pp = 1, .ep = 1 };
	s->work.batch = 1;
	s->work.prompt_len = 1000;
	s->work.output_len = 200;
	s->hw.kernel_us = 0;
}

/* Half of each prompt found in the cache: the linear ops of the prefill
 * do half the work, and its attention S^2 - (S/2)^2 = 3/4 of the pairs. */
Test(traffic, prefix_hits_lower_the_prefill_by_the_hit_share)
{
	static struct scenario s;
	static struct result a, b;
	seed(&s);
	cost_evaluate_detail(&s, &a);
	s.work.prefix_hit = 0.5;
	cost_evaluate_detail(&s, &b);
	cr_assert(a.ok && b.ok);
	cr_assert_gt(a.prefill.op_compute_s[OP_EXPERTS] + a.prefill.op_memory_s[OP_EXPERTS], 0);
	expect_rel(b.prefill.op_compute_s[OP_ATTN_PROJ] + b.prefill.op_memory_s[OP_ATTN_PROJ],
		   0.5 * (a.prefill.op_compute_s[OP_ATTN_PROJ] + a.prefill.op_memory_s[OP_ATTN_PROJ]), 1e-9);
	expect_rel(b.prefill.op_compute_s[OP_ATTN_CORE], 0.75 * a.prefill.op_compute_s[OP_ATTN_CORE], 1e-9);
	/* the sequence still holds its whole prompt's KV: the pool is as it was */
	expect_rel(b.dev[0].kv_gib, a.dev[0].kv_gib, 1e-12);
	/* an engine without a prefix cache prefills it whole */
	s.work.mode = MODE_SERVING;
	s.work.engine = ENGINE_SGLANG;
	s.engine.prefix_cache = PREFIX_OFF;
	cost_evaluate(&s, &b);
	s.work.prefix_hit = 0;
	cost_evaluate(&s, &a);
	cr_expect_eq(b.ttft_s, a.ttft_s);
}

/* Three turns of 1000 new tokens and 200 out: a turn's prompt is 1000 +
 * (3 - 1) / 2 x 1200 = 2200 tokens on average, of which 1200 are the
 * cached conversation; the sequence holds 2200 + 200 tokens of KV, and
 * prefills 1000 new ones attending to 2200 (pairs 2200^2 - 1200^2). */
Test(traffic, turns_by_hand)
{
	static struct scenario s, t;
	static struct result a, b, c;
	seed(&s);
	s.work.turns = 3;
	cost_evaluate_detail(&s, &a);
	t = s;
	t.work.turns = 1;
	t.work.prompt_len = 2200;
	cost_evaluate_detail(&t, &b);
	cr_assert(a.ok && b.ok);
	/* the KV of the mean turn's context */
	expect_rel(a.dev[0].kv_gib, b.dev[0].kv_gib, 1e-12);
	/* the linear ops of 1000 new tokens */
	t.work.prompt_len = 1000;
	cost_evaluate_detail(&t, &c);
	expect_rel(a.prefill.op_compute_s[OP_ATTN_PROJ] + a.prefill.op_memory_s[OP_ATTN_PROJ],
		   c.prefill.op_compute_s[OP_ATTN_PROJ] + c.prefill.op_memory_s[OP_ATTN_PROJ], 1e-9);
	/* the pairs: 2200^2 - 1200^2 against 1000^2 */
	expect_rel(a.prefill.op_compute_s[OP_ATTN_CORE],
		   (2200.0 * 2200 - 1200.0 * 1200) / (1000.0 * 1000) * c.prefill.op_compute_s[OP_ATTN_CORE], 1e-9);
	/* decode reads the longer context: TPOT grows with the turns */
	cr_expect_gt(a.tpot_ms, c.tpot_ms);
}

/* The engine's prefix cache off goes out as its flag and comes back. */
Test(traffic, prefix_cache_flags_round_trip)
{
	static struct scenario s, back;
	static struct engine_command c;
	static struct engine_import imp;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	char err[600];
	static const char *const flag[ENGINE_COUNT] = { [ENGINE_VLLM] = "--no-enable-prefix-caching",
							[ENGINE_SGLANG] = "--disable-radix-cache" };
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "h200", err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(&s, "qwen3-30b-a3b", err, sizeof err), 0, "%s", err);
	s.strat = (struct strategy){ .dp = 1, .tp = 2, .pp = 1, .ep = 1 };
	s.work.mode = MODE_SERVING;
	s.engine.prefix_cache = PREFIX_OFF;
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		cr_assert_eq(engine_export(e, &s, &c, err, sizeof err), 0, "%s", err);
		engine_command_text(&c, 0, text, sizeof text);
		if (flag[e])
			cr_expect(strstr(text, flag[e]) != NULL, "%s", text);
		else
			cr_expect(strstr(c.options, "kv_cache_config:\n  dtype: auto\n  enable_block_reuse: false\n") != NULL,
				  "%s", c.options);
		cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s", err);
		if (c.options_file[0])
			cr_assert_eq(engine_import_options(&imp, "o", c.options, strlen(c.options), err, sizeof err), 0, "%s",
				     err);
		back = s;
		back.engine.prefix_cache = PREFIX_AUTO;
		cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s", err);
		cr_expect_eq(back.engine.prefix_cache, PREFIX_OFF, "%s", serve_engine_name(e));
	}
}

/* Lengths spread over +-50%: the linear figures are the mean lengths'
 * (decode reads the mean context, the pool holds the mean sequence), the
 * prompt's attention pairs E[S^2] = S^2 (1 + 0.25/3), and I_SPREAD says so. */
Test(traffic, a_spread_keeps_the_mean_where_linear)
{
	static struct scenario s;
	static struct result a, b;
	static struct diag_list d;
	seed(&s);
	cost_evaluate_detail(&s, &a);
	s.work.range_ratio = 0.5;
	cost_evaluate_detail(&s, &b);
	cr_assert(a.ok && b.ok);
	cr_expect_eq(b.tpot_ms, a.tpot_ms);
	cr_expect_eq(b.dev[0].kv_gib, a.dev[0].kv_gib);
	expect_rel(b.prefill.op_compute_s[OP_ATTN_PROJ] + b.prefill.op_memory_s[OP_ATTN_PROJ],
		   a.prefill.op_compute_s[OP_ATTN_PROJ] + a.prefill.op_memory_s[OP_ATTN_PROJ], 1e-12);
	expect_rel(b.prefill.op_compute_s[OP_ATTN_CORE], (1.0 + 0.25 / 3.0) * a.prefill.op_compute_s[OP_ATTN_CORE], 1e-9);
	diag_collect(&s, &b, &d);
	const struct diag *g = find_diag(&d, I_SPREAD);
	cr_assert_not_null(g);
	cr_expect(strstr(g->message, "E[S^2] = S^2 (1 + r^2/3)") != NULL, "%s", g->message);
}
