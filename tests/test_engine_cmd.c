/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine launch commands: export then import gives back the strategy for
 * every strategy an engine can run, the engines' refusals, and the reading
 * of commands as users write them. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evaluate_prep.h"
#include "engine_layout.h"
#include "file_read.h"
#include "export_engine.h"
#include "import_engine.h"
#include "preset.h"
#include "search.h"
#include "serve.h"
#include "strategy_parse.h"

static const char *const models[] = {
	"dbrx", "deepseek-r1", "deepseek-v3", "gpt-oss-120b", "gpt-oss-20b", "kimi-k2", "llama-3.1-70b",
	"llama-3.1-8b", "mixtral-8x22b", "mixtral-8x7b", "qwen3-235b-a22b", "qwen3-30b-a3b", "qwen3-32b",
	"seed-10b-moe", "seed-30b-moe",
};

static void load(struct scenario *s, const char *model)
{
	char err[600];
	scenario_default(s);
	cr_assert_eq(preset_load(s, "h200", err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(s, model, err, sizeof err), 0, "%s", err);
	s->work.mode = MODE_SERVING;
}

struct trip {
	struct scenario base;
	struct cost_prep prep;
	long valid, exported[ENGINE_COUNT], refused[ENGINE_COUNT];
	const char *model;
};

/* export, then import what was exported onto the same model */
static void round_trip(struct trip *t, int engine, const struct scenario *s)
{
	static struct engine_command c;
	static struct engine_import imp;
	static struct scenario back, want, got;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	char err[600];

	if (engine_export(engine, s, &c, err, sizeof err) != 0) {
		/* a refusal names the engine and says why */
		cr_assert(strstr(err, serve_engine_display_name(engine)) == err, "%s", err);
		t->refused[engine]++;
		return;
	}
	t->exported[engine]++;
	engine_command_text(&c, t->exported[engine] % 2, text, sizeof text);
	cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s: %s", text, err);
	cr_assert_eq(imp.engine, engine);
	if (c.options_file[0]) {
		cr_assert_str_eq(imp.options_file, c.options_file);
		cr_assert_eq(engine_import_options(&imp, "opts", c.options, strlen(c.options), err, sizeof err), 0, "%s",
			     err);
	}
	back = t->base;   /* another strategy, another engine: all must be replaced */
	back.strat.dp = back.strat.tp = back.strat.pp = back.strat.ep = 1;
	back.strat.etp = 0;
	cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s: %s", text, err);
	scenario_resolve(s, &want);
	scenario_resolve(&back, &got);
	const struct strategy *a = &want.strat, *b = &got.strat;
	cr_assert(a->dp == b->dp && a->tp == b->tp && a->pp == b->pp && a->ep == b->ep && a->etp == b->etp,
		  "%s: DP%ld TP%ld PP%ld EP%ld ETP%ld came back as DP%ld TP%ld PP%ld EP%ld ETP%ld from %s", t->model,
		  a->dp, a->tp, a->pp, a->ep, a->etp, b->dp, b->tp, b->pp, b->ep, b->etp, text);
	cr_assert_eq(back.work.engine, engine);
	struct engine_cfg ea, eb;
	serve_engine_resolve(engine, &s->engine, &s->hw, a->tp, &ea);
	serve_engine_resolve(engine, &back.engine, &back.hw, b->tp, &eb);
	cr_assert_eq(ea.max_seqs, eb.max_seqs, "%s", text);
	cr_assert_eq(ea.max_batched_tokens, eb.max_batched_tokens, "%s", text);
	cr_assert_eq(serve_engine_mem_fraction(engine, &s->engine, &want.hw, &want.model, a),
		     serve_engine_mem_fraction(engine, &back.engine, &got.hw, &got.model, b), "%s", text);
	cr_assert_eq(got.model.kv_bytes, want.model.kv_bytes);
}

static void visit(void *ctx, const struct candidate *cand)
{
	static struct result r;
	static struct scenario s;
	struct trip *t = ctx;
	struct strategy st = { .dp = cand->dp, .tp = cand->tp, .pp = cand->pp, .ep = cand->ep, .etp = cand->etp };
	cost_evaluate_prepared(&t->prep, &st, 1, &r);
	if (!r.ok)
		return;
	t->valid++;
	s = t->base;
	candidate_apply(cand, &s);
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++)
		round_trip(t, e, &s);
}

