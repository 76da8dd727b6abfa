/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fewest GPUs that serve a request rate: replicas of one strategy at
 * one concurrency, within the requirements. */
#ifndef MOESCOPE_RECOMMEND_H
#define MOESCOPE_RECOMMEND_H

#include <stdbool.h>

#include "scenario.h"
#include "search.h"
#include "sink.h"

struct recommend_opts {
	double rate;                   /* requests/s to serve */
	long max_gpus;                 /* GPUs of one replica, at most */
	long batch_from, batch_to;     /* concurrency of one replica: powers of two between */
	long batch_step;               /* > 0: every step-th concurrency of the range instead */
	struct search_stop *stop;      /* NULL: run to the end */
};

struct recommendation {
	bool found;
	long dp, tp, pp, ep, etp, batch;   /* one replica */
	long replicas;
	double gpus;                   /* what the deployment takes: whole hosts (deploy_pack.h) */
	long hosts, idle;              /* those hosts, and their GPUs running no replica */
	double replica_gpus;
	double replica_rate;           /* requests/s one replica serves at that concurrency */
	double headroom;               /* replicas x replica_rate / rate - 1 */
	double ttft_s, tpot_ms;        /* at the rate: open loop where the engine has one */
	bool open_loop;                /* the figures above are of a Poisson stream */
	double usd_per_mtok, joules_per_token;
	long evaluated;
	bool stopped;                  /* stopped before the end: of the strategies seen */
	struct search_reach reach;     /* of what fit: why none served the rate */
};

void recommend_run(const struct scenario *s, const struct recommend_opts *o, struct recommendation *out);
void recommend_report_text(const struct sink *k, const struct scenario *s, const struct recommend_opts *o,
			   const struct recommendation *rc);
void recommend_report_json(const struct sink *k, const struct scenario *s, const struct recommend_opts *o,
			   const struct recommendation *rc);
/* One CSV row under a header; the figures empty when nothing was found. */
void recommend_report_csv(const struct sink *k, const struct recommend_opts *o, const struct recommendation *rc);

#endif
