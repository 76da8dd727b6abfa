/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disaggregated serving (deploy_disagg.h).
 *
 * The decode pool is evaluated as a serving deployment whose steps carry
 * no prompt, at its share of the concurrency; the prefill pool as a static
 * prefill of the prompts one of its replicas takes a step (whole prompts up
 * to the engine's token budget, one without an engine).  A request then
 * lives
 *
 *   TTFT = wait for a prefill replica + its prefill step + KV transfer + front end
 *
 * and O decode steps.  The prefill pool starts at most
 * mu = prefill_workers x prefill dp x prompts per step / step requests a
 * second, the decode pool holds its admitted sequences; a closed loop of B
 * requests runs x = B / (TTFT + O x TPOT) a second (Little's law), the
 * prefill wait an M/D/1 queue at x / mu, solved as a damped fixed point.
 * The KV cache of a request (prompt x bytes per token, the whole model) goes
 * from the prefill replica's tp x pp GPUs to the decode replica's over the
 * links of the smaller side: NVLink when both pools fit in one scale-up
 * domain (hardware.gpus_per_node), the network otherwise. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "deploy_disagg.h"
#include "serve_ctx.h"

struct strategy disagg_prefill_strategy(const struct scenario *s)
{
	const struct disagg *g = &s->disagg;
	struct strategy st = s->strat;
	bool own = g->dp || g->tp || g->pp || g->ep;
	if (g->dp)
		st.dp = g->dp;
	if (g->tp)
		st.tp = g->tp;
	if (g->pp)
		st.pp = g->pp;
	if (g->ep)
		st.ep = g->ep;
	/* a strategy of its own folds its experts its own way unless told */
	st.etp = g->etp ? g->etp : own ? 0 : s->strat.etp;
	return st;
}

/* x requests/s of a closed loop of B in flight, each living t0 + the
 * prefill wait + O x tpot; at most cap. */
static double closed_rate(double B, double t0, double O, double tpot, double mu, double t_pf, double cap)
{
	double x = fmin(B / (t0 + O * tpot), cap);
	for (int i = 0; i < 100; i++) {
		double rho = fmin(x / mu, 1.0 - 1e-9);
		double next = fmin(B / (t0 + serve_md1_wait(rho, t_pf) + O * tpot), cap);
		if (fabs(next - x) <= 1e-12 * x)
			return next;
		x = 0.5 * (x + next);
	}
	return x;
}

static void clear_figures(struct result *r)
{
	r->ttft_s = r->tpot_ms = r->tpot_max_ms = r->tokens_per_ms_per_gpu = r->output_tokens_per_s = NAN;
	r->prefill_tokens_per_s = r->decode_tokens_per_s = r->e2e_latency_s = r->tokens_per_s_per_user = NAN;
	r->output_tokens_per_s_per_gpu = r->usd_per_mtok = r->joules_per_token = NAN;
}

void disagg_evaluate(const struct scenario *s, struct result *r, bool detail)
{
	struct scenario d = *s, p = *s;
	struct result pr;
	const struct disagg *g = &s->disagg;
	double Wd = (double)(g->decode_workers > 0 ? g->decode_workers : 1);
	double Wp = (double)(g->prefill_workers > 0 ? g->prefill_workers : 1);
	double B = (double)s->work.batch, S = (double)s->work.prompt_len, O = (double)s->work.output_len;

	/* the decode pool: its share of the requests, steps without prompts */
	d.work.mode = MODE_SERVING;
	d.work.decode_only = true;
	d.work.batch = (long)ceil(B / Wd);
	serve_evaluate(&d, r, detail);

	/* the prefill pool: whole prompts up to the engine's token budget a step */
	struct engine_cfg eng;
	serve_engine_resolve(s->work.engine, &s->engine, &s->hw, s->strat.tp, &eng);
	double per_step = 1;
	if (s->work.engine != ENGINE_NONE && eng.max_batched_tokens > 0)
		per_step = fmax(1.0, floor((double)eng.max_batched_tokens / S));
	p.strat = disagg_prefill_strategy(s);
	/* its own GPU when it has one */
	bool own_gpu = s->disagg.hw_name[0] && s->disagg.hw.name[0];
	if (own_gpu)
		p.hw = s->disagg.hw;
	p.work.mode = MODE_STATIC;
	p.work.microbatches = 1;
	p.work.batch = (long)per_step * p.strat.dp;
	serve_evaluate(&p, &pr, detail);

	struct disagg_figures *f = &r->dis;
	memset(f, 0, sizeof *f);
	f->on = true;
	f->decode_gpus = Wd * (double)(s->strat.dp * s->strat.tp * s->strat.pp);
	f->prefill_gpus = Wp * (double)(p.strat.dp * p.strat.tp * p.strat.pp);
	f->prefill_ok = pr.ok;
	f->prefill_errors = pr.errors;
	f->prompts_per_step = per_step;
	f->prefill_mem_gib = pr.max_total_gib;
	f->prefill_capacity_gib = pr.capacity_gib;
	f->prefill_bottleneck = pr.prefill.bottleneck;
	f->prefill = pr.prefill;
	r->gpus = f->decode_gpus + f->prefill_gpus;
	long gpn = s->hw.gpus_per_node > 0 ? s->hw.gpus_per_node : 1;
	long pgpn = own_gpu && p.hw.gpus_per_node > 0 ? p.hw.gpus_per_node : gpn;
	r->nodes = ceil(f->decode_gpus / (double)gpn) + ceil(f->prefill_gpus / (double)pgpn);
	if (!own_gpu && r->gpus <= (double)gpn)
		r->nodes = 1;
	if (!pr.ok) {
		r->errors |= CE_PREFILL;
		r->ok = false;
	}
	if (!r->ok) {
		clear_figures(r);
		return;
	}

	/* the KV cache of one request, over the links of the smaller side */
	f->transfer_bytes = S * r->kv_bytes_per_token;
	/* two kinds of GPU are two kinds of machine: the network between them */
	f->transfer_intra = !own_gpu && r->gpus <= (double)gpn;
	double bw = (f->transfer_intra ? s->hw.intra_gbps : fmin(s->hw.inter_gbps, p.hw.inter_gbps)) * 1e9;
	double lat = (f->transfer_intra ? s->hw.intra_lat_us : fmax(s->hw.inter_lat_us, p.hw.inter_lat_us)) * 1e-6;
	double links = fmin((double)(p.strat.tp * p.strat.pp), (double)(s->strat.tp * s->strat.pp));
	f->transfer_s = bw > 0 ? f->transfer_bytes / (links * bw) + lat : 0;

	double tpot = r->tpot_ms / 1000.0;
	double t_pf = pr.ttft_s;   /* the prompts of a step, prefilled (and the user's overhead) */
	f->frontend_s = eng.frontend_ms * 1e-3;
	double t0 = t_pf + f->transfer_s + f->frontend_s;
	double mu = Wp * (double)p.strat.dp * per_step / t_pf;
	/* the decode pool runs what it admits: the rest wait for a slot */
	double running = Wd * (double)s->strat.dp * r->running_per_replica;
	double dcap = running / (O * tpot);
	f->prefill_step_s = t_pf;
	f->prefill_rate_max = mu;
	r->max_rate = fmin(mu, dcap);

	double x, ttft;
	r->overloaded = false;
	if (s->work.arrival == ARRIVAL_POISSON && s->work.engine != ENGINE_NONE) {
		x = s->work.rate;
		r->overloaded = x >= mu || x > dcap;
		ttft = r->overloaded ? INFINITY : t0 + serve_md1_wait(x / mu, t_pf);
		if (r->overloaded)
			x = r->max_rate;
	} else {
		x = closed_rate(B, t0, O, tpot, mu, t_pf, r->max_rate);
		/* Little's law: all of a request's life that is not decode */
		ttft = fmax(t0, B / x - O * tpot);
	}
	f->queue_s = isfinite(ttft) ? ttft - t0 : INFINITY;
	f->prefill_util = x / mu;

	r->ttft_s = ttft;
	r->ttft_wait_s = r->queue_wait_s = f->queue_s;
	r->requests_per_s = x;
	r->prefill_tokens_per_s = x * S;
	r->decode_tokens_per_s = x * O;
	r->output_tokens_per_s = x * O;
	r->tokens_per_ms_per_gpu = x * O / 1000.0 / r->gpus;
	r->e2e_latency_s = ttft + O * tpot;
	r->tokens_per_s_per_user = 1000.0 / r->tpot_ms;
	r->output_tokens_per_s_per_gpu = x * O / r->gpus;
	r->usd_per_mtok = serve_usd_per_mtok(s->hw.usd_per_gpu_hour, r->output_tokens_per_s_per_gpu);
	r->joules_per_token = serve_joules_per_token(s->hw.watts, r->output_tokens_per_s_per_gpu);
	/* the prefill phase as shown: the prefill pool's pass, at the TTFT */
	r->prefill = pr.prefill;
	r->prefill.time_s = ttft;
}