Test(engine_cmd, export_then_import_gives_back_every_strategy_up_to_64_gpus)
{
	static struct trip t;
	long total_valid = 0, total[ENGINE_COUNT] = { 0 };
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		memset(&t, 0, sizeof t);
		t.model = models[i];
		load(&t.base, models[i]);
		cost_prepare(&t.base, &t.prep);
		search_each_strategy(&t.base, 0, 64, NULL, visit, &t);
		cr_assert_gt(t.valid, 0, "%s", models[i]);
		/* every engine runs some strategies of every model, and refuses some */
		for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
			cr_assert_gt(t.exported[e], 0, "%s: %s exported none", models[i], serve_engine_name(e));
			cr_assert_eq(t.exported[e] + t.refused[e], t.valid);
			total[e] += t.exported[e];
		}
		total_valid += t.valid;
	}
	/* SGLang writes every layout moescope has (moe_dp_size, DP attention):
	 * it refuses only what its FP8 blocks or the KV heads forbid */
	cr_assert_gt(total[ENGINE_SGLANG], total[ENGINE_VLLM]);
	cr_assert_gt(total[ENGINE_SGLANG], total[ENGINE_TRTLLM]);
	cr_assert_lt(total[ENGINE_SGLANG], total_valid);
}

static int export_err(const char *model, const char *strategy, int engine, char *err, size_t errlen)
{
	static struct scenario s;
	static struct engine_command c;
	struct strategy_spec spec;
	size_t col;
	load(&s, model);
	cr_assert_eq(strategy_parse(strategy, &spec, err, errlen, &col), 0, "%s", err);
	strategy_apply(&spec, &s.strat);
	return engine_export(engine, &s, &c, err, errlen);
}

Test(engine_cmd, the_engines_refuse_what_they_cannot_run)
{
	char err[600];
	/* vLLM: experts over all dp x tp GPUs, or one group each; not between */
	cr_assert_eq(export_err("deepseek-r1", "DP2 TP4 EP2 ETP4", ENGINE_VLLM, err, sizeof err), -1);
	cr_expect(strstr(err, "vLLM: a MoE layer spans all dp x tp = 8 GPUs"), "%s", err);
	/* 2048 / 32 = 64 wide shards of 128-wide FP8 blocks */
	cr_assert_eq(export_err("deepseek-r1", "DP1 TP32 EP1 ETP32", ENGINE_VLLM, err, sizeof err), -1);
	cr_expect(strstr(err, "weight = 64 is not divisible by weight quantization block_n = 128"), "%s", err);
	cr_assert_eq(export_err("deepseek-r1", "DP1 TP32 EP1 ETP32", ENGINE_SGLANG, err, sizeof err), -1);
	cr_expect(strstr(err, "SGLang: moe_intermediate_size / moe_tp_size = 2048 / 32"), "%s", err);
	/* TensorRT-LLM's attention DP has no attention TP */
	cr_assert_eq(export_err("deepseek-r1", "DP2 TP4 EP8 ETP1", ENGINE_TRTLLM, err, sizeof err), -1);
	cr_expect(strstr(err, "TensorRT-LLM: attention DP (enable_attention_dp)"), "%s", err);
	/* nor copies of the experts inside one server */
	cr_assert_eq(export_err("mixtral-8x7b", "DP1 TP8 EP2 ETP2", ENGINE_TRTLLM, err, sizeof err), -1);
	cr_expect(strstr(err, "covers 4 of them"), "%s", err);
	/* what SGLang writes with --moe-dp-size, and vLLM with EP */
	cr_assert_eq(export_err("mixtral-8x7b", "DP1 TP8 EP2 ETP2", ENGINE_SGLANG, err, sizeof err), 0, "%s", err);
	cr_assert_eq(export_err("deepseek-r1", "DP1 TP32 EP32 ETP1", ENGINE_VLLM, err, sizeof err), 0, "%s", err);
}

Test(engine_cmd, a_bad_tp_is_refused_in_the_engines_words)
{
	static struct engine_import imp;
	static struct scenario s;
	char err[600];
	load(&s, "llama-3.1-70b");
	struct scenario before = s;
	cr_assert_eq(engine_import_parse("vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 3", &imp, err, sizeof err), 0,
		     "%s", err);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), -1);
	cr_assert_str_eq(err, "vLLM: Total number of attention heads (64) must be divisible by tensor parallel size (3)");
	cr_assert_eq(memcmp(&before, &s, sizeof s), 0, "a refused import changed the scenario");
	/* 8 KV heads: TP 16 copies each twice (fine); the model has 64 heads, so TP 32 too */
	load(&s, "qwen3-235b-a22b");
	cr_assert_eq(engine_import_parse("sglang serve --model-path Qwen/x --tp 8 --ep 8", &imp, err, sizeof err), 0);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	/* SGLang's --enable-dp-attention needs tp divisible by dp */
	cr_assert_eq(engine_import_parse("sglang serve --model-path x --tp 8 --dp 3 --enable-dp-attention", &imp, err,
					 sizeof err),
		     0);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), -1);
	cr_assert_str_eq(err, "SGLang: with --enable-dp-attention, tp_size (8) must be divisible by dp_size (3)");
}

