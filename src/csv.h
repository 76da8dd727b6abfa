/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV records as RFC 4180 writes them: comma-separated fields, a field in
 * double quotes may hold commas, newlines and "" for a quote; CRLF or LF
 * ends a record.  A UTF-8 byte-order mark at the start (spreadsheets write
 * one) is skipped; a NUL byte is an error.  Reads from memory. */
#ifndef MOESCOPE_CSV_H
#define MOESCOPE_CSV_H

#include <stddef.h>

#define CSV_FIELDS_MAX 512

struct csv_reader {
	const char *p, *end;
	long line;        /* the line the next record starts on (1-based) */
	const char *label;
};

void csv_open(struct csv_reader *r, const char *label, const char *buf, size_t len);

/* The next record: its fields, unquoted, NUL-terminated, in store (which
 * the fields point into).  Returns the number of fields, 0 at the end, -1
 * with "LABEL:LINE: why" (more than max fields, a record longer than the
 * store, a quote left open, a NUL byte). */
int csv_record(struct csv_reader *r, char *store, size_t store_len, char **fields, int max, char *err,
	       size_t errlen);

#endif
