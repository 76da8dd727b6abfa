/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The arithmetic of a running batch and its queues (serve.h): admission
 * into the KV pool, chunked prefill, closed loops and M/D/1 waits, the
 * spread of a closed loop's waves, and what a token costs. */
#include "config.h"

#include <math.h>

#include "serve.h"

double serve_admit(double in_flight, double max_seqs, double pool_tokens, double tokens_per_seq, int *cap)
{
	double b = in_flight;
	*cap = ADMIT_ALL;
	if (max_seqs > 0 && max_seqs < b) {
		b = max_seqs;
		*cap = ADMIT_MAX_SEQS;
	}
	/* as many as the pool holds at what each one takes */
	if (!isnan(pool_tokens) && tokens_per_seq > 0) {
		double fit = floor(pool_tokens / tokens_per_seq);
		if (fit < b) {
			b = fit;
			*cap = ADMIT_KV;
		}
	}
	return b;
}

struct prefill_plan serve_prefill_plan(double S, double tb, double b, bool grouped)
{
	struct prefill_plan p = { .chunks = 1, .group = 1 };
	if (tb <= 0)
		return p;
	if (S > tb) {
		p.chunks = ceil(S / tb);
		return p;
	}
	if (grouped)
		p.group = fmax(1.0, fmin(b, floor(tb / S)));
	return p;
}

double serve_mixed_share(double b, double O, struct prefill_plan pp)
{
	double w = b * pp.chunks / (pp.group * O);
	return w < 1.0 ? w : 1.0;
}

double serve_closed_ttft(double n, double b, double ttft0, double O, double tpot, double prefill_rate)
{
	double l1 = ttft0 + O * tpot;
	double x = b / l1;   /* requests finished per second with every slot busy */
	if (prefill_rate > 0 && prefill_rate < x)
		x = prefill_rate;
	/* each of the n requests of the loop comes round every n / x seconds */
	double ttft = n / x - O * tpot;
	return ttft > ttft0 ? ttft : ttft0;
}

double serve_closed_prefill_wait(double b, double p, double t, double l0)
{
	if (b <= 1 || p <= 0 || t <= 0)
		return 0;
	/* w = rho t / (2 (1 - rho)) with rho = b p / (l0 + w) is
	 * 2 w^2 + 2 x w - c = 0: x = l0 - b p, c = b p t */
	double x = l0 - b * p, c = b * p * t;
	double root = sqrt(x * x + 2.0 * c);
	/* the two forms of the positive root: neither subtracts near equals */
	double w = x > 0 ? c / (x + root) : (root - x) / 2.0;
	double most = (b - 1.0) * t;
	return w < most ? w : most;
}

double serve_md1_wait(double rho, double t)
{
	if (rho <= 0)
		return 0;
	if (rho >= 1)
		return INFINITY;
	return rho * t / (2.0 * (1.0 - rho));
}

double serve_usd_per_mtok(double usd_per_gpu_hour, double tokens_per_s_per_gpu)
{
	/* an hour of one GPU buys 3600 x its rate of tokens */
	return usd_per_gpu_hour / (3600.0 * tokens_per_s_per_gpu) * 1e6;
}

double serve_joules_per_token(double watts, double tokens_per_s_per_gpu)
{
	return watts / tokens_per_s_per_gpu;
}

static double wave_at(const struct serve_spread *x, double j)
{
	return x->wave_base + j * x->step_s;
}

static double spread_ttft(const struct serve_spread *x, double q)
{
	double s = fmax(1.0, x->steps), w1 = x->first;
	if (w1 >= 1.0)
		return wave_at(x, ceil(q * s)) + x->shift;
	/* the wave's prompts done before the steady TTFT, and those by it */
	double d = (x->steady - x->wave_base) / x->step_s;
	double lt = fmin(s, fmax(0.0, ceil(d) - 1.0)), le = fmin(s, fmax(0.0, floor(d)));
	double t;
	if (q <= w1 * lt / s)
		t = wave_at(x, ceil(q * s / w1));
	else if (q <= w1 * le / s + (1.0 - w1))
		t = x->steady;
	else
		t = wave_at(x, fmin(s, ceil((q - (1.0 - w1)) * s / w1)));
	return t + x->shift;
}

void serve_spread_percentiles(const struct serve_spread *x, double ttft_s[3], double tpot_ms[3])
{
	static const double q[3] = { 0.50, 0.90, 0.99 };
	double s = fmax(1.0, x->steps);
	if (!(x->step_s > 0) || !isfinite(x->step_s) || !isfinite(x->steady + x->shift + x->tpot_clean))
		return;
	for (int i = 0; i < 3; i++) {
		ttft_s[i] = spread_ttft(x, q[i]);
		double wait = x->separate ? (ceil(q[i] * s) - 1.0) * x->step_s / fmax(x->O, 1.0) : 0.0;
		tpot_ms[i] = 1000.0 * (x->tpot_clean + wait);
	}
}
