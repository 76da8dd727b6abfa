/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One pool, evaluated (serve_ctx.h): the step model's layout and context,
 * the engine's settings and memory, the running batch, and the phases a
 * user sees.  A static batch takes the same path without an engine. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "scenario_resolve.h"
#include "serve_ctx.h"

/* The tokens of the largest pass, what the activations are sized for. */
static double peak_tokens(const struct serve_ctx *c)
{
	/* an engine sizes its activations for a full step of its token budget */
	if (c->engine != ENGINE_NONE)
		return (double)c->eng.max_batched_tokens;
	/* serving prefills one prompt while the other sequences decode */
	if (c->serving)
		return c->step.b_rep - 1.0 + c->step.S_new;
	return step_static_peak_tokens(&c->step);
}

/* The sequences whose logits the last stage holds at once.  An engine
 * sizes that buffer when it starts, from its own limit on running
 * sequences, never from the requests a client sends: vLLM's profile run
 * samples max_num_seqs requests (gpu_model_runner.py, profile_run and
 * _dummy_sampler_run), TensorRT-LLM's runtime buffers take max_batch_size
 * and SGLang's max_running_requests.  Without an engine, the batch. */
static double logit_rows(const struct serve_ctx *c)
{
	if (c->engine != ENGINE_NONE && c->eng.max_seqs > 0)
		return (double)c->eng.max_seqs;
	return c->step.b_rep;
}

void serve_pool_fixed(const struct scenario *rs, const struct param_counts *params, int bad_model,
		      struct result *r, struct serve_ctx *c)
{
	const struct workload *w = &rs->work;
	step_fixed(rs, params, bad_model, r, &c->step);
	if (r->errors)
		return;
	c->serving = w->mode == MODE_SERVING;
	c->decode_only = w->decode_only;
	/* a serving step is one microbatch */
	if (c->serving)
		c->step.m = 1.0;
	/* an engine applies to serving mode only */
	c->engine = c->serving ? w->engine : ENGINE_NONE;
	c->mem_rule = serve_mem_rule(c->engine);
	c->arrival = c->engine != ENGINE_NONE ? w->arrival : ARRIVAL_CLOSED;
	serve_engine_resolve(c->engine, &rs->engine, &rs->hw, rs->strat.tp, &c->eng);
	c->b_run = c->step.b_rep;
	c->step_s = c->eng.step_us * 1e-6;
	c->seq_s = c->eng.seq_us * 1e-6;
	c->frontend_s = c->eng.frontend_ms * 1e-3;
	c->plan = (struct prefill_plan){ .chunks = 1, .group = 1 };
	/* an engine whose KV cache keeps every token of a window layer */
	if (!serve_frees_windows(c->engine))
		c->step.kinds_held = false;
	double ssm_bytes, pool_ratio;
	serve_linear_state(c->engine, &ssm_bytes, &pool_ratio);
	step_set_linear_state(&c->step, ssm_bytes, pool_ratio);
	/* an engine whose prefix cache is off prefills every prompt whole
	 * (build_ctx counted the cache in) */
	if (c->eng.prefix_cache == PREFIX_OFF && c->step.cached > 0)
		step_set_prefix_cache(&c->step, false);
	/* an engine's kernels move the elementwise traffic the plain
	 * roofline leaves out */
	step_set_elementwise(&c->step, c->engine != ENGINE_NONE);
	step_memory_fixed(&c->step, peak_tokens(c), logit_rows(c));
}

void serve_pool_experts(const struct scenario *rs, struct result *r, struct serve_ctx *c,
			const struct pass_part parts[2], bool detail, bool ranking)
{
	struct pass_part own[2];
	struct op_split ops[2][3];

	if (!step_experts(rs, r, &c->step))
		return;
	/* SGLang's default memory fraction follows its instance, which DP
	 * attention widens to dp x tp when the experts span the replicas */
	if (c->engine == ENGINE_SGLANG)
		c->eng.mem_fraction = serve_engine_mem_fraction(c->engine, &rs->engine, &rs->hw, &rs->model, &rs->strat);
	c->step.ranking = ranking;
	step_memory(&c->step, r);
	serve_admit_batch(c, r);
	/* prepared parts are those of the whole batch: a smaller admitted
	 * batch needs its own */
	if (parts && c->b_run != c->step.b_rep)
		parts = NULL;
	if (!parts) {
		serve_pass_parts(c, own, detail ? ops : NULL);
		parts = own;
	}
	serve_phases(c, parts, r);
	r->ok = true;
}

void serve_evaluate(const struct scenario *s, struct result *r, bool detail)
{
	struct scenario rs;
	struct param_counts params;
	struct serve_ctx c;

	scenario_resolve(s, &rs);
	int bad_model = step_check_model(&rs.model);
	if (bad_model == BM_NONE)
		params_count(&rs.model, &params);
	serve_pool_fixed(&rs, &params, bad_model, r, &c);
	serve_pool_experts(&rs, r, &c, NULL, detail, false);
}
