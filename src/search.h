/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exhaustive search over strategies: every valid (dp, tp, pp, ep, etp, mb)
 * within a GPU budget, filtered by memory and the requirements, ranked by an
 * objective, with the Pareto front of GPUs, throughput and TTFT. */
#ifndef MOESCOPE_SEARCH_H
#define MOESCOPE_SEARCH_H

#include <stdbool.h>

#include "scenario.h"
#include "sink.h"

enum objective { OBJ_THROUGHPUT, OBJ_TTFT, OBJ_GPUS, OBJ_COST, OBJ_COUNT };

#define SEARCH_TOP_MAX 100
/* The largest GPU budget: beyond it an exhaustive search takes minutes. */
#define SEARCH_GPUS_MAX 16384
#define SEARCH_FRONT_MAX 256

/* A long enumeration asks now and then whether to go on: the explorer
 * reads the keyboard, a fuzzing harness a clock.  A search with millions
 * of strategies (up to SEARCH_GPUS_MAX GPUs) takes seconds; stopped, it
 * reports what it saw and says it is partial. */
struct search_stop {
	bool (*fn)(void *ctx, long visited);   /* true: stop now; NULL: never */
	void *ctx;
	long visited;                          /* strategies visited so far */
	long total;                            /* of how many (search_count_strategies); 0: not known */
	bool stopped;                          /* fn said stop */
};

/* Ready for a new run: nothing visited, not stopped.  search_run,
 * frontier_run and recommend_run start with it. */
void search_stop_reset(struct search_stop *st);

/* The strategies a run over this scope visits (before each engine's
 * rules): what a stop hook counts up to, and the start of an estimate of
 * the work. */
long search_count_strategies(const struct scenario *s, long gpus, long max_gpus);
/* "12345 of 311263 strategies (4%), 3 s, about 70 s left": where a run is
 * after elapsed seconds (without a total: the count and the time). */
void search_progress_text(const struct search_stop *st, long visited, double elapsed, char *buf, size_t len);
/* Reset, with the total of the scope when someone is asking. */
void search_stop_start(struct search_stop *st, const struct scenario *s, long gpus, long max_gpus);

struct search_opts {
	long gpus;        /* exactly this many, or 0 */
	long max_gpus;    /* at most this many (used when gpus is 0) */
	int objective;
	int top;
	long batch_from, batch_to;   /* concurrency range (powers of two between); 0: the scenario's batch */
	long batch_step;             /* > 0: every step-th concurrency of the range instead */
	struct search_stop *stop;    /* NULL: run to the end */
};

struct candidate {
	long dp, tp, pp, ep, etp, mb;
	long batch;                 /* the concurrency it was evaluated at */
	/* tokens: output tokens/s per GPU end to end (the unit every command
	 * prints); decode: the decode-only rate in tokens/ms per GPU, what
	 * requirements.tokens_per_ms_per_gpu bounds; cost: GPU-seconds per
	 * sequence */
	double gpus, tokens, per_user, decode, ttft, tpot, mem, cost;
	int decode_bound;
	bool pareto;
};

/* What the evaluations that fit in memory reached, each figure on its own:
 * the shortest TTFT and TPOT, the most tokens/s per user and per GPU.  An
 * empty answer names from it the requirements none of them met. */
struct search_reach {
	long fitting;
	double ttft_s, tpot_ms, per_user, tokens_per_ms_per_gpu;
	double ttft_tail_s[2], tpot_tail_ms[2];   /* p90 and p99 (the means where not derived) */
};

struct search_result {
	struct search_opts opts;
	long evaluated, valid, fitting, feasible;
	double ceiling, target;
	bool target_impossible;    /* above the compute ceiling: not used as a filter */
	int n_top;
	struct candidate top[SEARCH_TOP_MAX];
	int n_front;
	struct candidate front[SEARCH_FRONT_MAX];
	bool front_truncated;
	bool stopped;              /* stopped before the end: of the strategies seen */
	struct candidate current;
	bool current_ok;
	char current_error[64];
	struct search_reach reach;  /* of what fit: why nothing met the requirements */
};

int objective_parse(const char *name);
const char *objective_name(int o);

void search_run(const struct scenario *s, const struct search_opts *o, struct search_result *out);

/* Every strategy a search considers for the scenario's model, on exactly
 * `gpus` GPUs (or at most max_gpus when gpus is 0), ep and etp varying
 * fastest; microbatches only in static mode with a pipeline.  The
 * candidate's figures are not filled.  With a stop (or NULL), it asks
 * every 1,024 strategies whether to go on, and visits none once stopped. */
typedef void (*search_visit_fn)(void *ctx, const struct candidate *c);

/* The most concurrencies a range may list (batch FROM..TO step N). */
#define SEARCH_BATCHES_MAX 1024

/* The concurrencies of a range: its bounds and the powers of two between
 * them, or with a step > 0 from, from + step, ... and to (at most max);
 * without a range (from 0), just `one`. */
int search_batch_list(long from, long to, long step, long one, long *out, int max);
/* Whether the i-th concurrency of an ascending list can matter for a
 * strategy of dp replicas.  At a concurrency of dp or less each replica
 * runs one request or none: the steps, the memory and the TTFT are those
 * of one request a replica, and only the throughput grows with the
 * concurrency.  Of the list's concurrencies up to dp, only the largest can
 * be on a front or rank first; the others are beaten by it on every
 * figure a search, a frontier or a recommendation compares. */
bool search_batch_useful(const long *list, int n, int i, long dp);
/* The least n in [lo, hi] that passes, for a test that once passed stays
 * passed as n grows; 0 when not even hi passes.  It tries lo, then hi,
 * then gallops up from lo (lo + 1, lo + 2, lo + 4, ...) and bisects, so
 * that an answer near lo costs few tests and any costs O(log(hi - lo)).
 * The answer is always the last n it found passing, so a test that keeps
 * what it found for the n that passed leaves the answer's behind. */
long search_least_passing(long lo, long hi, bool (*pass)(void *ctx, long n), void *ctx);

struct result;
/* The scenario's requirements on a result: TTFT, TPOT, tokens/s per user,
 * and a throughput target unless it is NaN. */
bool search_requirements_met(const struct scenario *s, const struct result *r, double target);

void search_reach_init(struct search_reach *rc);
void search_reach_add(struct search_reach *rc, const struct result *r);
/* "requirements.ttft_s <= 2 s: the best reachable is 3.41 s; ..." for each
 * requirement no evaluation met, or that each is met alone but not all at
 * once, or that nothing fits in memory. */
void search_reach_explain(const struct scenario *s, const struct search_reach *rc, double target, char *buf,
			  size_t len);
void search_each_strategy(const struct scenario *s, long gpus, long max_gpus, struct search_stop *stop,
			  search_visit_fn visit, void *ctx);
void candidate_label(const struct candidate *c, char *buf, size_t len);
/* Apply a candidate's strategy to a scenario. */
void candidate_apply(const struct candidate *c, struct scenario *s);

void search_report_text(const struct sink *k, const struct scenario *s, const struct search_result *sr);
void search_report_json(const struct sink *k, const struct scenario *s, const struct search_result *sr);
void search_report_csv(const struct sink *k, const struct search_result *sr);

#endif
