/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "deploy_pack.h"
#include "evaluate.h"
#include "numfmt.h"
#include "recommend.h"
#include "report.h"
#include "search.h"
#include "serve.h"
#include "strategy_parse.h"

struct rec_ctx {
	struct scenario s;
	const struct recommend_opts *o;
	struct recommendation *best;
	const long *batches;
	int n_batches;
};

static bool meets(const struct scenario *s, const struct result *r)
{
	return search_requirements_met(s, r, NAN);
}

/* Fewer GPUs wins; among equals, more headroom, then the smaller degrees. */
static bool better(const struct recommendation *a, const struct recommendation *b)
{
	if (!b->found)
		return true;
	if (a->gpus != b->gpus)
		return a->gpus < b->gpus;
	if (a->idle != b->idle)   /* of equal hosts, the one that runs more of them */
		return a->idle < b->idle;
	if (a->headroom != b->headroom)
		return a->headroom > b->headroom;
	const long ka[6] = { a->dp, a->tp, a->pp, a->ep, a->etp, a->batch };
	const long kb[6] = { b->dp, b->tp, b->pp, b->ep, b->etp, b->batch };
	for (int i = 0; i < 6; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i];
	return false;
}

/* With an engine, each replica meets an open stream of rate/replicas: its
 * TTFT and TPOT there, or false when that stream is more than it serves
 * or misses the requirements. */
static bool open_loop(struct rec_ctx *x, long replicas, struct recommendation *c)
{
	static struct result r;
	struct scenario s = x->s;
	s.work.arrival = ARRIVAL_POISSON;
	s.work.rate = x->o->rate / (double)replicas;
	cost_evaluate(&s, &r);
	x->best->evaluated++;
	if (!r.ok || r.overloaded || !meets(&s, &r))
		return false;
	c->ttft_s = r.ttft_s;
	c->tpot_ms = r.tpot_ms;
	c->open_loop = true;
	return true;
}

/* The replica counts recommend tries for one candidate. */
struct replica_try {
	struct rec_ctx *x;
	struct recommendation *c;
};

/* open_loop fills c only when the count passes */
static bool replicas_pass(void *ctx, long n)
{
	struct replica_try *t = ctx;
	return open_loop(t->x, n, t->c);
}

/* The fewest replicas whose open streams are served within the
 * requirements: from n0 (what the closed loop needs) up to those that
 * could still beat the best so far, or a thousand times n0, past which a
 * replica's stream is a trickle and what does not pass never does.  Fewer
 * requests a second a replica never queue more, so the counts that pass
 * are those from one on.  0 when none does; c holds the count's figures. */
static long fewest_replicas(struct rec_ctx *x, double replica_gpus, long n0, struct recommendation *c)
{
	double most = fmin(1024.0 * (double)n0, 1e12);
	if (x->best->found)
		most = fmin(most, floor(x->best->gpus / replica_gpus));
	struct replica_try t = { x, c };
	/* the answer is the last count that passed: c holds its figures */
	return search_least_passing(n0, (long)most, replicas_pass, &t);
}

static void consider(struct rec_ctx *x, const struct result *r, long batch)
{
	struct recommendation c = { .found = true };
	const struct strategy *st = &x->s.strat;
	c.dp = st->dp;
	c.tp = st->tp;
	c.pp = st->pp;
	c.ep = st->ep;
	c.etp = r->etp;
	c.batch = batch;
	c.replica_rate = r->requests_per_s;
	if (!(c.replica_rate > 0))
		return;
	c.replicas = (long)ceil(x->o->rate / c.replica_rate);
	if (c.replicas < 1)
		c.replicas = 1;
	c.ttft_s = r->ttft_s;
	c.tpot_ms = r->tpot_ms;
	c.usd_per_mtok = r->usd_per_mtok;
	c.joules_per_token = r->joules_per_token;
	/* an open stream at the closed loop's rate queues more: as many
	 * replicas more as it takes to serve it within the requirements */
	if (x->s.work.engine != ENGINE_NONE) {
		c.replicas = fewest_replicas(x, r->gpus, c.replicas, &c);
		if (c.replicas < 1)
			return;
	}
	/* whole hosts, replicas kept inside a domain: what is paid for */
	struct packing pk;
	deploy_pack(c.replicas, (long)r->gpus, x->s.hw.gpus_per_node, scenario_gpus_per_host(&x->s.hw), &pk);
	c.replica_gpus = r->gpus;
	c.gpus = (double)pk.gpus;
	c.hosts = pk.hosts;
	c.idle = pk.idle;
	c.headroom = (double)c.replicas * c.replica_rate / x->o->rate - 1.0;
	if (better(&c, x->best)) {
		long evaluated = x->best->evaluated;
		*x->best = c;
		x->best->evaluated = evaluated;
	}
}

