/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command language: one interpreter for -e, -f, stdin
 * and the TUI command line.  Output goes to a sink. */
#ifndef MOESCOPE_COMMAND_H
#define MOESCOPE_COMMAND_H

#include <stdbool.h>

#include "report.h"
#include "scenario.h"
#include "search.h"
#include "sink.h"

struct sweep;
struct search_result;
struct frontier_result;
struct recommendation;
struct compare_result;

struct session {
	struct scenario scn;
	int format;            /* enum out_format */
	struct sink sink;
	const char *source;    /* where lines come from, for error positions */
	bool quit;             /* a quit command was run */
	bool contradicted;     /* a check found a contradicted claim */
	bool pinned;           /* a baseline is kept for show's deltas */
	struct scenario baseline;
	struct sweep *last_sweep;        /* the last sweep's table, for charts */
	struct search_result *last_search;
	struct frontier_result *last_frontier;
	struct recommendation *last_recommend;   /* the last recommend's answer, for apply */
	struct compare_result *last_compare;     /* the last compare, for plot */
	unsigned sweeps, searches, frontiers, compares;   /* how many have run: "is there a new one?" */
	/* saving: the explorer asks before it overwrites a file; batch mode
	 * overwrites, as shells and editors in scripts do */
	bool no_clobber;
	char confirm_save[4096];   /* a save refused for this existing file, to confirm */
	/* the files loaded since the last reset, for reload */
	int n_loaded;
	char loaded[8][4096];
	/* the last config.json or engine command imported: the model it
	 * made, where from, and what it did not use (show params lists them
	 * while that model is loaded) */
	char import_model[NAME_MAX_LEN];
	char import_source[4096];
	char import_ignored[600];
	/* a model alone among files named together is fitted after the last
	 * of them (session_load_end), to the scenario before it */
	bool fit_pending;
	struct scenario fit_before;
	/* asked now and then while a search, frontier or recommend runs:
	 * the explorer stops one on Esc or Ctrl-C */
	struct search_stop stop;
};

struct command_info {
	const char *name;
	const char *usage;
	const char *help;
};

void session_init(struct session *ss, const struct sink *k);
/* Load a scenario file, a preset by name, or a Hugging Face config.json
 * (a .json file or a directory holding one) into the session's scenario;
 * all or nothing. */
int session_load(struct session *ss, const char *what, char *err, size_t errlen);
/* Load several, in order (a command line's files, `load A B`): a model
 * alone is fitted to the scenario once all of them are in, so that a GPU
 * named after the model counts.  Begin, each, end (also after a failure:
 * the files before it stay loaded). */
void session_load_begin(struct session *ss);
int session_load_next(struct session *ss, const char *what, char *err, size_t errlen);
void session_load_end(struct session *ss);
/* Save the scenario to path atomically; an existing file only with force
 * when ss->no_clobber (else confirm_save names it).  written: the absolute
 * path. */
int session_save(struct session *ss, const char *path, bool force, char *written, size_t wlen, char *err,
		 size_t errlen);
/* Let go of what sweeps and searches kept. */
void session_free(struct session *ss);

/* Run one line: commands separated by ';', '#' to the end of the line is a
 * comment, words may be quoted.  Stops at the first command that fails and
 * returns -1 after reporting "SOURCE:LINE:COL: message" on the error
 * stream; returns 0 otherwise. */
int session_run_line(struct session *ss, const char *line, long lineno);

/* Set one key from text, as `set` does (also used for --set KEY=VALUE).
 * On error returns -1 with the message in err and changes nothing. */
int session_set(struct session *ss, const char *key, const char *value, char *err, size_t errlen);

const struct command_info *command_table(size_t *count);

#endif