Test(engine_cmd, commands_as_users_write_them)
{
	static struct engine_import imp;
	static struct scenario s;
	char err[600];
	/* environment, line continuations, quotes, =values, underscores, unknown flags */
	const char *cmd = "CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7 python3 -m sglang.launch_server \\\n"
			  "  --model-path 'deepseek-ai/DeepSeek-R1' --trust-remote-code \\\n"
			  "  --tp=8 --dp_size 8 --enable-dp-attention --ep-size \"8\" \\\n"
			  "  --max-running-requests 2048 --chunked-prefill-size 16384 --kv-cache-dtype fp8_e4m3 \\\n"
			  "  --host 0.0.0.0 --port 30000 --mem-fraction-static 0.8 --context-length 4096";
	cr_assert_eq(engine_import_parse(cmd, &imp, err, sizeof err), 0, "%s", err);
	cr_assert_eq(imp.engine, ENGINE_SGLANG);
	cr_assert_str_eq(imp.model, "deepseek-ai/DeepSeek-R1");
	cr_assert_str_eq(imp.ignored, "--trust-remote-code, --host 0.0.0.0, --port 30000, --context-length 4096");
	load(&s, "deepseek-r1");
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_assert(s.strat.dp == 8 && s.strat.tp == 1 && s.strat.ep == 8 && s.strat.etp == 1);
	/* the instance's limits, shared by its 8 DP ranks: 2048 / 8, 16384 / 8 */
	cr_assert_eq(s.engine.max_seqs, 256);
	cr_assert_eq(s.engine.max_batched_tokens, 2048);
	cr_assert_eq(s.engine.mem_fraction, 0.8);
	cr_assert_eq(s.model.kv_bytes, 1);
	cr_assert_eq(s.work.mode, MODE_SERVING);

	/* vLLM's short flags; a pipeline; no EP flag: experts TP over all 16 */
	cr_assert_eq(engine_import_parse("vllm serve deepseek-ai/DeepSeek-R1 -tp 8 -pp 2 --quantization=fp8 "
					 "--max-num-seqs 64 --gpu-memory-utilization 0.95",
					 &imp, err, sizeof err),
		     0, "%s", err);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_assert(s.strat.dp == 1 && s.strat.tp == 8 && s.strat.pp == 2 && s.strat.ep == 1 && s.strat.etp == 8);
	cr_assert_eq(s.engine.max_seqs, 64);
	cr_assert_eq(s.engine.max_batched_tokens, 0, "a flag not given is the engine's default");
	cr_assert_eq(s.engine.mem_fraction, 0.95);

	/* TensorRT-LLM: the options file overrides the command, as trtllm-serve does */
	cr_assert_eq(engine_import_parse("trtllm-serve deepseek-ai/DeepSeek-R1 --tp_size 8 --ep_size 4 "
					 "--kv_cache_free_gpu_memory_fraction 0.7 --extra_llm_api_options x.yml",
					 &imp, err, sizeof err),
		     0, "%s", err);
	const char *yml = "enable_attention_dp: true\nmoe_expert_parallel_size: 8\nkv_cache_config:\n"
			  "  free_gpu_memory_fraction: 0.85\n  enable_block_reuse: false\ncuda_graph_config:\n  max_batch_size: 64\n";
	cr_assert_eq(engine_import_options(&imp, "x.yml", yml, strlen(yml), err, sizeof err), 0, "%s", err);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_assert(s.strat.dp == 8 && s.strat.tp == 1 && s.strat.ep == 8 && s.strat.etp == 1);
	cr_assert_eq(s.engine.mem_fraction, 0.85);
	cr_assert_eq(s.engine.graph_max_seqs, 64);
	/* block reuse off: no prefix cache */
	cr_assert_str_eq(imp.ignored, "");
	cr_assert_eq(s.engine.prefix_cache, PREFIX_OFF);
}

/* The largest decode step a CUDA graph holds, in each engine's words and
 * back: vLLM counts its tokens (1 + the draft tokens a sequence), SGLang
 * and TensorRT-LLM its sequences. */
