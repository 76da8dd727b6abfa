/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter counts against published figures. */
#include "helpers.h"
#include "params.h"
#include "preset.h"

Test(params, mixtral_8x7b_total_and_active)
{
	struct scenario s;
	struct result r;
	mixtral_8x7b(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.params_ok);
	/* 32 x (41.94M attention + 8 x 176.16M experts + 32.8k router) + 2 x 131M */
	cr_expect_eq(r.params.total, 46702526464.0);
	cr_expect_eq(r.params.active, 12748587008.0);
	expect_rel(r.params.total, 46.70e9, 0.0005);
	expect_rel(r.params.active, 12.75e9, 0.0005);
}

Test(params, deepseek_v3_total_near_671b)
{
	struct scenario s;
	struct result r;
	deepseek_v3(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.params_ok);
	cr_expect_eq(r.params.total, 671025397760.0);
	cr_expect_eq(r.params.active, 36624596992.0);
	/* MLA attention: q 48.76M + kv 20.91M + o 117.44M */
	cr_expect_eq(r.params.attn, 187105280.0);
}

Test(params, tied_embeddings_drop_the_head_but_not_the_active_matmul)
{
	struct scenario s;
	struct param_counts untied, tied;
	mixtral_8x7b(&s);
	struct scenario rs;
	scenario_resolve(&s, &rs);
	params_count(&rs.model, &untied);
	rs.model.tied_embeddings = true;
	params_count(&rs.model, &tied);
	cr_expect_eq(untied.total - tied.total, 32000.0 * 4096.0);
	cr_expect_eq(untied.active, tied.active);
}

Test(params, ungated_ffn_has_two_matrices)
{
	struct scenario s, rs;
	struct param_counts pc;
	mixtral_8x7b(&s);
	s.model.gated = false;
	scenario_resolve(&s, &rs);
	params_count(&rs.model, &pc);
	cr_expect_eq(pc.expert, 2.0 * 4096 * 14336);
}

Test(params, expert_ffn_auto_solves_the_seed_model)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	cost_evaluate(&s, &r);
	/* (10e9 - 49.7M of attention, router and embeddings) / (16*16*3*512) = 25304.98,
	 * rounded down to a multiple of 64 */
	cr_expect_eq(r.expert_ffn, 25280);
	expect_rel(r.params.total, 10e9, 0.005);
}

Test(params, expert_ffn_auto_solves_shared_experts_with_it)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.model.shared_experts = 2;
	cost_evaluate(&s, &r);
	/* 18 experts' worth of FFN per layer now share the budget */
	/* attention 16.78M + router 131k + embeddings 32.77M = 49,676,288 */
	cr_expect_eq(r.expert_ffn, (long)((10e9 - 49676288.0) / (16.0 * 18 * 3 * 512) / 64) * 64);
	cr_expect_eq(r.expert_ffn, 22464);
	expect_rel(r.params.total, 10e9, 0.005);
}

Test(params, expert_ffn_auto_without_params_b_is_bad_value)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.model.params_b = 0;
	cost_evaluate(&s, &r);
	cr_expect(r.errors & CE_BAD_MODEL);
	cr_expect_eq(r.bad_model, BM_EXPERT_FFN);
	cr_expect_not(r.ok);
	diag_collect(&s, &r, &d);
	cr_expect(has_diag(&d, E_BAD_VALUE));
}

Test(params, expert_ffn_auto_with_too_small_budget_is_bad_value)
{
	struct scenario s;
	struct result r;
	scenario_default(&s);
	s.model.params_b = 0.01;   /* less than attention and embeddings */
	cost_evaluate(&s, &r);
	cr_expect_eq(r.bad_model, BM_EXPERT_FFN);
}

Test(params, declared_total_far_off_warns)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	mixtral_8x7b(&s);
	s.model.params_b = 56;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect(has_diag(&d, W_PARAMS));
	s.model.params_b = 46.7;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect_not(has_diag(&d, W_PARAMS));
}

Test(params, kv_bytes_per_token_gqa_and_mla)
{
	struct scenario s;
	struct result r;
	mixtral_8x7b(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* 2 (K and V) x 8 heads x 128 x 32 layers x 2 bytes */
	cr_expect_eq(r.kv_bytes_per_token, 131072.0);
	deepseek_v3(&s);
	cost_evaluate(&s, &r);
	cr_assert(r.ok);
	/* (512 latent + 64 rope) x 61 layers x 2 bytes */
	cr_expect_eq(r.kv_bytes_per_token, 70272.0);
}

/* A model whose every layer is declared dense, written with one expert:
 * the total is that of its dense layers whatever the expert TP.  By hand:
 * 16 x (3 x 512 x 8192 FFN + 512 x 32 x (2 x 16 + 2 x 16) attention)
 * + 2 x 32000 x 512 embedding and head = 250,871,808. */
Test(params, declared_dense_layers_keep_their_width_whatever_the_etp)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "set strategy.ep 1; set strategy.dp 1; set strategy.tp 4; "
				  "set model.params_b 0; set model.top_k 1; set model.experts 1; "
				  "set model.expert_ffn 1024; set model.dense_layers 16; set model.dense_ffn 8192", 1), 0);
	const long etps[] = { 0, 1, 2, 4 };
	for (size_t i = 0; i < sizeof etps / sizeof etps[0]; i++) {
		struct result r;
		f.ss.scn.strat.etp = etps[i];
		cost_evaluate(&f.ss.scn, &r);
		cr_assert(r.params_ok, "etp %ld", etps[i]);
		cr_expect_eq(r.params.total, 250871808.0, "etp %ld: %.0f", etps[i], r.params.total);
	}
	fixture_close(&f);
}

/* Every dense preset (written as one expert) counts the same parameters
 * under every expert TP its strategy allows. */
Test(params, dense_presets_total_independent_of_etp)
{
	const char *const dense[] = { "llama-3.1-8b", "llama-3.1-70b", "qwen3-32b" };
	for (size_t i = 0; i < sizeof dense / sizeof dense[0]; i++) {
		struct scenario s;
		struct result r;
		char err[600];
		scenario_default(&s);
		cr_assert_eq(preset_load(&s, dense[i], err, sizeof err), 0, "%s", err);
		s.strat = (struct strategy){ .dp = 2, .tp = 4, .pp = 1, .ep = 1, .overlap = s.strat.overlap };
		cost_evaluate(&s, &r);
		double want = r.params.total;
		cr_assert(r.params_ok && want > 1e9, "%s", dense[i]);
		const long etps[] = { 1, 2, 4, 8 };
		for (size_t j = 0; j < sizeof etps / sizeof etps[0]; j++) {
			s.strat.etp = etps[j];
			cost_evaluate(&s, &r);
			cr_expect_eq(r.params.total, want, "%s etp %ld: %.0f, %.0f at etp auto", dense[i], etps[j],
				     r.params.total, want);
		}
	}
}
