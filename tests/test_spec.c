/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Speculative decoding: a step verifies 1 + k tokens a sequence plus k
 * passes of the draft, and emits 1 + a.  The identities: accepting none is
 * never faster than not speculating; the speed-up is at most 1 + k (and
 * 1 + a); the time per token is the step's over 1 + a. */
#include "helpers.h"

#include "preset.h"
#include "serve.h"

static double tpot(struct scenario *s, long k, double a)
{
	struct result r;
	s->work.spec_tokens = k;
	s->work.spec_accepted = a;
	cost_evaluate(s, &r);
	cr_assert(r.ok);
	return r.tpot_ms;
}

Test(spec, identities_on_every_model_static_and_serving)
{
	static const char *const models[] = { "seed-10b-moe", "mixtral-8x7b", "deepseek-r1", "qwen3-235b-a22b",
					      "llama-3.1-70b", "gpt-oss-120b" };
	static const char *const engines[] = { "none", "vllm", "sglang", "trtllm" };
	char err[300];
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++)
		for (int serving = 0; serving < 2; serving++)
			for (size_t e = 0; e < (serving ? 4u : 1u); e++)
				for (long batch = 1; batch <= 256; batch *= 16) {
					struct scenario s;
					scenario_default(&s);
					cr_assert_eq(preset_load(&s, "h200", err, sizeof err), 0);
					cr_assert_eq(preset_load(&s, models[m], err, sizeof err), 0);
					s.strat = (struct strategy){ .dp = 1, .tp = 8, .pp = 1, .ep = 1 };
					s.work.mode = serving ? MODE_SERVING : MODE_STATIC;
					s.work.engine = serve_engine_find(engines[e]);
					s.work.batch = batch;
					double base = tpot(&s, 0, 0);
					for (long k = 1; k <= 4; k++) {
						double none = tpot(&s, k, 0);
						cr_expect_geq(none, base * (1 - 1e-12), "%s %s batch %ld k %ld: %g < %g",
							      models[m], engines[e], batch, k, none, base);
						for (double a = 0.5; a <= (double)k; a += 0.5) {
							double t = tpot(&s, k, a);
							cr_expect_leq(base / t, 1.0 + a + 1e-9, "%s k %ld a %g", models[m], k, a);
							cr_expect_leq(base / t, 1.0 + (double)k + 1e-9);
							if (!serving)
								expect_rel(t * (1.0 + a), none, 1e-12);
						}
					}
				}
}

/* The draft is mtp_layers layers run k times, each what one layer of the
 * verify step costs: with the verify step the same, two draft layers
 * against one on the 16-layer seed model is (1 + 2/16) / (1 + 1/16) = 18/17. */
Test(spec, the_draft_costs_a_layer_of_the_verify_step_per_draft_layer)
{
	struct scenario s;
	scenario_default(&s);
	s.model.mtp_layers = 1;
	double one = tpot(&s, 1, 0);
	s.model.mtp_layers = 2;
	double two = tpot(&s, 1, 0);
	expect_rel(two / one, 18.0 / 17.0, 1e-12);
	/* accepting more than proposed is taken as proposed, and said */
	s.model.mtp_layers = 1;
	double all = tpot(&s, 2, 2);
	expect_rel(tpot(&s, 2, 5), all, 1e-12);
	struct result r;
	struct diag_list d;
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect(has_diag(&d, W_SPEC));
	const struct diag *w = find_diag(&d, W_SPEC);
	cr_expect_str_eq(w->fix, "set workload.spec_accepted 2");
}
