/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the interpreter: what a command handler is given, and the
 * handlers, grouped by file. */
#ifndef MOESCOPE_COMMAND_IMPL_H
#define MOESCOPE_COMMAND_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "keys.h"

#define MAX_WORDS 64
#define MAX_WORD 512

struct word {
	char text[MAX_WORD];
	size_t col;    /* 1-based column in the line */
	bool tilde;    /* began with an unquoted ~: a home directory, as in sh */
};

struct invocation {
	struct session *ss;
	long line;
	struct word *w;
	int argc;
};

/* Report "SOURCE:LINE:COL: command: message" at word `word`; returns -1. */
__attribute__((format(printf, 3, 4)))
int cmd_fail(struct invocation *inv, int word, const char *fmt, ...);
/* Words from `from` on, joined by single spaces. */
void cmd_join_words(const struct invocation *inv, int from, char *buf, size_t len);
/* A whole number from lo to hi in word i, or an error. */
int cmd_parse_count(struct invocation *inv, int i, long lo, long hi, long *out);
/* A degree no other setting can repair (tp vs heads, ep vs experts, pp vs layers). */
int cmd_check_degree(const struct scenario *s, const struct key *k, char *err, size_t errlen);

/* command_scenario.c */
int cmd_set(struct invocation *inv);
int cmd_get(struct invocation *inv);
int cmd_strategy(struct invocation *inv);
int cmd_show(struct invocation *inv);
int cmd_pin(struct invocation *inv);
int cmd_unpin(struct invocation *inv);
int cmd_reset(struct invocation *inv);
int cmd_quit(struct invocation *inv);
/* command_files.c */
int cmd_load(struct invocation *inv);
int cmd_save(struct invocation *inv);
int cmd_reload(struct invocation *inv);
int cmd_presets(struct invocation *inv);
int cmd_dag(struct invocation *inv);
/* command_analysis.c */
int cmd_check(struct invocation *inv);
int cmd_sweep(struct invocation *inv);
int cmd_search(struct invocation *inv);
int cmd_frontier(struct invocation *inv);
int cmd_recommend(struct invocation *inv);
int cmd_apply(struct invocation *inv);
int cmd_compare(struct invocation *inv);
int cmd_plot(struct invocation *inv);
int cmd_validate(struct invocation *inv);
/* command_engine.c */
int cmd_export(struct invocation *inv);
int cmd_import(struct invocation *inv);
/* command.c */
int cmd_help(struct invocation *inv);

#endif
