/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hugging Face config.json into the model section: every shipped model
 * preset from its published config, and clear errors for the rest. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>

#include "import_hf.h"
#include "params.h"
#include "preset.h"

static const char *fixture(const char *name)
{
	static char path[1024];
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/hf/%s", src && *src ? src : MOESCOPE_SRCDIR, name);
	return path;
}

Test(import_hf, every_shipped_model_from_its_published_config)
{
	static const char *const models[] = {
		"dbrx", "deepseek-r1", "deepseek-v3", "deepseek-v3.2-exp", "gpt-oss-120b", "gpt-oss-20b", "kimi-k2", "kimi-linear-48b-a3b", "llama-3.1-70b",
		"llama-3.1-8b", "llama-4-maverick", "llama-4-scout", "mixtral-8x22b", "mixtral-8x7b", "qwen3-235b-a22b",
		"qwen3-30b-a3b", "qwen3-32b", "qwen3-next-80b-a3b",
	};
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		struct scenario want, got, rw, rg;
		char err[600], ignored[600], name[64];
		struct param_counts pw, pg;
		scenario_default(&want);
		cr_assert_eq(preset_load(&want, models[i], err, sizeof err), 0, "%s", err);
		got = want;
		snprintf(name, sizeof name, "%s.json", models[i]);
		cr_assert_eq(import_hf_config(fixture(name), &got.model, ignored, sizeof ignored, err, sizeof err), 0,
			     "%s: %s", models[i], err);
		scenario_resolve(&want, &rw);
		scenario_resolve(&got, &rg);
		const struct model *a = &rw.model, *b = &rg.model;
		const long la[] = { a->layers, a->dense_layers, a->hidden, a->heads, a->kv_heads, a->head_dim,
				    a->q_lora_rank, a->kv_lora_rank, a->qk_rope_dim, a->qk_nope_dim, a->v_head_dim,
				    a->experts, a->top_k, a->shared_experts, a->expert_ffn, a->shared_ffn, a->vocab,
				    a->attention, a->tied_embeddings, a->mtp_layers, a->window_layers, a->sliding_window,
				    a->chunk_layers, a->attention_chunk_size, a->linear_layers, a->linear_key_heads,
				    a->linear_value_heads, a->linear_key_dim, a->linear_value_dim, a->linear_conv_kernel,
				    a->sparse_layers, a->sparse_topk, a->index_heads, a->index_head_dim };
		const long lb[] = { b->layers, b->dense_layers, b->hidden, b->heads, b->kv_heads, b->head_dim,
				    b->q_lora_rank, b->kv_lora_rank, b->qk_rope_dim, b->qk_nope_dim, b->v_head_dim,
				    b->experts, b->top_k, b->shared_experts, b->expert_ffn, b->shared_ffn, b->vocab,
				    b->attention, b->tied_embeddings, b->mtp_layers, b->window_layers, b->sliding_window,
				    b->chunk_layers, b->attention_chunk_size, b->linear_layers, b->linear_key_heads,
				    b->linear_value_heads, b->linear_key_dim, b->linear_value_dim, b->linear_conv_kernel,
				    b->sparse_layers, b->sparse_topk, b->index_heads, b->index_head_dim };
		for (size_t j = 0; j < sizeof la / sizeof la[0]; j++)
			cr_expect_eq(la[j], lb[j], "%s: field %zu is %ld, the preset has %ld", models[i], j, lb[j], la[j]);
		/* the dense FFN matters only where there are dense layers */
		if (a->dense_layers > 0)
			cr_expect_eq(a->dense_ffn, b->dense_ffn, "%s", models[i]);
		cr_expect_eq(a->weight_bytes, b->weight_bytes, "%s", models[i]);
		cr_expect_eq(a->expert_weight_bytes, b->expert_weight_bytes, "%s", models[i]);
		cr_expect_str_eq(want.model.hf_id, got.model.hf_id);
		/* the derived total within 3% of the published one */
		params_count(a, &pw);
		params_count(b, &pg);
		expect_rel(pg.total, want.model.params_b * 1e9, 0.03);
		expect_rel(pg.total, pw.total, 1e-12);
	}
}

