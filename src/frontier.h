/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The throughput-interactivity frontier: every strategy a search
 * considers at every concurrency of a range, served as a closed loop, and
 * the Pareto front of (tokens/s per user, output tokens/s per GPU) among
 * those that fit and meet the requirements. */
#ifndef MOESCOPE_FRONTIER_H
#define MOESCOPE_FRONTIER_H

#include <stdbool.h>

#include "scenario.h"
#include "search.h"
#include "sink.h"

#define FRONTIER_MAX 512
#define FRONTIER_BATCH_MAX 1048576

/* Which deployments the front is drawn over. */
enum frontier_mode { FR_AGG, FR_DISAGG, FR_BOTH };

struct frontier_opts {
	long gpus, max_gpus;           /* as search: exactly, or at most */
	long batch_from, batch_to;     /* concurrency: powers of two between, and the KV caps */
	long batch_step;               /* > 0: every step-th concurrency of the range; 0: powers of two,
					  refined where a strategy's points join the front or meet the requirements */
	int mode;                      /* enum frontier_mode */
	struct search_stop *stop;      /* NULL: run to the end */
};

struct frontier_point {
	long dp, tp, pp, ep, etp, batch;
	double gpus, ttft_s, tpot_ms;
	double per_user;               /* tokens/s per user: 1000 / TPOT */
	double per_gpu;                /* output tokens/s per GPU of the closed loop */
	double usd_per_mtok, joules_per_token;   /* NaN when not known */
	double running;                /* sequences each (decode) replica runs */
	/* disaggregated: the strategy above is the decode pool's (one instance),
	 * the prefill pool's is this, p_workers instances of it */
	bool disagg;
	long p_dp, p_tp, p_pp, p_ep, p_etp, p_workers;
};

/* Disaggregation against aggregation (mode both): the most tokens/s per GPU
 * each makes at several levels of interactivity (tokens/s per user at
 * least), and what decides it. */
#define FRONTIER_CMP 4
struct frontier_compare {
	int n;
	double per_user[FRONTIER_CMP], agg[FRONTIER_CMP], dis[FRONTIER_CMP];
	double prompt_over_output;     /* S / O */
	double transfer_ms;            /* KV transfer of a request, the best disaggregated point */
	double transfer_share;         /* of that point's TTFT */
};

struct frontier_result {
	struct frontier_opts opts;
	long evaluated, feasible;
	int n;                         /* points, tokens/s per user ascending */
	struct frontier_point pts[FRONTIER_MAX];
	bool truncated;
	bool stopped;                  /* stopped before the end: of the strategies seen */
	bool was_static;               /* the scenario was in static mode: served here */
	int engine;
	struct frontier_compare cmp;   /* mode both */
	struct search_reach reach;     /* of what fit: why no point met the requirements */
	double target;                 /* the throughput target that filtered, or NaN */
	struct scenario scn;           /* what it ran on */
};

/* The disaggregated deployments of the front (frontier_disagg.c): decode
 * strategies x the best prefill strategies x prefill workers sized to the
 * decode pool's demand x concurrency. */
void frontier_disagg_run(const struct scenario *served, const struct frontier_opts *o, const long *batches, int nb,
			 double target, struct frontier_result *fr);

/* The prefill strategies a disaggregated front pairs with (pools of at
 * most max_gpus / 2, pipeline 1, that fit): the five that start the most
 * requests a second per GPU, the one that starts the most of each size
 * class (1, 2-3, 4-7, ... GPUs) and the one whose step is shortest, each
 * once.  Returns how many. */
#define FRONTIER_PREFILL_POOLS 37
int frontier_prefill_pools(const struct scenario *served, long max_gpus, struct search_stop *stop,
			   struct strategy pools[FRONTIER_PREFILL_POOLS]);

void frontier_run(const struct scenario *s, const struct frontier_opts *o, struct frontier_result *fr);
/* Whether a point's decode runs more sequences a replica than its engine's
 * CUDA graphs hold (its figures assume graphs: W_NO_GRAPH); *cap the
 * graphs' size, 0 without an engine. */
bool frontier_point_past_graphs(const struct frontier_result *fr, const struct frontier_point *p, long *cap);
/* Add a feasible point to the front: kept when nothing on it does at
 * least as well on both rates, and then what it beats goes; true when kept. */
bool frontier_keep(struct frontier_result *fr, const struct frontier_point *p);

/* The longest label: a count of prefill instances and two pool names of
 * up to 23 characters (frontier.c) */
#define FRONTIER_LABEL_MAX 56
/* The field's short name of a strategy: TP8, TEP8, DEP8, DP2TP4, ... PP2;
 * ETPn when the expert TP is not strategy.etp auto's. */
void frontier_label(const struct frontier_point *p, char *buf, size_t len);
/* The scenario of a point: its strategy and concurrency, served. */
void frontier_point_apply(const struct frontier_point *p, struct scenario *s);

void frontier_report_text(const struct sink *k, const struct scenario *s, const struct frontier_result *fr);
void frontier_report_json(const struct sink *k, const struct frontier_result *fr);
void frontier_report_csv(const struct sink *k, const struct frontier_result *fr);

#endif
