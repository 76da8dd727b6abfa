/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Attention kinds: sliding-window and chunked layers in memory, time and
 * admission, read from config.json, and full attention as it was. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>

#include "import_hf.h"
#include "preset.h"
#include "serve.h"
#include "step_ctx.h"

#define GIB 1073741824.0

static void gpt_oss_120b(struct scenario *s)
{
	char err[600];
	scenario_default(s);
	cr_assert_eq(preset_load(s, "h200", err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(s, "gpt-oss-120b", err, sizeof err), 0, "%s", err);
	s->strat = (struct strategy){ .dp = 1, .tp = 1, .pp = 1, .ep = 1 };
	s->work.batch = 1;
	s->work.prompt_len = 8192 - 1024;
	s->work.output_len = 1024;
}

/* gpt-oss-120b, one sequence of 8192 tokens on one GPU: 18 full layers of
 * 8 KV heads x 64 x (K and V) x 2 bytes = 2048 bytes a token, 8192 tokens
 * each, and 18 sliding-window layers holding their last 128 tokens. */
Test(attention, gpt_oss_kv_bytes_at_8192_tokens_by_hand)
{
	static struct scenario s;
	static struct result r;
	gpt_oss_120b(&s);
	cr_expect_eq(s.model.window_layers, 18);
	cr_expect_eq(s.model.sliding_window, 128);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	double want = 18.0 * 8192 * 2048 + 18.0 * 128 * 2048;   /* 306,708,480 bytes */
	expect_rel(r.dev[0].kv_gib * GIB, want, 1e-12);
	/* full attention in every layer would hold twice as much, nearly */
	s.model.window_layers = 0;
	cost_evaluate(&s, &r);
	expect_rel(r.dev[0].kv_gib * GIB, 36.0 * 8192 * 2048, 1e-12);
}

/* A chunked layer (Llama 4: chunks of 8192) at 20,000 tokens holds its
 * chunk at most: 8192 tokens, against 20,000 in a full layer. */
Test(attention, a_chunked_layer_at_20000_tokens)
{
	static struct scenario s;
	static struct result full, chunked;
	gpt_oss_120b(&s);
	s.model.window_layers = 0;
	s.work.prompt_len = 20000 - 1024;
	cost_evaluate(&s, &full);
	s.model.chunk_layers = 36;
	s.model.attention_chunk_size = 8192;
	cost_evaluate(&s, &chunked);
	cr_assert(full.ok && chunked.ok);
	expect_rel(full.dev[0].kv_gib * GIB, 36.0 * 20000 * 2048, 1e-12);
	expect_rel(chunked.dev[0].kv_gib * GIB, 36.0 * 8192 * 2048, 1e-12);
	/* three of four layers chunked, as Llama 4 has them */
	s.model.chunk_layers = 27;
	cost_evaluate(&s, &chunked);
	expect_rel(chunked.dev[0].kv_gib * GIB, (9.0 * 20000 + 27.0 * 8192) * 2048, 1e-12);
}

/* What a decode token reads and what a prompt's attention pairs are, by
 * hand: half the layers full, half windows of 128. */
Test(attention, reads_and_pairs_by_hand)
{
	struct step_ctx c = { .kinds = true, .kinds_held = true, .f_full = 0.5, .f_win = 0.5, .W = 128 };
	cr_expect_eq(step_kv_read(&c, 8192), 0.5 * 8192 + 0.5 * 128);
	cr_expect_eq(step_kv_read(&c, 100), 100);
	cr_expect_eq(step_kv_held(&c, 8192), 0.5 * 8192 + 0.5 * 128);
	/* a chunked layer reads its chunk so far: half a chunk on average
	 * past the first */
	struct step_ctx k = { .kinds = true, .kinds_held = true, .f_chunk = 1, .C = 8192 };
	cr_expect_eq(step_kv_read(&k, 5000), 5000);
	cr_expect_eq(step_kv_read(&k, 20000), 4096);
	cr_expect_eq(step_kv_held(&k, 20000), 8192);
	/* the prompt's pairs, through an evaluation: S = 8192, W = 128:
	 * 0.5 x S^2 + 0.5 x (2 S W - W^2) */
	static struct scenario s;
	static struct result a, b;
	gpt_oss_120b(&s);
	s.hw.kernel_us = 0;
	s.work.prompt_len = 8192;
	s.work.output_len = 1;
	s.model.window_layers = 0;
	cost_evaluate_detail(&s, &a);
	s.model.window_layers = 18;
	cost_evaluate_detail(&s, &b);
	cr_assert(a.ok && b.ok);
	double S = 8192, W = 128, ratio = (0.5 * S * S + 0.5 * (2 * S * W - W * W)) / (S * S);
	/* the prefill's attention core is compute-bound: its time scales so */
	cr_assert_gt(a.prefill.op_compute_s[OP_ATTN_CORE], 0);
	expect_rel(b.prefill.op_compute_s[OP_ATTN_CORE], ratio * a.prefill.op_compute_s[OP_ATTN_CORE], 1e-9);
}

/* A window as long as the context changes nothing; full attention is as
 * it was (the step model's figures of a model without kinds are the
 * formulas of full attention, exactly). */
Test(attention, a_window_past_the_context_is_full_attention)
{
	static struct scenario s;
	static struct result a, b;
	gpt_oss_120b(&s);
	s.work.mode = MODE_SERVING;
	s.work.engine = ENGINE_VLLM;
	s.work.batch = 64;
	s.model.window_layers = 0;
	cost_evaluate(&s, &a);
	s.model.window_layers = 18;
	s.model.sliding_window = 100000;
	cost_evaluate(&s, &b);
	cr_assert(a.ok && b.ok);
	expect_rel(b.tpot_ms, a.tpot_ms, 1e-9);
	expect_rel(b.ttft_s, a.ttft_s, 1e-9);
	expect_rel(b.kv_capacity_tokens, a.kv_capacity_tokens, 1e-9);
	cr_expect_eq(b.params.total, a.params.total);
}

/* Windows leave room in an engine that frees what a window no longer
 * sees (vLLM, SGLang): it admits more of gpt-oss's sequences.  TensorRT-LLM
 * sizes every layer's cache for the whole sequence: the same batch. */
Test(attention, windows_admit_more_sequences)
{
	static struct scenario s;
	static struct result full, win;
	gpt_oss_120b(&s);
	s.work.mode = MODE_SERVING;
	s.work.batch = 100000;
	s.engine.admit = ADMIT_RULE_WHOLE;   /* whole sequences: 8192 tokens each */
	s.engine.max_seqs = 5000;
	s.work.engine = ENGINE_VLLM;
	s.model.window_layers = 0;
	cost_evaluate(&s, &full);
	s.model.window_layers = 18;
	cost_evaluate(&s, &win);
	cr_assert(full.ok && win.ok);
	cr_assert_lt(win.running_per_replica, 5000);
	/* 36 x 8192 tokens a sequence against 18 x (8192 + 128) */
	expect_rel(win.running_per_replica / full.running_per_replica, 36.0 * 8192 / (18.0 * (8192 + 128)), 0.01);
	s.work.engine = ENGINE_TRTLLM;
	s.model.window_layers = 0;
	cost_evaluate(&s, &full);
	s.model.window_layers = 18;
	cost_evaluate(&s, &win);
	cr_expect_eq(win.running_per_replica, full.running_per_replica);
	cr_expect(serve_frees_windows(ENGINE_VLLM) && serve_frees_windows(ENGINE_SGLANG) &&
		  !serve_frees_windows(ENGINE_TRTLLM) && serve_frees_windows(ENGINE_NONE));
}

/* A bad combination is an E_BAD_VALUE that says why. */
Test(attention, kinds_that_do_not_fit_the_model)
{
	static struct scenario s;
	static struct result r;
	struct diag_list d;
	gpt_oss_120b(&s);
	s.model.window_layers = 30;
	s.model.chunk_layers = 10;
	s.model.attention_chunk_size = 8192;
	cost_evaluate(&s, &r);
	cr_expect(!r.ok);
	diag_collect(&s, &r, &d);
	const struct diag *g = find_diag(&d, E_BAD_VALUE);
	cr_assert(g != NULL);
	cr_expect(strstr(g->message, "exceed the 36 layers") != NULL, "%s", g->message);
	s.model.chunk_layers = 0;
	s.model.sliding_window = 0;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	g = find_diag(&d, E_BAD_VALUE);
	cr_assert(g != NULL);
	cr_expect(strstr(g->message, "need model.sliding_window") != NULL, "%s", g->message);
}

/* config.json: layer_types counted, an unknown kind an error naming it,
 * Mistral's window over every layer, Qwen's from max_window_layers on. */
Test(attention, read_from_config_json)
{
	struct model m;
	char ignored[400], err[600], doc[1400];
	const char *base = "{\"hidden_size\": 4096, \"num_hidden_layers\": 4, \"num_attention_heads\": 32, "
			   "\"num_key_value_heads\": 8, \"intermediate_size\": 14336, \"vocab_size\": 32000, ";
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"sliding_window\": 4096, \"layer_types\": "
		 "[\"sliding_attention\", \"full_attention\", \"sliding_attention\", \"full_attention\"]}", base);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.window_layers, 2);
	cr_expect_eq(m.sliding_window, 4096);
	cr_expect(strstr(ignored, "layer_types") == NULL, "%s", ignored);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"layer_types\": "
		 "[\"lightning_attention\", \"full_attention\", \"full_attention\", \"full_attention\"]}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'layer_types' [0] is 'lightning_attention': an attention kind moescope does not model") !=
			  NULL,
		  "%s", err);
	/* a linear layer needs its shapes */
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"layer_types\": "
		 "[\"linear_attention\", \"full_attention\", \"full_attention\", \"full_attention\"]}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'linear_num_key_heads' is missing") != NULL, "%s", err);
	/* a sparse indexer the family's reader does not map is not full attention */
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"index_topk\": 2048}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'index_topk' describes an attention kind the llama reader does not map") != NULL, "%s", err);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"layer_types\": [\"full_attention\"]}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "lists 1 layers, num_hidden_layers is 4") != NULL, "%s", err);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"llama\", \"layer_types\": "
		 "[\"sliding_attention\", \"full_attention\", \"full_attention\", \"full_attention\"]}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'sliding_window' is missing") != NULL, "%s", err);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"mistral\", \"sliding_window\": 4096}", base);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.window_layers, 4);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"qwen2\", \"sliding_window\": 4096, \"use_sliding_window\": true, "
		 "\"max_window_layers\": 3}", base);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.window_layers, 1);
	snprintf(doc, sizeof doc, "%s\"model_type\": \"qwen3\", \"sliding_window\": null, \"use_sliding_window\": false}", base);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.window_layers, 0);
}

/* load config.json of each preset that has one gives the preset's kinds. */
Test(attention, config_json_gives_the_presets_kinds)
{
	const char *names[] = { "gpt-oss-120b", "gpt-oss-20b" };
	for (size_t i = 0; i < 2; i++) {
		struct model m;
		struct scenario s;
		char path[1024], ignored[400], err[600];
		const char *src = getenv("abs_top_srcdir");
		snprintf(path, sizeof path, "%s/tests/data/hf/%s.json", src && *src ? src : MOESCOPE_SRCDIR, names[i]);
		cr_assert_eq(import_hf_config(path, &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
		scenario_default(&s);
		cr_assert_eq(preset_load(&s, names[i], err, sizeof err), 0, "%s", err);
		cr_expect_eq(m.window_layers, s.model.window_layers, "%s", names[i]);
		cr_expect_eq(m.sliding_window, s.model.sliding_window, "%s", names[i]);
	}
}
