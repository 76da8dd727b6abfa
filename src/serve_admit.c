/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The running batch of an engine (serve_ctx.h): the KV pool it sets aside
 * on each device under its memory rule, the sequences that pool and its
 * limits admit, and their KV cache in each device's memory. */
#include "config.h"

#include <math.h>

#include "serve_ctx.h"

#define GIB 1073741824.0

/* Tokens of KV cache a replica's pool holds: the smallest device's.  The
 * step model gave each device's weights and activations in GiB; a power
 * of two scales them back exactly. */
static double pool_tokens(const struct serve_ctx *c, const struct result *r)
{
	double tokens_min = NAN;
	for (int d = 0; d < r->n_devices; d++) {
		const struct device_mem *dv = &r->dev[d];
		int k = step_class_of(&c->step, r, d);
		double capacity = dv->capacity_gib * GIB, reserved = dv->reserved_gib * GIB;
		double w = dv->weights_gib * GIB, act = dv->act_gib * GIB;
		double pool = serve_kv_pool_bytes(c->mem_rule, c->eng.mem_fraction, capacity, w, act, reserved);
		double tokens = pool <= 0 ? 0 : floor(pool * c->step.cmem[k].tokens_per_byte);
		if (d == 0 || tokens < tokens_min)
			tokens_min = tokens;
	}
	return tokens_min;
}

void serve_admit_batch(struct serve_ctx *c, struct result *r)
{
	const struct step_ctx *k = &c->step;
	c->b_run = k->b_rep;
	c->kv_per_running = 1.0;
	c->plan = (struct prefill_plan){ .chunks = 1, .group = 1 };
	r->running_per_replica = c->serving ? k->b_rep : NAN;
	if (c->engine == ENGINE_NONE)
		return;

	/* the room is the engine's pool, no longer whole sequences */
	r->kv_capacity_tokens = pool_tokens(c, r) * k->dp;
	double pool = r->kv_capacity_tokens / k->dp;
	/* a paged engine's sequence holds its prompt and what it has
	 * generated: half the output on average over its life */
	double per_seq = k->S + (c->eng.admit == ADMIT_RULE_PAGED ? k->O / 2.0 : k->O);
	/* the pool counts tokens of whole-length sequences; a sequence of
	 * per_seq tokens holds what its layers' kinds keep of them */
	if (k->kinds)
		per_seq = step_seq_pool_bytes(k, per_seq) * (k->S + k->O) / step_seq_pool_bytes(k, k->S + k->O);
	/* an open stream has no fixed number in flight: the cap is what the
	 * engine could run, the phases find how many do */
	double in_flight = c->arrival == ARRIVAL_POISSON ? INFINITY : k->b_rep;
	int cap;
	double b = serve_admit(in_flight, (double)c->eng.max_seqs, pool, per_seq, &cap);
	r->admit_none = b < 1;
	if (b < 1)
		b = 1;
	c->b_run = b;
	c->plan = serve_prefill_plan(k->S_new, (double)c->eng.max_batched_tokens, b, false);
	r->running_per_replica = b;
	r->admit_cap = cap;
	r->kv_capacity_seqs = floor(pool / per_seq) * k->dp;
	c->kv_per_running = per_seq / (k->S + k->O);   /* of a whole sequence's KV */

	/* the KV cache the running batch holds, in each device's memory */
	r->max_total_gib = 0;
	for (int d = 0; d < r->n_devices; d++) {
		struct device_mem *dv = &r->dev[d];
		dv->kv_gib = b * c->kv_per_running * k->cmem[step_class_of(k, r, d)].kv_per_seq / GIB;
		dv->total_gib = dv->weights_gib + dv->kv_gib + dv->act_gib + dv->reserved_gib;
		if (d == 0 || dv->total_gib > r->max_total_gib) {
			r->max_total_gib = dv->total_gib;
			r->worst_device = d;
		}
	}
}