static void visit(void *ctx, const struct candidate *cand)
{
	static struct result r;
	struct rec_ctx *x = ctx;
	candidate_apply(cand, &x->s);
	for (int i = 0; i < x->n_batches; i++) {
		if (!search_batch_useful(x->batches, x->n_batches, i, cand->dp))
			continue;
		x->s.work.batch = x->batches[i];
		cost_evaluate(&x->s, &r);
		x->best->evaluated++;
		if (!r.ok || r.max_total_gib > r.capacity_gib || r.admit_none)
			break;
		search_reach_add(&x->best->reach, &r);
		if (meets(&x->s, &r))
			consider(x, &r, x->batches[i]);
	}
}

void recommend_run(const struct scenario *s, const struct recommend_opts *o, struct recommendation *out)
{
	static struct rec_ctx x;
	static long batches[SEARCH_BATCHES_MAX];
	int nb = 0;

	search_stop_start(o->stop, s, 0, o->max_gpus);
	memset(out, 0, sizeof *out);
	search_reach_init(&out->reach);
	x.s = *s;
	x.s.work.mode = MODE_SERVING;
	x.s.work.microbatches = 1;
	/* each replica is first a closed loop at a concurrency; the open
	 * stream is checked on a copy (open_loop) */
	x.s.work.arrival = ARRIVAL_CLOSED;
	x.o = o;
	x.best = out;
	nb = search_batch_list(o->batch_from, o->batch_to, o->batch_step, s->work.batch, batches, SEARCH_BATCHES_MAX);
	x.batches = batches;
	x.n_batches = nb;
	search_each_strategy(&x.s, 0, o->max_gpus, o->stop, visit, &x);
	out->stopped = o->stop && o->stop->stopped;
}

void recommend_report_text(const struct sink *k, const struct scenario *s, const struct recommend_opts *o,
			   const struct recommendation *rc)
{
	char strat[64];
	sink_printf(k, "recommend: %s requests/s of %ld + %ld tokens, %s on %s (%s), replicas of at most %ld GPU%s\n",
		    NUM(o->rate), s->work.prompt_len, s->work.output_len, s->model.name, s->hw.name,
		    serve_engine_name(s->work.engine), o->max_gpus, o->max_gpus == 1 ? "" : "s");
	sink_printf(k, "  %ld evaluations%s\n", rc->evaluated,
		    rc->stopped ? "; stopped before the end: of the strategies seen, not of all" : "");
	if (!rc->found) {
		char why[600];
		/* recommend sizes by the rate: the throughput target is no filter */
		search_reach_explain(s, &rc->reach, NAN, why, sizeof why);
		sink_printf(k, "  no strategy and concurrency serves it within the requirements: %s\n", why);
		return;
	}
	struct strategy st = { .dp = rc->dp, .tp = rc->tp, .pp = rc->pp, .ep = rc->ep, .etp = rc->etp };
	strategy_format(&st, strat, sizeof strat);
	sink_printf(k, "  %s GPU%s on %ld host%s of %ld: %ld replica%s of %s at concurrency %ld, each serving %s requests/s (headroom %s%%)\n",
		    NUM(rc->gpus), rc->gpus == 1 ? "" : "s", rc->hosts, rc->hosts == 1 ? "" : "s",
		    scenario_gpus_per_host(&s->hw), rc->replicas, rc->replicas == 1 ? "" : "s", strat, rc->batch,
		    NUM(rc->replica_rate), PCT(100.0 * rc->headroom, 0));
	if (rc->idle > 0)
		sink_printf(k, "  %ld of the GPUs idle: replicas of %s do not fill the hosts\n", rc->idle,
			    NUM(rc->replica_gpus));
	sink_printf(k, "  at that rate: TTFT %s s, TPOT %s ms%s\n", NUM(rc->ttft_s), NUM(rc->tpot_ms),
		    rc->open_loop ? " (each replica meets a Poisson stream of its share)" : " (closed loop at that concurrency)");
	if (!isnan(rc->usd_per_mtok))
		sink_printf(k, "  $%s per million output tokens\n", NUM(rc->usd_per_mtok));
	if (!isnan(rc->joules_per_token))
		sink_printf(k, "  %s J per output token\n", NUM(rc->joules_per_token));
}

