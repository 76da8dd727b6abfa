/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the steps of a running batch add up to what a user sees
 * (serve_ctx.h): the decode step and the step that carries a prompt at the
 * admitted batch, the engine's host side, a closed loop's waves, a Poisson
 * stream's fixed point, and TTFT, TPOT, their percentiles and the rates.
 * Each step's time comes from the step model. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "serve_ctx.h"

/* The serving passes at b sequences per replica: a decode step, and the
 * step that also carries prompts (plan: a chunk of one prompt, or a group
 * of whole prompts; one whole prompt without an engine). */
static void serving_passes(const struct serve_ctx *c, double b, struct prefill_plan pl, struct pass p[2])
{
	double ctx = c->step.S + c->step.O / 2.0;
	double g = pl.group;
	/* a decoding sequence puts 1 + k tokens through the layers and the
	 * head: its next token and the k drafts it verifies */
	double v = 1.0 + c->step.spec_k;
	p[0] = (struct pass){ .T = b * v, .dec = b, .c = ctx, .lm = b * v };
	if (pl.chunks > 1) {
		/* one chunk of the prompt rides along with every other sequence */
		p[1] = (struct pass){ .T = c->step.S_new / pl.chunks + (b - 1.0) * v, .dec = b - 1.0, .c = ctx,
				      .pre = 1.0 / pl.chunks, .lm = (b - 1.0) * v + 1.0 };
		return;
	}
	p[1] = (struct pass){ .T = g * c->step.S_new + (b - g) * v, .dec = b - g, .c = ctx, .pre = g,
			      .lm = (b - g) * v + g };
}

/* The workload's two passes: prefill and decode (static), or decode and
 * the mixed step (serving). */
static void passes(const struct serve_ctx *c, struct pass p[2])
{
	if (c->serving) {
		serving_passes(c, c->b_run, c->plan, p);
		return;
	}
	step_static_passes(&c->step, p);
}

void serve_pass_parts(const struct serve_ctx *c, struct pass_part pt[2], struct op_split (*ops)[3])
{
	struct pass p[2];
	passes(c, p);
	for (int i = 0; i < 2; i++)
		step_pass_part(&c->step, &p[i], &pt[i], ops ? ops[i] : NULL);
}

/* Serving TPOT: decode steps, of which a share b/O also carries a prompt. */
static double serving_tpot(double t_dec, double t_mix, double b, double O)
{
	return t_dec + (b / O) * (t_mix - t_dec);
}

/* What the engine's host side adds to a step of b sequences. */
static double host_s(const struct serve_ctx *c, double b)
{
	return c->step_s + c->seq_s * b;
}

/* The two serving steps at b sequences per replica, without a split:
 * for the fixed point of an open stream. */
static void steps_at(const struct serve_ctx *c, double b, double *t_dec, double *t_mix)
{
	struct pass p[2];
	struct pass_part pt;
	struct phase ph;
	struct layer_comm lc;
	struct stage_times st;

	serving_passes(c, b, c->plan, p);
	step_pass_part(&c->step, &p[0], &pt, NULL);
	step_pass_finish(&c->step, &pt, &ph, &lc, &st);
	double verify = ph.stage_sum_s + host_s(c, b);
	step_pass_part(&c->step, &p[1], &pt, NULL);
	step_pass_finish(&c->step, &pt, &ph, &lc, &st);
	/* per token; the prompt's own work in the mixed step stays whole */
	*t_dec = step_per_token(&c->step, verify);
	*t_mix = *t_dec + (ph.stage_sum_s + host_s(c, b) - verify);
}

/* The time of one pass (no split), host side included for `seqs`. */
static double pass_time(const struct serve_ctx *c, const struct pass *p, double seqs)
{
	struct pass_part pt;
	struct phase ph;
	struct layer_comm lc;
	struct stage_times st;

	step_pass_part(&c->step, p, &pt, NULL);
	step_pass_finish(&c->step, &pt, &ph, &lc, &st);
	return ph.stage_sum_s + host_s(c, seqs);
}

/* b prompts that arrive at once are prefilled a full step of the token
 * budget at a time (whole prompts, or chunks of a longer one), each done
 * when its last step is: `steps` steps of `step_s` each. */
struct wave {
	double steps, step_s;
};