Test(engine_cmd, cuda_graph_sizes_in_each_engines_words)
{
	static struct engine_import imp;
	static struct scenario s, back;
	static struct engine_command c;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	static const char *const want[ENGINE_COUNT] = {
		[ENGINE_VLLM] = "--max-cudagraph-capture-size 1200",
		[ENGINE_SGLANG] = "--cuda-graph-max-bs 300",
		[ENGINE_TRTLLM] = "cuda_graph_config:\n  max_batch_size: 300\n",
	};
	char err[600];
	load(&s, "llama-3.1-70b");
	s.strat = (struct strategy){ .dp = 1, .tp = 4, .pp = 1, .ep = 1, .etp = 0 };
	s.engine.graph_max_seqs = 300;
	s.work.spec_tokens = 3;
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		cr_assert_eq(engine_export(e, &s, &c, err, sizeof err), 0, "%s", err);
		engine_command_text(&c, 0, text, sizeof text);
		const char *where = e == ENGINE_TRTLLM ? c.options : text;
		cr_assert(strstr(where, want[e]), "%s: %s", serve_engine_name(e), where);
		cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s", err);
		if (c.options_file[0])
			cr_assert_eq(engine_import_options(&imp, c.options_file, c.options, strlen(c.options), err,
							   sizeof err),
				     0, "%s", err);
		back = s;
		back.engine.graph_max_seqs = 0;
		cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s", err);
		cr_expect_eq(back.engine.graph_max_seqs, 300, "%s", serve_engine_name(e));
	}
	/* auto writes no flag: the engine's own default stands */
	s.engine.graph_max_seqs = 0;
	cr_assert_eq(engine_export(ENGINE_SGLANG, &s, &c, err, sizeof err), 0, "%s", err);
	engine_command_text(&c, 0, text, sizeof text);
	cr_expect_null(strstr(text, "--cuda-graph-max-bs"), "%s", text);
}

/* Whether the next step is scheduled while one runs, in each engine's
 * words, read back and written out. */
Test(engine_cmd, the_overlap_scheduler_in_each_engines_words)
{
	static struct engine_import imp;
	static struct scenario s;
	static struct engine_command c;
	char err[600];
	struct {
		const char *cmd, *options;
		int scheduler;
	} cases[] = {
		{ "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4", NULL, SCHED_AUTO },
		{ "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --async-scheduling", NULL, SCHED_OVERLAP },
		{ "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --no-async-scheduling", NULL, SCHED_SYNC },
		{ "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4 --async-scheduling=false", NULL, SCHED_SYNC },
		{ "python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct --tp 4 "
		  "--disable-overlap-schedule", NULL, SCHED_SYNC },
		{ "trtllm-serve meta-llama/Llama-3.1-70B-Instruct --tp_size 4 --extra_llm_api_options o.yml",
		  "disable_overlap_scheduler: true\n", SCHED_SYNC },
		{ "trtllm-serve meta-llama/Llama-3.1-70B-Instruct --tp_size 4 --extra_llm_api_options o.yml",
		  "disable_overlap_scheduler: false\n", SCHED_OVERLAP },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(engine_import_parse(cases[i].cmd, &imp, err, sizeof err), 0, "%s", err);
		if (cases[i].options)
			cr_assert_eq(engine_import_options(&imp, "o.yml", cases[i].options, strlen(cases[i].options), err,
							   sizeof err),
				     0, "%s", err);
		load(&s, "llama-3.1-70b");
		cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
		cr_expect_eq(s.engine.scheduler, cases[i].scheduler, "%s", cases[i].cmd);
		cr_expect(!strstr(imp.ignored, "sched") && !strstr(imp.ignored, "overlap"), "%s", imp.ignored);
	}
	cr_assert_neq(engine_import_parse("vllm serve x --async-scheduling=maybe", &imp, err, sizeof err), 0);
	cr_expect(strstr(err, "--async-scheduling 'maybe': expected true or false"), "%s", err);

	/* written out: vLLM says which (its default moved between releases);
	 * SGLang and TensorRT-LLM only when it is off */
	const char *sync_words[ENGINE_COUNT] = { NULL, "--no-async-scheduling", "--disable-overlap-schedule", NULL };
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		for (int sched = SCHED_AUTO; sched <= SCHED_OVERLAP; sched++) {
			load(&s, "llama-3.1-70b");
			s.strat = (struct strategy){ .dp = 1, .tp = 4, .pp = 1, .ep = 1 };
			s.engine.scheduler = sched;
			cr_assert_eq(engine_export(e, &s, &c, err, sizeof err), 0, "%s", err);
			char text[4096];
			engine_command_text(&c, 0, text, sizeof text);
			bool sync = sched == SCHED_SYNC;
			if (e == ENGINE_TRTLLM)
				cr_expect_eq(strstr(c.options, "disable_overlap_scheduler: true") != NULL, sync, "%s", c.options);
			else
				cr_expect_eq(strstr(text, sync_words[e]) != NULL, sync, "%s", text);
			if (e == ENGINE_VLLM)
				cr_expect_eq(strstr(text, " --async-scheduling") != NULL, !sync, "%s", text);
			/* and read back, the same */
			cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s", err);
			if (e == ENGINE_TRTLLM)
				cr_assert_eq(engine_import_options(&imp, "o.yml", c.options, strlen(c.options), err, sizeof err),
					     0, "%s", err);
			struct scenario back = s;
			cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s", err);
			struct engine_cfg a, b;
			serve_engine_resolve(e, &s.engine, &s.hw, 4, &a);
			serve_engine_resolve(e, &back.engine, &back.hw, 4, &b);
			cr_expect_eq(a.scheduler, b.scheduler, "engine %d scheduler %d", e, sched);
		}
	}
}