void recommend_report_json(const struct sink *k, const struct scenario *s, const struct recommend_opts *o,
			   const struct recommendation *rc)
{
	char strat[64];
	sink_puts(k, "{\"schema\": \"moescope/1\", \"recommend\": {\"rate\": ");
	json_number(k, o->rate);
	sink_printf(k, ", \"evaluated\": %ld, \"stopped\": %s, \"found\": %s", rc->evaluated, rc->stopped ? "true" : "false",
		    rc->found ? "true" : "false");
	if (rc->found) {
		struct strategy st = { .dp = rc->dp, .tp = rc->tp, .pp = rc->pp, .ep = rc->ep, .etp = rc->etp };
		strategy_format(&st, strat, sizeof strat);
		sink_puts(k, ", \"strategy\": ");
		json_string(k, strat);
		sink_printf(k, ", \"batch\": %ld, \"replicas\": %ld, \"gpus\": ", rc->batch, rc->replicas);
		json_number(k, rc->gpus);
		sink_printf(k, ", \"hosts\": %ld, \"gpus_per_host\": %ld, \"idle_gpus\": %ld", rc->hosts,
			    scenario_gpus_per_host(&s->hw), rc->idle);
		const char *names[] = { "replica_requests_per_s", "headroom", "ttft_s", "tpot_ms", "usd_per_mtok",
					"joules_per_token" };
		const double v[] = { rc->replica_rate, rc->headroom, rc->ttft_s, rc->tpot_ms, rc->usd_per_mtok,
				     rc->joules_per_token };
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
			sink_printf(k, ", \"%s\": ", names[j]);
			json_number(k, v[j]);
		}
		sink_printf(k, ", \"open_loop\": %s", rc->open_loop ? "true" : "false");
	} else {
		char why[600];
		search_reach_explain(s, &rc->reach, NAN, why, sizeof why);
		sink_puts(k, ", \"why_none\": ");
		json_string(k, why);
	}
	sink_puts(k, "}}\n");
}

void recommend_report_csv(const struct sink *k, const struct recommend_opts *o, const struct recommendation *rc)
{
	char strat[64] = "", num[40];
	sink_puts(k, "rate,evaluated,stopped,found,strategy,batch,replicas,gpus,hosts,idle_gpus,replica_requests_per_s,"
		     "headroom,ttft_s,tpot_ms,usd_per_mtok,joules_per_token,open_loop\n");
	fmt_exact(o->rate, num, sizeof num);
	sink_printf(k, "%s,%ld,%s,%s", num, rc->evaluated, rc->stopped ? "true" : "false", rc->found ? "true" : "false");
	if (!rc->found) {
		sink_puts(k, ",,,,,,,,,,,,,\n");
		return;
	}
	struct strategy st = { .dp = rc->dp, .tp = rc->tp, .pp = rc->pp, .ep = rc->ep, .etp = rc->etp };
	strategy_format(&st, strat, sizeof strat);
	sink_printf(k, ",%s,%ld,%ld", strat, rc->batch, rc->replicas);
	const double v[] = { rc->gpus, (double)rc->hosts, (double)rc->idle, rc->replica_rate, rc->headroom, rc->ttft_s, rc->tpot_ms, rc->usd_per_mtok,
			     rc->joules_per_token };
	csv_numbers(k, v, sizeof v / sizeof v[0]);
	sink_printf(k, ",%s\n", rc->open_loop ? "true" : "false");
}