static struct wave wave_of(const struct serve_ctx *c, double b)
{
	/* the prompts a full step carries together, or a step of a longer one */
	double S = c->step.S_new, tb = (double)c->eng.max_batched_tokens;
	struct prefill_plan all = serve_prefill_plan(S, tb, b, true);
	double tokens = all.chunks > 1 ? tb : all.group * S;
	struct pass p = { .T = tokens, .pre = tokens / S, .lm = mind(b, ceil(tokens / S)) };
	return (struct wave){ .steps = ceil(b * S / tokens), .step_s = pass_time(c, &p, p.lm) };
}

/* The mean TTFT of a wave: its prompts are done after 1, 2, ... steps. */
static double wave_ttft(struct wave v)
{
	return (v.steps + 1.0) / 2.0 * v.step_s;
}

/* What a wave's prefill adds to each of its requests' decode when an
 * engine runs the waiting prefill before any decode step: a prompt done
 * after its j-th step waits for the other steps - j before its second
 * token, (steps - 1) / 2 steps on average, spread over its O tokens. */
static double wave_stall(struct wave v, double O)
{
	return (v.steps - 1.0) / 2.0 * v.step_s / maxd(O, 1.0);
}

struct serving_out {
	double b, tpot, ttft, wait;
};

/* A Poisson stream of lambda requests/s per replica: how many are in
 * flight follows from how long each lives (Little's law), which depends
 * on how many are in flight; a damped fixed point, a bounded number of
 * steps.  Prompts wait for a step to carry them like an M/D/1 queue. */
static bool poisson(const struct serve_ctx *c, double lambda, struct serving_out *o)
{
	double b = 1, cap = c->b_run;
	double n = c->plan.chunks;
	bool stable = true;
	for (int i = 0; i < 60; i++) {
		double t_dec, t_mix;
		/* fewer than one in flight on average: the steps are those of one */
		steps_at(c, maxd(1.0, b), &t_dec, &t_mix);
		double share = c->decode_only ? 0 : mind(1.0, lambda * n * t_dec);
		double tpot = t_dec + share * (t_mix - t_dec);
		/* the prefill work is the marginal time of the steps that carry it */
		double rho = c->decode_only ? 0 : lambda * n * maxd(t_mix - t_dec, 0.0);
		o->wait = serve_md1_wait(rho, n * t_mix);
		o->ttft = o->wait + t_dec / 2.0 + (c->eng.scheduler == SCHED_OVERLAP ? t_dec : 0) + n * t_mix + c->frontend_s;
		o->tpot = tpot;
		double in_flight = lambda * (o->ttft + c->step.O * tpot);
		o->b = in_flight;
		stable = rho < 1 && in_flight <= cap;
		if (!stable)
			return false;
		double next = 0.5 * (b + in_flight);
		if (fabs(next - b) <= 1e-12 * b)
			break;
		b = next;
	}
	return stable;
}

