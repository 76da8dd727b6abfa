/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The key table: defaults, parsing, ranges, special words. */
#include "helpers.h"

static int set(struct scenario *s, const char *name, const char *value, char *err)
{
	const struct key *k = key_find(name);
	cr_assert_not_null(k, "key %s", name);
	return key_set(s, k, value, err, 400);
}

static const char *get(const struct scenario *s, const char *name)
{
	static char buf[128];
	key_get(s, key_find(name), buf, sizeof buf);
	return buf;
}

Test(keys, defaults_are_the_seed_scenario)
{
	struct scenario s;
	scenario_default(&s);
	cr_expect_str_eq(s.model.name, "seed-10b-moe");
	cr_expect_str_eq(s.hw.name, "seed-gpu-64g");
	cr_expect_eq(s.hw.mem_gib, 64);
	cr_expect_eq(s.hw.tflops_bf16, 400);
	cr_expect_eq(s.hw.mfu, 0.6);
	cr_expect_eq(s.hw.hbm_tbps, 1.8);
	cr_expect_eq(s.hw.hbm_util, 0.8);
	cr_expect_eq(s.model.params_b, 10);
	cr_expect_eq(s.model.layers, 16);
	cr_expect_eq(s.model.hidden, 512);
	cr_expect_eq(s.model.heads, 16);
	cr_expect_eq(s.model.experts, 16);
	cr_expect_eq(s.model.top_k, 2);
	cr_expect_eq(s.model.expert_ffn, 0);
	cr_expect_eq(s.model.vocab, 32000);
	cr_expect_eq(s.model.weight_bytes, 2);
	cr_expect_eq(s.work.batch, 128);
	cr_expect_eq(s.work.prompt_len, 2048);
	cr_expect_eq(s.work.output_len, 256);
	cr_expect_eq(s.strat.dp, 16);
	cr_expect_eq(s.strat.tp, 4);
	cr_expect_eq(s.strat.pp, 1);
	cr_expect_eq(s.strat.ep, 16);
	cr_expect_eq(s.req.ttft_s, 10);
	cr_expect_eq(s.req.tokens_per_ms_per_gpu, 100);
	cr_expect(isnan(s.req.tpot_ms));
	cr_expect(isnan(s.claims.ttft_s));
	cr_expect_eq(s.claims.tolerance, 0.1);
}

Test(keys, every_key_round_trips_through_text)
{
	struct scenario s, t;
	char buf[128], err[400];
	scenario_default(&s);
	scenario_default(&t);
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->flags & KF_NOSAVE)
			continue;
		key_get(&s, k, buf, sizeof buf);
		cr_expect_eq(key_set(&t, k, buf, err, sizeof err), 0, "%s = %s: %s", k->name, buf, err);
	}
	cr_expect_eq(memcmp(&s.hw, &t.hw, sizeof s.hw), 0);
	cr_expect_eq(memcmp(&s.strat, &t.strat, sizeof s.strat), 0);
}

Test(keys, names_aliases_and_unique_leaves)
{
	cr_expect_str_eq(key_find("strategy.ep")->name, "strategy.ep");
	cr_expect_str_eq(key_find("ep")->name, "strategy.ep");
	cr_expect_str_eq(key_find("seq")->name, "workload.prompt_len");
	cr_expect_str_eq(key_find("out")->name, "workload.output_len");
	cr_expect_str_eq(key_find("mb")->name, "workload.microbatches");
	cr_expect_str_eq(key_find("kv_lora_rank")->name, "model.kv_lora_rank");
	/* ttft_s is both a requirement and a claim: the leaf alone is ambiguous */
	cr_expect_null(key_find("ttft_s"));
	cr_expect_null(key_find("epp"));
	cr_expect_str_eq(key_suggest("epp", -1), "ep");
	cr_expect_str_eq(key_suggest("expertz", SEC_MODEL), "experts");
	cr_expect_null(key_suggest("completely_unrelated", -1));
}

Test(keys, integers_reject_fractions_and_out_of_range)
{
	struct scenario s;
	char err[400];
	scenario_default(&s);
	cr_expect_eq(set(&s, "tp", "2.5", err), -1);
	cr_expect(strstr(err, "an integer from 1 to 4096") != NULL, "%s", err);
	cr_expect_eq(set(&s, "tp", "0", err), -1);
	cr_expect_eq(set(&s, "tp", "", err), -1);
	cr_expect_eq(set(&s, "tp", "8x", err), -1);
	cr_expect_eq(set(&s, "batch", "1e30", err), -1);
	cr_expect_eq(s.strat.tp, 4);   /* unchanged */
	cr_expect_eq(set(&s, "tp", "8", err), 0);
	cr_expect_eq(s.strat.tp, 8);
}