Test(import_hf, names_what_it_does_not_use)
{
	struct model m;
	char err[600], ignored[600];
	cr_assert_eq(import_hf_config(fixture("gpt-oss-120b.json"), &m, ignored, sizeof ignored, err, sizeof err), 0,
		     "%s", err);
	cr_expect_str_eq(m.name, "gpt-oss-120b");
	/* the attention kinds are read now: layer_types and the window */
	cr_expect(strstr(ignored, "sliding_window") == NULL && strstr(ignored, "layer_types") == NULL, "%s", ignored);
	cr_expect(strstr(ignored, "rope_scaling") != NULL, "%s", ignored);
	cr_expect(strstr(ignored, "num_hidden_layers") == NULL, "%s", ignored);
	cr_expect(strstr(ignored, "architectures") == NULL, "%s", ignored);
	/* MXFP4 on the experts only: the attention stays in 16 bits */
	expect_rel(m.expert_weight_bytes, 0.53125, 0);
	expect_rel(m.weight_bytes, 2, 0);
}

static int import_text(const char *text, struct model *m, char *err, size_t errlen)
{
	char ignored[600];
	return import_hf_buffer("cfg.json", text, strlen(text), m, ignored, sizeof ignored, err, errlen);
}

Test(import_hf, errors_name_the_place_and_the_field)
{
	struct model m;
	char err[600];
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "{\"model_type\": \"llama\",\n  \"hidden_size\": 4096,,}", "cfg.json:2:23: not a JSON config: quoted object property name expected" },
		{ "{\"model_type\": \"llama\"", "cfg.json:1:23: not a JSON config: it ends too early" },
		{ "{\"model_type\": \"llama\"} x", "not a JSON config: text after the object" },
		{ "[1, 2]", "cfg.json: expected a JSON object" },
		{ "{\"hidden_size\": 1}", "cfg.json: 'model_type' is missing" },
		{ "{\"model_type\": \"mamba\"}", "model_type 'mamba' is not an architecture moescope maps; known: llama" },
		{ "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_attention_heads\": 32, \"vocab_size\": 1000}",
		  "cfg.json: 'num_hidden_layers' is missing: a llama config needs it" },
		{ "{\"model_type\": \"llama\", \"num_hidden_layers\": \"32\"}", "'num_hidden_layers' must be a whole number, not string" },
		{ "{\"model_type\": \"llama\", \"num_hidden_layers\": -1}", "'num_hidden_layers' is -1: expected 1 to 1024" },
		{ "{\"model_type\": \"mixtral\", \"num_hidden_layers\": 2, \"hidden_size\": 64, \"num_attention_heads\": 4, "
		  "\"vocab_size\": 100, \"intermediate_size\": 128, \"num_experts_per_tok\": 2}",
		  "'num_local_experts' is missing: a mixtral config needs it" },
		{ "{\"model_type\": \"llama\", \"num_hidden_layers\": 2, \"hidden_size\": 64, \"num_attention_heads\": 4, "
		  "\"vocab_size\": 100, \"intermediate_size\": 128, \"quantization_config\": {\"quant_method\": \"gptq\"}}",
		  "quantization 'gptq' is not one moescope maps" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&m, 0x5a, sizeof m);
		struct model before = m;
		cr_expect_eq(import_text(cases[i].text, &m, err, sizeof err), -1, "case %zu", i);
		cr_expect(strstr(err, cases[i].want) != NULL, "case %zu: %s", i, err);
		cr_expect(memcmp(&m, &before, sizeof m) == 0, "case %zu changed the model", i);
	}
	/* a NUL byte is not JSON */
	char ignored[64];
	cr_expect_eq(import_hf_buffer("cfg.json", "{\"a\"\0}", 6, &m, ignored, sizeof ignored, err, sizeof err), -1);
	cr_expect(strstr(err, "NUL") != NULL, "%s", err);
}