/* What a request holds when admitted and where prompts run, in the words
 * of the engines that have them, and notes where an engine has none. */
Test(engine_cmd, admission_and_prefill_in_each_engines_words)
{
	static struct engine_import imp;
	static struct scenario s;
	static struct engine_command c;
	char err[600];
	const char *cmd = "trtllm-serve meta-llama/Llama-3.1-70B-Instruct --tp_size 4 --extra_llm_api_options o.yml";
	const char *paged = "scheduler_config:\n  capacity_scheduler_policy: MAX_UTILIZATION\n";
	const char *whole = "scheduler_config:\n  capacity_scheduler_policy: GUARANTEED_NO_EVICT\n";
	const char *bad = "scheduler_config:\n  capacity_scheduler_policy: EVERYTHING\n";
	cr_assert_eq(engine_import_parse(cmd, &imp, err, sizeof err), 0, "%s", err);
	cr_assert_eq(engine_import_options(&imp, "o.yml", paged, strlen(paged), err, sizeof err), 0, "%s", err);
	load(&s, "llama-3.1-70b");
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.engine.admit, ADMIT_RULE_PAGED);
	cr_assert_eq(engine_import_parse(cmd, &imp, err, sizeof err), 0, "%s", err);
	cr_assert_eq(engine_import_options(&imp, "o.yml", whole, strlen(whole), err, sizeof err), 0, "%s", err);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.engine.admit, ADMIT_RULE_WHOLE);
	cr_assert_eq(engine_import_parse(cmd, &imp, err, sizeof err), 0, "%s", err);
	cr_assert_neq(engine_import_options(&imp, "o.yml", bad, strlen(bad), err, sizeof err), 0);
	cr_expect(strstr(err, "o.yml:2:30: scheduler_config.capacity_scheduler_policy 'EVERYTHING': expected "
			      "GUARANTEED_NO_EVICT, MAX_UTILIZATION or STATIC_BATCH"),
		  "%s", err);
	cr_assert_eq(engine_import_parse("python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct "
					 "--tp 4 --enable-mixed-chunk",
					 &imp, err, sizeof err),
		     0, "%s", err);
	cr_assert_eq(engine_import_apply(&imp, &s, err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.engine.prefill, PREFILL_MIXED);
	cr_expect_str_eq(imp.ignored, "");

	/* written out, and read back */
	load(&s, "llama-3.1-70b");
	s.strat = (struct strategy){ .dp = 1, .tp = 4, .pp = 1, .ep = 1 };
	s.engine.admit = ADMIT_RULE_PAGED;
	cr_assert_eq(engine_export(ENGINE_TRTLLM, &s, &c, err, sizeof err), 0, "%s", err);
	cr_expect(strstr(c.options, "scheduler_config:\n  capacity_scheduler_policy: MAX_UTILIZATION\n"), "%s",
		  c.options);
	s.engine.prefill = PREFILL_MIXED;
	cr_assert_eq(engine_export(ENGINE_SGLANG, &s, &c, err, sizeof err), 0, "%s", err);
	char text[4096];
	engine_command_text(&c, 0, text, sizeof text);
	cr_expect(strstr(text, " --enable-mixed-chunk"), "%s", text);
	cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s", err);
	cr_expect_eq(imp.prefill, PREFILL_MIXED);

	/* what an engine cannot be told is said, not dropped */
	s.engine.prefill = PREFILL_SEPARATE;
	s.engine.admit = ADMIT_RULE_WHOLE;
	cr_assert_eq(engine_export(ENGINE_VLLM, &s, &c, err, sizeof err), 0, "%s", err);
	bool said_prefill = false, said_admit = false;
	for (int i = 0; i < c.n_notes; i++) {
		said_prefill |= strstr(c.notes[i], "engine.prefill separate: vLLM") != NULL;
		said_admit |= strstr(c.notes[i], "engine.admit whole: vLLM") != NULL;
	}
	cr_expect(said_prefill && said_admit);
}