Test(keys, doubles_reject_nan_inf_and_open_minimum)
{
	struct scenario s;
	char err[400];
	scenario_default(&s);
	cr_expect_eq(set(&s, "mfu", "nan", err), -1);
	cr_expect_eq(set(&s, "mfu", "inf", err), -1);
	cr_expect_eq(set(&s, "mfu", "0", err), -1);
	cr_expect(strstr(err, "above 0 up to 1") != NULL, "%s", err);
	cr_expect_eq(set(&s, "mfu", "1.5", err), -1);
	cr_expect_eq(set(&s, "mfu", "0.45", err), 0);
	cr_expect_eq(s.hw.mfu, 0.45);
}

Test(keys, auto_default_and_none)
{
	struct scenario s;
	char err[400];
	scenario_default(&s);
	cr_expect_str_eq(get(&s, "etp"), "auto");
	cr_expect_eq(set(&s, "etp", "2", err), 0);
	cr_expect_str_eq(get(&s, "etp"), "2");
	cr_expect_eq(set(&s, "etp", "auto", err), 0);
	cr_expect_eq(s.strat.etp, 0);
	cr_expect_str_eq(get(&s, "model.kv_heads"), "default");
	cr_expect_str_eq(get(&s, "requirements.tpot_ms"), "none");
	cr_expect_eq(set(&s, "requirements.tpot_ms", "50", err), 0);
	cr_expect_eq(s.req.tpot_ms, 50);
	cr_expect_eq(set(&s, "requirements.tpot_ms", "none", err), 0);
	cr_expect(isnan(s.req.tpot_ms));
	/* "auto" only where the key has it */
	cr_expect_eq(set(&s, "tp", "auto", err), -1);
	cr_expect_eq(set(&s, "strategy.imbalance", "1.2", err), 0);
	cr_expect_eq(set(&s, "strategy.imbalance", "0.5", err), -1);
}

Test(keys, enums_bools_and_dtype)
{
	struct scenario s;
	char err[400];
	scenario_default(&s);
	cr_expect_eq(set(&s, "model.attention", "MLA", err), 0);
	cr_expect_eq(s.model.attention, ATTN_MLA);
	cr_expect_eq(set(&s, "model.attention", "mha", err), -1);
	cr_expect(strstr(err, "one of gqa mla") != NULL, "%s", err);
	cr_expect_eq(set(&s, "model.gated", "no", err), 0);
	cr_expect_not(s.model.gated);
	cr_expect_eq(set(&s, "model.gated", "maybe", err), -1);
	cr_expect_str_eq(get(&s, "dtype"), "bf16");
	cr_expect_eq(set(&s, "dtype", "fp8", err), 0);
	cr_expect_eq(s.model.weight_bytes, 1);
	cr_expect_eq(s.model.kv_bytes, 1);
	cr_expect_eq(s.model.act_bytes, 1);
	cr_expect_str_eq(get(&s, "dtype"), "fp8");
	cr_expect_eq(set(&s, "model.kv_bytes", "bf16", err), 0);
	cr_expect_eq(s.model.kv_bytes, 2);
	cr_expect_str_eq(get(&s, "dtype"), "mixed");
	cr_expect_eq(set(&s, "model.weight_bytes", "fp4", err), 0);
	cr_expect_eq(s.model.weight_bytes, 0.5625);
	cr_expect_eq(scenario_compute_dtype(&s.model), DTYPE_FP4);
}

Test(keys, names_are_bounded)
{
	struct scenario s;
	char err[400], big[200];
	scenario_default(&s);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cr_expect_eq(set(&s, "name", big, err), -1);
	cr_expect_str_eq(s.name, "seed-10b-moe");
	cr_expect_eq(set(&s, "name", "my plan", err), 0);
	cr_expect_str_eq(s.name, "my plan");
}

Test(keys, compute_dtype_falls_back_to_a_supported_peak)
{
	struct hardware hw = { .tflops_bf16 = 989, .tflops_fp8 = 1979, .tflops_fp4 = 0 };
	/* 4-bit weights without 4-bit math are dequantised into 16-bit
	 * activations: the bf16 peak, not the fp8 one */
	cr_expect_eq(scenario_peak_tflops(&hw, DTYPE_FP4), 989);
	cr_expect_eq(scenario_peak_tflops(&hw, DTYPE_FP8), 1979);
	hw.tflops_fp4 = 3958;
	cr_expect_eq(scenario_peak_tflops(&hw, DTYPE_FP4), 3958);
	hw.tflops_fp4 = 0;
	cr_expect_eq(scenario_peak_tflops(&hw, DTYPE_BF16), 989);
	hw.tflops_fp8 = 0;
	cr_expect_eq(scenario_peak_tflops(&hw, DTYPE_FP8), 989);
}
