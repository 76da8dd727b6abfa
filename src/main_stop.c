/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batch mode's Ctrl-C and progress for long searches (main_stop.h).
 *
 * The explorer has its own (the status line, Esc).  Here a frontier over a
 * thousand GPUs with disaggregated pools runs for minutes: without a word
 * it looks hung, and killing it loses what it found. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "main_stop.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct progress {
	double start, next;
	bool tell;   /* stderr is a terminal */
	const struct search_stop *st;   /* the run's total */
};

static struct progress progress;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Asked every 1,024 strategies (search.c). */
static bool poll_stop(void *ctx, long visited)
{
	struct progress *p = ctx;
	if (interrupted)
		return true;
	if (!p->tell)
		return false;
	double t = now_s();
	if (visited <= 1024) {   /* the first question of a run */
		p->start = t;
		p->next = t + 2.0;
	}
	if (t < p->next)
		return false;
	p->next = t + 5.0;
	char where[160];
	search_progress_text(p->st, visited, t - p->start, where, sizeof where);
	fprintf(stderr, "moescope: working: %s; Ctrl-C stops with what was found so far\n", where);
	return false;
}

void main_stop_install(struct search_stop *st)
{
	struct sigaction sa, was;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a read of standard input waiting for a line returns.
	 * Ignored stays ignored (a job a script put in the background). */
	if (sigaction(SIGINT, NULL, &was) == 0 && was.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	progress.tell = isatty(STDERR_FILENO);
	progress.st = st;
	st->fn = poll_stop;
	st->ctx = &progress;
}

bool main_stop_interrupted(void)
{
	return interrupted != 0;
}

void main_stop_exit(void)
{
	fflush(NULL);
	signal(SIGINT, SIG_DFL);
	raise(SIGINT);
}