Test(engine_cmd, bad_commands_say_where_and_what)
{
	static struct engine_import imp;
	char err[600];
	static const struct {
		const char *cmd, *msg;
	} bad[] = {
		{ "ls -l", "col 1: no engine command: expected `vllm serve MODEL`" },
		{ "vllm serve x --tensor-parallel-size abc", "col 37: --tensor-parallel-size 'abc': expected a whole number from 1 to 100000000" },
		{ "vllm serve x --gpu-memory-utilization 1.5", "col 39: --gpu-memory-utilization '1.5': expected a fraction above 0 and at most 1" },
		{ "vllm serve x -tp", "col 14: -tp needs a value" },
		{ "vllm serve 'x", "col 12: unterminated quote" },
		{ "vllm serve --tensor-parallel-size 2", "col 1: the command names no model" },
		{ "vllm serve x --quantization awq", "col 29: --quantization 'awq' is not a weight format moescope models" },
		{ "vllm serve x --kv-cache-dtype int4", "col 31: --kv-cache-dtype 'int4': expected auto, fp8" },
		{ "sglang serve --model-path x --enable-dp-attention=maybe", "col 29: --enable-dp-attention 'maybe': expected true or false" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(engine_import_parse(bad[i].cmd, &imp, err, sizeof err), -1, "%s", bad[i].cmd);
		cr_expect(strstr(err, bad[i].msg) == err, "%s: got '%s', expected '%s'", bad[i].cmd, err, bad[i].msg);
	}
	cr_assert_eq(engine_import_parse("trtllm-serve x --extra_llm_api_options o.yml", &imp, err, sizeof err), 0);
	struct engine_import before = imp;
	cr_assert_eq(engine_import_options(&imp, "o.yml", "a: [1,\n", 7, err, sizeof err), -1);
	cr_expect(strstr(err, "o.yml:2:1: ") == err, "%s", err);
	cr_assert_eq(engine_import_options(&imp, "o.yml", "kv_cache_config:\n  free_gpu_memory_fraction: lots\n", 50, err,
					   sizeof err),
		     -1);
	cr_expect_str_eq(err, "o.yml:2:29: kv_cache_config.free_gpu_memory_fraction 'lots': expected a fraction above 0 and at most 1");
	cr_assert_eq(memcmp(&before, &imp, sizeof imp), 0, "a bad options file changed the import");
}

/* The golden commands are in tests/golden/export (checked by tests/cli.sh);
 * here the numbers in them, by hand.  R1 as DP8 EP8 with attention DP on
 * H200: SGLang's instance is 8 GPUs (--tp-size 8) and 8 DP ranks.  Its
 * default fraction on 141 x 1024 = 144384 MiB: 512 graph sequences;
 * reserved 512 + 1.5 x 8192 + 2 x 512 + 1024 = 14848 MiB, plus DP
 * attention's 3 x 512 x 8 = 12288 and, past 300 sequences, 1.5 x 512 x 8
 * = 6144: 33280; (144384 - 33280) / 144384 = 0.7695, so 0.77.  Its 4096
 * running requests and 8192-token chunks per DP rank are 32768 and 65536
 * for the instance. */
Test(engine_cmd, r1_attention_dp_in_sglang_by_hand)
{
	static struct scenario s;
	static struct engine_command c;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	char err[600];
	load(&s, "deepseek-r1");
	s.strat = (struct strategy){ .dp = 8, .tp = 1, .pp = 1, .ep = 8, .etp = 0 };
	cr_assert_eq(engine_export(ENGINE_SGLANG, &s, &c, err, sizeof err), 0, "%s", err);
	engine_command_text(&c, 0, text, sizeof text);
	cr_assert_str_eq(text, "python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-R1 --tp-size 8 "
			       "--dp-size 8 --enable-dp-attention --ep-size 8 --quantization fp8 "
			       "--mem-fraction-static 0.77 --max-running-requests 32768 --chunked-prefill-size 65536 "
			       "--context-length 2304");
}

static const char *hf_fixture(const char *name)
{
	static char path[1024];
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/hf/%s", src && *src ? src : MOESCOPE_SRCDIR, name);
	return path;
}

Test(engine_cmd, import_finds_the_model_and_changes_nothing_when_refused)
{
	struct session_fixture f;
	char line[2048];
	fixture_open(&f, FMT_TEXT);
	/* by Hugging Face id, whatever its case */
	cr_assert_eq(session_run_line(&f.ss, "import vllm serve DEEPSEEK-AI/deepseek-r1 -tp 8", 1), 0, "%s", f.buf.err);
	cr_expect_str_eq(f.ss.scn.model.name, "deepseek-r1");
	/* what was imported is a note: the output stream stays empty */
	cr_expect(strstr(f.buf.err, "imported vLLM: deepseek-r1 (preset deepseek-r1), DP1_TP8_PP1_EP1_ETP8 on 8 GPUs"),
		  "%s", f.buf.err);
	cr_expect_eq(f.buf.out_len, 0, "%s", f.buf.out);
	/* by the id's last part, for a local copy of a checkpoint */
	cr_assert_eq(session_run_line(&f.ss, "import 'trtllm-serve /models/Mixtral-8x7B --tp_size 2 --ep_size 2'", 2), 0,
		     "%s", f.buf.err);
	cr_expect_str_eq(f.ss.scn.model.name, "mixtral-8x7b");
	/* a directory holding a config.json: a checkpoint on disk */
	char dir[] = "/tmp/moescope-import-XXXXXX", cfg[64];
	cr_assert(mkdtemp(dir));
	snprintf(cfg, sizeof cfg, "%s/config.json", dir);
	FILE *in = fopen(hf_fixture("qwen3-32b.json"), "rb"), *out = fopen(cfg, "wb");
	cr_assert(in && out);
	for (int ch; (ch = fgetc(in)) != EOF;)
		fputc(ch, out);
	fclose(in);
	fclose(out);
	snprintf(line, sizeof line, "import 'vllm serve %s --tensor-parallel-size 4'", dir);
	cr_assert_eq(session_run_line(&f.ss, line, 3), 0, "%s", f.buf.err);
	cr_expect(strstr(f.buf.err, "(from its config.json), DP1_TP4"), "%s", f.buf.err);
	cr_expect_eq(f.ss.scn.model.layers, 64);
	remove(cfg);
	rmdir(dir);
	/* an id no preset has: the model stays, and the output says so */
	cr_assert_eq(session_run_line(&f.ss, "load mixtral-8x7b; import 'vllm serve someone/private-moe -tp 2'", 4), 0,
		     "%s", f.buf.err);
	cr_expect(strstr(f.buf.err, "(kept: 'someone/private-moe' is no shipped model's Hugging Face id"), "%s",
		  f.buf.err);
	cr_expect_str_eq(f.ss.scn.model.name, "mixtral-8x7b");
	/* a refusal by moescope's own model changes nothing either: 8 experts on EP 16 */
	struct scenario before = f.ss.scn;
	cr_assert_eq(session_run_line(&f.ss, "import vllm serve mistralai/Mixtral-8x7B-v0.1 -tp 8 -dp 2 --enable-expert-parallel", 4),
		     -1);
	cr_expect(strstr(f.buf.err, "import: moescope cannot model it: E_"), "%s", f.buf.err);
	cr_assert_eq(memcmp(&before, &f.ss.scn, sizeof before), 0);
	/* and a missing options file */
	cr_assert_eq(session_run_line(&f.ss, "import 'trtllm-serve x --extra_llm_api_options /nonexistent/o.yml'", 5), -1);
	cr_expect(strstr(f.buf.err, "--extra_llm_api_options /nonexistent/o.yml: No such file or directory"), "%s",
		  f.buf.err);
	cr_assert_eq(memcmp(&before, &f.ss.scn, sizeof before), 0);
	fixture_close(&f);
}

/* Found by fuzzing: a word "-=..." is a flag of one dash and no name; its
 * normalisation must not run past the name (a stack overflow under ASan). */
Test(engine_cmd, fuzz_regression_a_flag_of_one_dash)
{
	static struct engine_import imp;
	char err[600], path[1024], *buf;
	size_t len;
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/fuzz/regressions/engine-flag-dash-equals.txt", src && *src ? src : MOESCOPE_SRCDIR);
	cr_assert_eq(file_read_regular(path, 1 << 20, "x", &buf, &len, err, sizeof err), 0, "%s", err);
	engine_import_parse(buf, &imp, err, sizeof err);
	free(buf);
	cr_expect_eq(engine_import_parse("vllm serve m -=3 --tensor-parallel-size 2", &imp, err, sizeof err), 0, "%s", err);
	cr_expect_eq(imp.l.tp, 2);
	cr_expect_str_eq(imp.ignored, "-=3");
}

/* What an import sets is what set and load take: out of the key table's
 * range it is refused, and nothing changes. */
Test(engine_cmd, import_stays_within_the_keys_ranges)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load h200 deepseek-r1", 1), 0);
	static struct scenario before;
	before = f.ss.scn;
	const char *bad[] = { "import 'vllm serve deepseek-ai/DeepSeek-R1 -tp 8 --max-num-seqs 100000000'",
			      "import 'vllm serve deepseek-ai/DeepSeek-R1 -tp 8 --gpu-memory-utilization 1e-320'",
			      "import 'python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-R1 --tp-size 8 --chunked-prefill-size 1000000000000'" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(session_run_line(&f.ss, bad[i], 2), -1, "%s", bad[i]);
		cr_expect(memcmp(&before, &f.ss.scn, sizeof before) == 0, "%s changed the scenario", bad[i]);
	}
	cr_expect(strstr(f.buf.err, "the command sets what moescope cannot hold: engine.max_seqs") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* An options file is checked for its shape before it is built: 64 KiB of
 * '[' is refused at once with where and why. */
Test(engine_cmd, options_yaml_of_brackets_is_refused_at_once, .timeout = 5)
{
	static struct engine_import imp;
	static char yaml[65537];
	char err[600];
	memset(yaml, '[', sizeof yaml - 1);
	memset(&imp, 0, sizeof imp);
	cr_expect_neq(engine_import_options(&imp, "o.yml", yaml, sizeof yaml - 1, err, sizeof err), 0);
	cr_expect(strstr(err, "o.yml:1:9: nested more than 8 levels deep: not an engine's options") != NULL, "%s", err);
}

/* Speculative decoding with the checkpoint's MTP layers goes out as each
 * engine's flags and comes back as the draft tokens a step. */
Test(engine_cmd, speculative_decoding_round_trips)
{
	static struct scenario s, back;
	static struct engine_command c;
	static struct engine_import imp;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	char err[600];
	static const char *const want[ENGINE_COUNT] = {
		[ENGINE_VLLM] = "--speculative-config '{\"method\": \"mtp\", \"num_speculative_tokens\": 3}'",
		[ENGINE_SGLANG] = "--speculative-algorithm EAGLE --speculative-num-steps 3 --speculative-eagle-topk 1 "
				  "--speculative-num-draft-tokens 4",
	};
	load(&s, "deepseek-r1");
	s.strat = (struct strategy){ .dp = 8, .tp = 1, .pp = 1, .ep = 8 };
	s.work.spec_tokens = 3;
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		cr_assert_eq(engine_export(e, &s, &c, err, sizeof err), 0, "%s", err);
		engine_command_text(&c, 0, text, sizeof text);
		if (want[e])
			cr_expect(strstr(text, want[e]) != NULL, "%s", text);
		else
			cr_expect(strstr(c.options, "speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: 3\n") !=
					  NULL,
				  "%s", c.options);
		cr_assert_eq(engine_import_parse(text, &imp, err, sizeof err), 0, "%s: %s", text, err);
		if (c.options_file[0])
			cr_assert_eq(engine_import_options(&imp, "o", c.options, strlen(c.options), err, sizeof err), 0, "%s",
				     err);
		back = s;
		back.work.spec_tokens = 0;
		cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s", err);
		cr_expect_eq(back.work.spec_tokens, 3, "%s", serve_engine_name(e));
		/* no MTP layers: no flag, a note that the draft model is needed */
		s.model.mtp_layers = 0;
		cr_assert_eq(engine_export(e, &s, &c, err, sizeof err), 0, "%s", err);
		engine_command_text(&c, 0, text, sizeof text);
		cr_expect(strstr(text, "speculative") == NULL && strstr(c.options, "speculative") == NULL, "%s", text);
		bool said = false;
		for (int i = 0; i < c.n_notes; i++)
			said = said || strstr(c.notes[i], "the path of the draft model") != NULL;
		cr_expect(said, "%s", serve_engine_name(e));
		s.model.mtp_layers = 1;
	}
	/* SGLang written with the draft tokens alone */
	cr_assert_eq(engine_import_parse("python3 -m sglang.launch_server --model-path x --speculative-num-draft-tokens 3",
					 &imp, err, sizeof err),
		     0, "%s", err);
	back = s;
	cr_assert_eq(engine_import_apply(&imp, &back, err, sizeof err), 0, "%s", err);
	cr_expect_eq(back.work.spec_tokens, 2);
	/* a speculative config that is not JSON is an error at its column */
	cr_expect_neq(engine_import_parse("vllm serve x --speculative-config mtp", &imp, err, sizeof err), 0);
	cr_expect(strstr(err, "--speculative-config: expected a JSON object") != NULL, "%s", err);
}

/* A misspelt flag is refused as the engine would refuse it, with the flag
 * it was probably meant to be; --lenient passes over it. */
Test(engine_cmd, a_misspelt_flag_is_refused_with_a_suggestion)
{
	static struct engine_import imp;
	char err[600];
	cr_expect_neq(engine_import_parse("vllm serve x --tensor-paralel-size 4", &imp, err, sizeof err), 0);
	cr_expect_str_eq(err, "col 14: --tensor-paralel-size is no vLLM flag; did you mean --tensor-parallel-size? "
			      "(import --lenient passes over it)");
	cr_expect_neq(engine_import_parse("python3 -m sglang.launch_server --model-path x --mem-fracton-static 0.8", &imp,
					  err, sizeof err),
		      0);
	cr_expect(strstr(err, "did you mean --mem-fraction-static?") != NULL, "%s", err);
	cr_assert_eq(engine_import_parse_as("vllm serve x --tensor-paralel-size 4", true, &imp, err, sizeof err), 0);
	cr_expect_eq(imp.l.tp, 1);
	cr_expect(strstr(imp.ignored, "--tensor-paralel-size 4") != NULL, "%s", imp.ignored);
	/* flags far from any moescope reads are passed over as before */
	cr_assert_eq(engine_import_parse("vllm serve x --port 8000 --served-model-name y", &imp, err, sizeof err), 0, "%s",
		     err);
}
