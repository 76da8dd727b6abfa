/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rendering of an evaluation as text, JSON (schema "moescope/1") or CSV. */
#ifndef MOESCOPE_REPORT_H
#define MOESCOPE_REPORT_H

#include "evaluate.h"
#include "diag.h"
#include "scenario.h"
#include "sink.h"

enum out_format { FMT_TEXT, FMT_JSON, FMT_CSV };

enum report_section {
	RS_SUMMARY = 1 << 0, RS_MEMORY = 1 << 1, RS_TIME = 1 << 2, RS_COMM = 1 << 3,
	RS_PARAMS = 1 << 4, RS_DIAG = 1 << 5, RS_ALL = (1 << 6) - 1,
};

/* "summary", "memory", ... "all"; -1 when unknown. */
int report_section_parse(const char *name);
extern const char *const report_section_names;   /* for help and errors */

/* baseline: the pinned scenario, or NULL; show adds its figures and deltas. */
void report_text(const struct sink *k, const struct scenario *s, const struct result *r,
		 const struct diag_list *d, int sections, const struct scenario *baseline);
void report_json(const struct sink *k, const struct scenario *s, const struct result *r,
		 const struct diag_list *d, const struct scenario *baseline);
void report_csv_header(const struct sink *k);
void report_csv_row(const struct sink *k, const struct scenario *s, const struct result *r,
		    const struct diag_list *d);

/* A CSV field, quoted when it holds a separator, a quote or a line break. */
void csv_field(const struct sink *k, const char *text);
/* n cells of numbers, each after a comma, exact; empty when not finite. */
void csv_numbers(const struct sink *k, const double *v, size_t n);

/* JSON helpers shared with other structured outputs. */
void json_string(const struct sink *k, const char *text);
void json_number(const struct sink *k, double v);   /* null when not finite */

#endif