static void serving_phases(const struct serve_ctx *c, const struct pass_part pt[2], struct result *r)
{
	const struct workload *w = &c->step.s->work;
	const struct pass *dec = &pt[0].p, *mix = &pt[1].p;
	double b = c->b_run, n = c->plan.chunks;
	struct stage_times st;
	bool engine = c->engine != ENGINE_NONE;

	/* the passes go straight where they end: the mixed step is the
	 * prompt's pass, the decode step is blended with it below */
	step_pass_finish(&c->step, &pt[0], &r->decode, &r->comm_decode, &st);
	step_pass_finish(&c->step, &pt[1], &r->prefill, &r->comm_prefill, &st);
	double verify = r->decode.stage_sum_s + host_s(c, b);
	/* per token: with speculation a step emits 1 + a tokens a sequence;
	 * the prompt's own work in the mixed step stays whole */
	double t_dec = step_per_token(&c->step, verify), t_mix = t_dec + (r->prefill.stage_sum_s + host_s(c, b) - verify);
	/* a request that comes in while the engine runs a step it had
	 * scheduled before it came waits for that step as well */
	double late = c->eng.scheduler == SCHED_OVERLAP ? t_dec : 0;
	/* Over one request's O steps, b new prompts arrive: in groups that
	 * share a step, each prompt in `n` chunks; without an engine one
	 * whole prompt a step and no bound (v1) */
	double w_mix = engine ? serve_mixed_share(b, c->step.O, c->plan) : b / c->step.O;
	/* a closed loop whose wave forms again every round prefills it while
	 * no one decodes, then decodes it with no prompt in the way */
	bool waves = engine && c->arrival == ARRIVAL_CLOSED && c->eng.prefill == PREFILL_SEPARATE;
	if (waves || c->decode_only)
		w_mix = 0;
	/* ... but the prompts that wave prefilled first wait for the rest of
	 * it before their decode starts */
	struct wave v = { 0, 0 };
	if (engine && c->arrival == ARRIVAL_CLOSED)
		v = wave_of(c, b);
	double stall = waves && !c->decode_only ? wave_stall(v, c->step.O) : 0;
	double tpot = serving_tpot(t_dec, t_mix, w_mix, 1.0) + stall;
	double overhead = w->ttft_overhead_ms / 1000.0;
	double ttft, wait;

	if (!engine) {
		/* Prompts queue for the mixed steps like an M/D/1 server. */
		double rho = mind(0.95, w_mix * (t_mix - t_dec) / tpot);
		if (rho < 0)
			rho = 0;
		wait = rho * t_mix / (2.0 * (1.0 - rho));
		ttft = t_mix + wait + t_dec / 2.0 + overhead;
		r->requests_per_s = c->step.B / (ttft + c->step.O * tpot);
	} else if (c->arrival == ARRIVAL_CLOSED) {
		/* A closed loop of equal requests arrives in waves: a group of
		 * prompts lands together, waits for the running step to end and
		 * is prefilled in the next `n`; requests beyond the admitted
		 * batch wait for a slot (serve_closed_ttft).  A prompt comes as
		 * the step that ended its predecessor hands out the last token,
		 * when the engine has started the next one: it waits for that
		 * whole step, not half of one as a random arrival would, and
		 * for one more when that step was scheduled before it came. */
		double steady = t_dec + late + n * t_mix + c->frontend_s + overhead;
		/* a prompt that lands while others' prefill runs waits for it:
		 * the loop's prompts come b a life, each its marginal time */
		steady += serve_closed_prefill_wait(b, n * maxd(t_mix - t_dec, 0.0), n * t_mix, steady + c->step.O * tpot);
		/* The loop starts with every request at once: that wave is
		 * prefilled a group (or a chunk) a step, and weighs one round
		 * of the requests the benchmark sends. */
		double wave = wave_ttft(v) + c->frontend_s + overhead;
		double rounds = maxd(1.0, (double)w->requests / (c->step.dp * c->step.b_rep));
		/* prefill batches apart from decode gather every request that
		 * waits when they start: the wave forms again every round, and
		 * comes while the step after the last one runs */
		if (c->eng.prefill == PREFILL_SEPARATE) {
			rounds = 1;
			wave += late;
		}
		double ttft0 = (wave + (rounds - 1.0) * steady) / rounds;
		/* the most prompts a second the replica can start: every step
		 * carrying prefill, each prompt its marginal time */
		double prefill_rate = 1.0 / (n * maxd(t_mix - t_dec, 1e-12));
		ttft = serve_closed_ttft(c->step.b_rep, b, ttft0, c->step.O, tpot, prefill_rate);
		/* none when the loop never waits for a slot: not the rounding
		 * of a difference of two equal sums */
		wait = ttft - ttft0;
		if (wait <= 1e-12 * ttft)
			wait = 0;
		if (!c->step.ranking && !c->decode_only) {
			struct serve_spread x = { .steps = v.steps, .step_s = v.step_s, .wave_base = wave - wave_ttft(v),
						  .steady = steady, .first = 1.0 / rounds, .shift = wait,
						  .tpot_clean = tpot - stall, .O = c->step.O, .separate = waves };
			serve_spread_percentiles(&x, r->ttft_pct_s, r->tpot_pct_ms);
		}
		/* the requests in flight, whichever replica they are on */
		r->requests_per_s = c->step.B / (ttft + c->step.O * tpot);
	} else {
		struct serving_out o;
		double lambda = w->rate / c->step.dp;
		r->overloaded = !poisson(c, lambda, &o);
		/* the most this deployment serves: every admitted slot busy */
		double t_dec_cap, t_mix_cap;
		steps_at(c, c->b_run, &t_dec_cap, &t_mix_cap);
		double tpot_cap = t_dec_cap + mind(1.0, c->b_run * n / c->step.O) * (t_mix_cap - t_dec_cap);
		r->max_rate = c->step.dp * mind(c->b_run / (c->step.O * tpot_cap + n * t_mix_cap),
					   1.0 / (n * maxd(t_mix_cap - t_dec_cap, 1e-12)));
		tpot = o.tpot;
		b = o.b;
		wait = r->overloaded ? INFINITY : o.wait;
		ttft = r->overloaded ? INFINITY : o.ttft + overhead;
		r->running_per_replica = b;
		r->requests_per_s = r->overloaded ? r->max_rate : w->rate;
	}
	r->queue_wait_s = wait;
	/* all of the TTFT but the prompt's own steps and the front end: the
	 * slot, the steps running when it came, the prompts ahead of it */
	r->ttft_wait_s = isfinite(ttft) ? maxd(0.0, ttft - n * t_mix - c->frontend_s - overhead) : INFINITY;

	/* off the GPU in a step: the engine's host side (per token, as the
	 * step is), and in a wave the wait for the rest of its prefill */
	step_blend(&r->decode, &r->prefill, w_mix);
	r->decode.time_s = tpot;
	step_split(&r->decode, 1.0 / c->step.pp, step_per_token(&c->step, host_s(c, b)) + stall);

	/* The split describes the prompt's own pass; queueing is not in it. */
	r->prefill.time_s = t_mix;
	if (c->step.ranking)
		step_no_split(&r->prefill);
	else
		step_split(&r->prefill, 1.0 / c->step.pp, step_per_token(&c->step, host_s(c, c->b_run)));
	r->prefill.time_s = ttft;

	if (c->step.ranking)
		return;
	/* At full context every layer's core grows by the same amount. */
	struct pass dec_full = *dec, mix_full = *mix;
	dec_full.c = mix_full.c = c->step.S + c->step.O;
	double t_dec_full = step_per_token(&c->step, verify + c->step.L * (step_core_time(&c->step, &dec_full) - step_core_time(&c->step, dec)));
	double t_mix_full = t_dec_full + (t_mix - t_dec) + c->step.L * (step_core_time(&c->step, &mix_full) - step_core_time(&c->step, mix)) -
			    c->step.L * (step_core_time(&c->step, &dec_full) - step_core_time(&c->step, dec));
	r->tpot_max_ms = 1000.0 * (serving_tpot(t_dec_full, t_mix_full, w_mix, 1.0) + stall);
}