Test(import_hf, load_is_all_or_nothing)
{
	struct session_fixture f;
	char line[1200];
	fixture_open(&f, FMT_TEXT);
	struct model before = f.ss.scn.model;
	cr_expect_neq(session_run_line(&f.ss, "load /nonexistent/config.json", 1), 0);
	cr_expect(memcmp(&f.ss.scn.model, &before, sizeof before) == 0);
	cr_expect(strstr(f.buf.err, "/nonexistent/config.json: No such file") != NULL, "%s", f.buf.err);
	/* a directory that holds config.json; show params lists what it did not use */
	snprintf(line, sizeof line, "load %s; show params", fixture("qwen3-30b-a3b.json"));
	cr_assert_eq(session_run_line(&f.ss, line, 1), 0, "%s", f.buf.err);
	cr_expect_eq(f.ss.scn.model.experts, 128);
	cr_expect(strstr(f.buf.out, "its fields not used: ") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "rope_theta") != NULL, "%s", f.buf.out);
	fixture_close(&f);
}

/* The model's name and id: the id's last part whole, or for a checkpoint
 * on disk without one its directory, which is then the id engines are
 * launched with. */
Test(import_hf, names_and_ids_of_checkpoints)
{
	struct model m;
	char ignored[600], err[600], dir[] = "/tmp/moescope-ckpt-XXXXXX", sub[128], cfg[160];
	const char *doc = "{\"model_type\": \"mixtral\", \"hidden_size\": 64, \"num_hidden_layers\": 2, "
			  "\"num_attention_heads\": 2, \"intermediate_size\": 128, \"vocab_size\": 100, "
			  "\"num_local_experts\": 8, \"num_experts_per_tok\": 2, \"_name_or_path\": \"mistralai/Mixtral-8x7B-v0.1\"}";
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(m.name, "mixtral-8x7b-v0.1");
	cr_expect_str_eq(m.hf_id, "mistralai/Mixtral-8x7B-v0.1");
	cr_assert(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/Mixtral-8x7B-v0.1", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(cfg, sizeof cfg, "%s/config.json", sub);
	FILE *f = fopen(cfg, "w");
	cr_assert(f);
	fputs("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, "
	      "\"intermediate_size\": 128, \"vocab_size\": 100}", f);
	fclose(f);
	cr_assert_eq(import_hf_config(sub, &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(m.name, "mixtral-8x7b-v0.1");
	cr_expect_str_eq(m.hf_id, sub);
	remove(cfg);
	rmdir(sub);
	rmdir(dir);
}

/* A config's lists are bounded by the model: mlp_only_layers lists at most
 * its layers, each one it has, read in one pass. */
Test(import_hf, lists_are_bounded_by_the_model)
{
	struct model m;
	char ignored[600], err[600];
	static char doc[300000];
	size_t n = (size_t)snprintf(doc, sizeof doc, "{\"model_type\": \"qwen3_moe\", \"hidden_size\": 64, \"num_hidden_layers\": 4, "
				    "\"num_attention_heads\": 2, \"moe_intermediate_size\": 32, \"intermediate_size\": 128, "
				    "\"vocab_size\": 100, \"num_experts\": 8, \"num_experts_per_tok\": 2, \"mlp_only_layers\": [0");
	for (int i = 1; i < 50000 && n + 16 < sizeof doc; i++)
		n += (size_t)snprintf(doc + n, sizeof doc - n, ", %d", i % 4);
	snprintf(doc + n, sizeof doc - n, "]}");
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'mlp_only_layers' lists 50000 layers, the model has 4") != NULL, "%s", err);
	const char *bad = "{\"model_type\": \"qwen3_moe\", \"hidden_size\": 64, \"num_hidden_layers\": 4, "
			  "\"num_attention_heads\": 2, \"moe_intermediate_size\": 32, \"intermediate_size\": 128, "
			  "\"vocab_size\": 100, \"num_experts\": 8, \"num_experts_per_tok\": 2, \"mlp_only_layers\": [7]}";
	cr_expect_neq(import_hf_buffer("c.json", bad, strlen(bad), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "'mlp_only_layers' [0] is 7: not a layer of the 4") != NULL, "%s", err);
	const char *ok = "{\"model_type\": \"qwen3_moe\", \"hidden_size\": 64, \"num_hidden_layers\": 4, "
			 "\"num_attention_heads\": 2, \"moe_intermediate_size\": 32, \"intermediate_size\": 128, "
			 "\"vocab_size\": 100, \"num_experts\": 8, \"num_experts_per_tok\": 2, \"mlp_only_layers\": [0, 2]}";
	cr_assert_eq(import_hf_buffer("c.json", ok, strlen(ok), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.dense_layers, 2);
}

/* Llama 4 keeps the language model in text_config; its iRoPE layers are
 * chunked, its NoPE ones full; MoE every interleave_moe_layer_step-th. */
Test(import_hf, llama4_text_config_and_its_layers)
{
	struct model m;
	char err[600], ignored[600];
	const char *head = "{\"model_type\": \"llama4\", \"text_config\": {\"num_hidden_layers\": 8, \"hidden_size\": 64, "
			   "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 16, \"vocab_size\": 100, "
			   "\"num_local_experts\": 4, \"num_experts_per_tok\": 1, \"intermediate_size\": 32, "
			   "\"intermediate_size_mlp\": 96, \"attention_chunk_size\": 64, ";
	char doc[1200];
	/* the default list: every fourth layer without rotary positions */
	snprintf(doc, sizeof doc, "%s\"interleave_moe_layer_step\": 2}, \"vision_config\": {}}", head);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.layers, 8);
	cr_expect_eq(m.dense_layers, 4);
	cr_expect_eq(m.dense_ffn, 96);
	cr_expect_eq(m.expert_ffn, 32);
	cr_expect_eq(m.shared_experts, 1);
	cr_expect_eq(m.shared_ffn, 32);
	cr_expect_eq(m.chunk_layers, 6);
	cr_expect_eq(m.attention_chunk_size, 64);
	cr_expect(strstr(ignored, "vision_config") != NULL, "%s", ignored);
	/* a list given: its ones are chunked */
	snprintf(doc, sizeof doc, "%s\"no_rope_layers\": [1, 0, 1, 0, 1, 0, 1, 0]}}", head);
	cr_assert_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0, "%s", err);
	cr_expect_eq(m.chunk_layers, 4);
	cr_expect_eq(m.dense_layers, 0);
	/* a value that is no kind */
	snprintf(doc, sizeof doc, "%s\"no_rope_layers\": [1, 0, 2, 0, 1, 0, 1, 0]}}", head);
	cr_expect_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), -1);
	cr_expect(strstr(err, "'no_rope_layers' [2] must be 0") != NULL, "%s", err);
	snprintf(doc, sizeof doc, "%s\"no_rope_layers\": [1, 0]}}", head);
	cr_expect_eq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), -1);
	cr_expect(strstr(err, "'no_rope_layers' lists 2 layers, num_hidden_layers is 8") != NULL, "%s", err);
	/* the shape outside text_config is no llama4 config */
	const char *flat = "{\"model_type\": \"llama4\", \"num_hidden_layers\": 8}";
	cr_expect_eq(import_hf_buffer("c.json", flat, strlen(flat), &m, ignored, sizeof ignored, err, sizeof err), -1);
	cr_expect(strstr(err, "'text_config' is missing") != NULL, "%s", err);
}
