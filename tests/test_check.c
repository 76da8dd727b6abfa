/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `check` on the seed reports: what each got wrong. */
#include "check.h"
#include "helpers.h"
#include "preset.h"

static void run_check(const char *name, struct scenario *s, struct check_report *c)
{
	struct result r;
	struct diag_list d;
	char err[1024];
	scenario_default(s);
	cr_assert_eq(preset_load(s, name, err, sizeof err), 0, "%s", err);
	cost_evaluate(s, &r);
	diag_collect(s, &r, &d);
	check_claims(s, &r, &d, c);
}

static const struct claim_result *claim(const struct check_report *c, int id)
{
	for (int i = 0; i < c->n; i++)
		if (c->items[i].id == id)
			return &c->items[i];
	cr_assert_fail("claim %s missing", claim_name(id));
	return NULL;
}

Test(check, report_000_memory_and_ttft_are_wrong)
{
	struct scenario s;
	struct check_report c;
	run_check("seed-report-000", &s, &c);
	cr_expect_eq(claim(&c, CL_VALID)->verdict, V_HOLDS);
	cr_expect_eq(claim(&c, CL_GPUS)->verdict, V_HOLDS);
	cr_expect_eq(claim(&c, CL_SHARDS)->verdict, V_HOLDS);
	const struct claim_result *mem = claim(&c, CL_MEM);
	cr_expect_eq(mem->verdict, V_CONTRADICTED);
	expect_rel(mem->computed, 2.797580774147879, 1e-12);
	cr_expect(strstr(mem->note, "weights 0.313 + KV 0.141") != NULL, "%s", mem->note);
	const struct claim_result *ttft = claim(&c, CL_TTFT);
	cr_expect_eq(ttft->verdict, V_CONTRADICTED);
	cr_expect_eq(ttft->ratio, 0);
	cr_expect_eq(claim(&c, CL_TOKENS)->verdict, V_CONTRADICTED);
	cr_expect_eq(c.contradicted, 3);
}

Test(check, report_001_gpu_count_does_not_match_the_degrees)
{
	struct scenario s;
	struct check_report c;
	run_check("seed-report-001", &s, &c);
	const struct claim_result *g = claim(&c, CL_GPUS);
	cr_expect_eq(g->verdict, V_CONTRADICTED);
	cr_expect_eq(g->computed, 16);
	cr_expect(strstr(g->note, "the claim is ep x tp x pp") != NULL, "%s", g->note);
	cr_expect_eq(claim(&c, CL_VALID)->verdict, V_CONTRADICTED);
	cr_expect(strstr(claim(&c, CL_VALID)->note, "E_FOLD") != NULL);
	/* 100 tok/ms/GPU is above the 94.1 ceiling whatever the strategy */
	const struct claim_result *t = claim(&c, CL_TOKENS);
	cr_expect_eq(t->verdict, V_CONTRADICTED);
	cr_expect(strstr(t->note, "the compute ceiling is 94.1 tok/ms/GPU") != NULL, "%s", t->note);
	cr_expect_eq(claim(&c, CL_MEM)->verdict, V_UNCHECKABLE);
}

Test(check, report_003_throughput_above_the_ceiling)
{
	struct scenario s;
	struct check_report c;
	run_check("seed-report-003", &s, &c);
	cr_expect_eq(claim(&c, CL_TOKENS)->verdict, V_CONTRADICTED);
	cr_expect_eq(claim(&c, CL_VALID)->verdict, V_CONTRADICTED);
	cr_expect_eq(claim(&c, CL_GPUS)->verdict, V_HOLDS);
}

Test(check, report_004_experts_cannot_fold)
{
	struct scenario s;
	struct check_report c;
	run_check("seed-report-004", &s, &c);
	const struct claim_result *v = claim(&c, CL_VALID);
	cr_expect_eq(v->verdict, V_CONTRADICTED);
	cr_expect(strstr(v->note, "fix: set dp 16") != NULL, "%s", v->note);
}

Test(check, tolerance_decides)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	struct check_report c;
	scenario_default(&s);
	s.claims.gpus = 64;
	s.claims.ttft_s = 0.05386 * 1.09;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	check_claims(&s, &r, &d, &c);
	cr_expect_eq(c.holds, 2);
	s.claims.tolerance = 0.05;
	check_claims(&s, &r, &d, &c);
	cr_expect_eq(c.holds, 1);
	cr_expect_eq(c.contradicted, 1);
}

/* Claims as bounds.  Seed report 002 says prefill takes "under 0.1 s";
 * the model computes 0.0539 s for it: the bound holds.  Its ~640 tokens/ms
 * (10 per GPU) against 1.51 is 10 / 1.51 = 6.6x too high. */
Test(check, bounds_hold_or_fail_in_words)
{
	struct scenario s;
	struct check_report c;
	run_check("seed-report-002", &s, &c);
	const struct claim_result *ttft = claim(&c, CL_TTFT);
	cr_expect_eq(ttft->rel, REL_AT_MOST);
	cr_expect_eq(ttft->verdict, V_HOLDS);
	cr_expect_str_eq(ttft->words, "holds");
	cr_expect_str_eq(claim(&c, CL_TOKENS)->words, "6.64x too high");
	cr_expect_str_eq(claim(&c, CL_MEM)->words, "2.61x too low");

	struct result r;
	struct diag_list d;
	char err[300];
	const struct key *kt = key_find("claims.ttft_s"), *kg = key_find("claims.tokens_per_ms_per_gpu");
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	/* 0.0539 against at most 0.01: 5.39 times over */
	cr_assert_eq(key_set(&s, kt, "<= 0.01", err, sizeof err), 0, "%s", err);
	check_claims(&s, &r, &d, &c);
	cr_expect_eq(claim(&c, CL_TTFT)->verdict, V_CONTRADICTED);
	cr_expect_str_eq(claim(&c, CL_TTFT)->words, "5.39x over the bound");
	/* the tolerance (10%) covers the model's own error: 0.0539 <= 0.05 x 1.1 */
	cr_assert_eq(key_set(&s, kt, "\u2264 0.05", err, sizeof err), 0, "%s", err);
	check_claims(&s, &r, &d, &c);
	cr_expect_eq(claim(&c, CL_TTFT)->verdict, V_HOLDS);
	/* at least 1 token/ms/GPU holds at 1.51; at least 5 is 5 / 1.506 = 3.32x under */
	cr_assert_eq(key_set(&s, kg, ">= 1", err, sizeof err), 0, "%s", err);
	check_claims(&s, &r, &d, &c);
	cr_expect_eq(claim(&c, CL_TOKENS)->verdict, V_HOLDS);
	cr_assert_eq(key_set(&s, kg, ">=5", err, sizeof err), 0, "%s", err);
	check_claims(&s, &r, &d, &c);
	cr_expect_str_eq(claim(&c, CL_TOKENS)->words, "3.32x under the bound");
	/* a plain number is "about" again; none clears the bound */
	cr_assert_eq(key_set(&s, kg, "5", err, sizeof err), 0, "%s", err);
	cr_expect_eq(key_bound_rel(&s, kg), REL_ABOUT);
	cr_assert_eq(key_set(&s, kt, "<= 0.2", err, sizeof err), 0, "%s", err);
	cr_assert_eq(key_set(&s, kt, "none", err, sizeof err), 0, "%s", err);
	cr_expect_eq(key_bound_rel(&s, kt), REL_ABOUT);
	/* a relation without a number is refused and changes nothing */
	cr_assert_eq(key_set(&s, kg, ">=", err, sizeof err), -1);
	cr_expect_eq(s.claims.tokens_per_ms_per_gpu, 5);
}