void serve_phases(const struct serve_ctx *c, const struct pass_part pt[2], struct result *r)
{
	if (c->serving)
		serving_phases(c, pt, r);
	else
		step_static_phases(&c->step, pt, r);

	r->ttft_s = r->prefill.time_s;
	r->prefill_tokens_per_s = c->step.B * c->step.S / r->ttft_s;
	r->tpot_ms = 1000.0 * r->decode.time_s;
	/* decode runs the admitted batch: the rest of the requests wait */
	double running = c->engine != ENGINE_NONE ? mind(c->step.B, r->running_per_replica * c->step.dp) : c->step.B;
	r->decode_tokens_per_s = running / r->decode.time_s;
	r->tokens_per_ms_per_gpu = r->decode_tokens_per_s / 1000.0 / r->gpus;
	/* Static: one batch end to end.  Serving: B requests in flight, each
	 * living TTFT + O*TPOT (Little's law gives the same expression). */
	r->e2e_latency_s = r->ttft_s + c->step.O * r->decode.time_s;
	if (c->engine != ENGINE_NONE) {
		r->prefill_tokens_per_s = r->requests_per_s * c->step.S;
		r->output_tokens_per_s = r->requests_per_s * c->step.O;
	} else {
		r->output_tokens_per_s = c->step.B * c->step.O / r->e2e_latency_s;
	}
	/* the plane of the throughput-interactivity frontier, which a
	 * search ranks by too; what it costs is not */
	r->tokens_per_s_per_user = 1000.0 / r->tpot_ms;
	r->output_tokens_per_s_per_gpu = r->output_tokens_per_s / r->gpus;
	if (c->step.ranking)
		return;
	r->usd_per_mtok = serve_usd_per_mtok(c->step.s->hw.usd_per_gpu_hour, r->output_tokens_per_s_per_gpu);
	r->joules_per_token = serve_joules_per_token(c->step.s->hw.watts, r->output_tokens_per_s_per_gpu);
}
