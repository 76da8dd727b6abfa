/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Linear attention (a fixed state per sequence) and sparse attention (an
 * indexer and k picked tokens) in memory and time, by hand. */
#include "helpers.h"

#include "preset.h"
#include "step_ctx.h"

#define GIB 1073741824.0

static void load(struct scenario *s, const char *hw, const char *model)
{
	char err[600];
	scenario_default(s);
	cr_assert_eq(preset_load(s, hw, err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(s, model, err, sizeof err), 0, "%s", err);
	s->strat = (struct strategy){ .dp = 1, .tp = 1, .pp = 1, .ep = 1 };
	s->work.batch = 1;
}

/* Qwen3-Next-80B-A3B, one sequence of 2048 + 256 tokens on one GPU.  A
 * linear layer's state: 32 value heads x 128 x 128 = 524,288 values, and
 * the convolution's last 3 inputs of queries, keys and values, 3 x (2 x
 * 16 x 128 + 32 x 128) = 24,576: 548,864 values x 2 bytes = 1,097,728
 * bytes, in each of 36 layers; the 12 full layers hold 2 KV heads x 256 x
 * 2 x 2 bytes = 2048 bytes a token. */
Test(attention_state, qwen3_next_state_by_hand)
{
	static struct scenario s;
	static struct result r;
	load(&s, "h200", "qwen3-next-80b-a3b");
	s.work.prompt_len = 2048;
	s.work.output_len = 256;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	double state = 36.0 * 1097728, full = 12.0 * 2304 * 2048;   /* 39,518,208 + 56,623,104 */
	expect_rel(r.dev[0].kv_gib * GIB, state + full, 1e-12);
	/* per token of the prompt, the whole model: (12 x 2048 x 2048 + the
	 * states) / 2048 = 43,872 bytes */
	expect_rel(r.kv_bytes_per_token, 43872.0, 1e-12);
	/* twice the context: only the full layers grow */
	s.work.prompt_len = 2 * 2048 + 256;
	cost_evaluate(&s, &r);
	expect_rel(r.dev[0].kv_gib * GIB, state + 12.0 * 4608 * 2048, 1e-12);
	/* tp 2 splits the heads of both kinds: one KV head, half the state */
	s.work.prompt_len = 2048;
	s.strat.tp = 2;
	cost_evaluate(&s, &r);
	expect_rel(r.dev[0].kv_gib * GIB, state / 2 + full / 2, 1e-12);
}

/* A decode step of Qwen3-Next reads and writes each linear layer's state
 * once, and reads the full layers' KV cache at c = S + O/2 = 2176: per
 * layer 0.75 x 2 x 1,097,728 + 0.25 x 2176 x 2048 = 2,760,704 bytes, HBM-
 * bound, over 48 layers. */
Test(attention_state, qwen3_next_decode_reads_the_state)
{
	static struct scenario s;
	static struct result r;
	load(&s, "h200", "qwen3-next-80b-a3b");
	s.hw.kernel_us = 0;
	s.work.prompt_len = 2048;
	s.work.output_len = 256;
	cost_evaluate_detail(&s, &r);
	cr_assert(r.ok);
	double bytes = 48.0 * (0.75 * 2 * 1097728 + 0.25 * 2176 * 2048);
	expect_rel(r.decode.op_memory_s[OP_ATTN_CORE], bytes / (s.hw.hbm_tbps * 1e12 * s.hw.hbm_util), 1e-9);
	cr_expect_eq(r.decode.op_compute_s[OP_ATTN_CORE], 0);
}

/* DeepSeek-V3.2 at a context of 32,768: a decode token of a sparse layer
 * reads the 2048 picked tokens' latent (576 values x 2 bytes) and the
 * indexer's key of every token (132 bytes): 2,359,296 + 4,325,376 =
 * 6,684,672 bytes, against 37,748,736 in a full MLA layer; its FLOPs are
 * the core's over 2048 tokens and the indexer's 2 x 64 x 128 a token. */
Test(attention_state, v32_decode_reads_at_32k_by_hand)
{
	struct step_ctx c = { .kinds = true, .kinds_held = true, .f_sparse = 1, .K = 2048, .kv_tok = 576, .b_kv = 2,
			      .idx_bytes = 132, .idx_flops = 64.0 * 128, .core_dec = 1000, .core_scale = 1,
			      .s_per_byte = 1 };
	struct pass p = { .T = 1, .dec = 1, .c = 32768, .pre = 0, .lm = 1 };
	cr_expect_eq(step_core_time(&c, &p), 6684672.0);
	c.f_sparse = 0;
	c.f_full = 1;
	cr_expect_eq(step_core_time(&c, &p), 32768.0 * 1152);
	c = (struct step_ctx){ .kinds = true, .kinds_held = true, .f_sparse = 1, .K = 2048, .kv_tok = 576, .b_kv = 2,
			       .idx_bytes = 132, .idx_flops = 64.0 * 128, .core_dec = 1000, .core_scale = 1,
			       .s_per_flop = 1 };
	cr_expect_eq(step_core_time(&c, &p), 2048.0 * 1000 + 2.0 * 32768 * 8192);
	/* it holds every token: the latent and the indexer's key */
	cr_expect_eq(step_seq_bytes(&c, 32768), 32768.0 * (1152 + 132));
}

/* The preset gives those figures: 61 layers x (1152 + 132) bytes a token
 * of KV cache; and a prompt's attention pairs are a band of 2048 (as a
 * window's), which leaves a 2048-token prompt as full attention. */
Test(attention_state, v32_preset_by_hand)
{
	static struct scenario s;
	static struct result r, full;
	load(&s, "h200", "deepseek-v3.2-exp");
	s.strat = (struct strategy){ .dp = 1, .tp = 8, .pp = 1, .ep = 8 };
	s.work.prompt_len = 2048;
	s.work.output_len = 1;
	s.hw.kernel_us = 0;
	cost_evaluate_detail(&s, &r);
	cr_assert(r.ok);
	expect_rel(r.kv_bytes_per_token, 61.0 * (1152 + 132), 1e-12);
	/* the prompt's core FLOPs: the sparse layer's pairs equal full
	 * attention's at S = K, and the indexer adds its own */
	s.model.sparse_layers = 0;
	cost_evaluate_detail(&s, &full);
	double S = 2048, idx = S * S * 64 * 128;   /* at the attention core's peak: BF16 with a 16-bit cache */
	double per_flop = 1.0 / (s.hw.tflops_bf16 * 1e12 * s.hw.mfu);
	expect_rel(r.prefill.op_compute_s[OP_ATTN_CORE] - full.prefill.op_compute_s[OP_ATTN_CORE], 61.0 * idx * per_flop,
		   1e-9);
}

/* SGLang keeps Qwen3-Next's recurrent state in FP32 in a pool of its own,
 * 0.9 of the KV pool's size.  On one GPU of tp 2: the state 16 x 128 x
 * 128 x 4 + 3 x (2 x 8 x 128 + 16 x 128) x 2 = 1,073,152 bytes a layer,
 * 38,633,472 in 36 layers; the KV 12 x 2304 x 512 x 2 = 28,311,552.  Of
 * a pool of P bytes the states get 0.9/1.9: a sequence takes 38,633,472 x
 * 1.9/0.9 = 81,559,552 bytes of P, the fuller of the two pools. */
Test(attention_state, sglang_state_pool_by_hand)
{
	static struct scenario s;
	static struct result r;
	load(&s, "h200", "qwen3-next-80b-a3b");
	s.strat.tp = 2;
	s.work.mode = MODE_SERVING;
	s.work.engine = ENGINE_SGLANG;
	s.work.batch = 64;
	s.work.prompt_len = 2048;
	s.work.output_len = 256;
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* what the running sequences hold: their bytes */
	expect_rel(r.dev[0].kv_gib * GIB, 64.0 * (38633472.0 + 28311552.0), 1e-12);
	struct step_ctx c = { .kinds = true, .kinds_held = true, .f_full = 0.25, .f_lin = 0.75, .kv_tok = 512,
			      .b_kv = 2, .b_a = 2, .lin_ssm_vals = 16.0 * 128 * 128, .lin_conv_vals = 3.0 * 4096 };
	step_set_linear_state(&c, 4, 0.9);
	cr_expect_eq(c.lin_state, 1073152.0);
	expect_rel(48.0 * step_seq_bytes(&c, 2304), 38633472.0 + 28311552.0, 1e-12);
	expect_rel(48.0 * step_seq_pool_bytes(&c, 2304), 81559552.0, 1e-12);
	/* vLLM: the model's type, one shared pool */
	step_set_linear_state(&c, 0, 0);
	expect_rel(48.0 * step_seq_pool_bytes(&c, 2304), 36.0 * 548864 * 2 / 2 + 28311552.0, 1e-12);
}
