/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

void csv_open(struct csv_reader *r, const char *label, const char *buf, size_t len)
{
	r->p = buf;
	r->end = buf + len;
	r->line = 1;
	r->label = label;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

int csv_record(struct csv_reader *r, char *store, size_t store_len, char **fields, int max, char *err,
	       size_t errlen)
{
	long first = r->line;
	size_t n = 0;
	int nf = 0;
	bool quoted = false, field_start = true;

	if (r->p >= r->end)
		return 0;
	if (store_len == 0 || max <= 0)
		return -1;
	fields[nf++] = store;
	while (r->p < r->end) {
		char c = *r->p++;
		if (c == '\0') {
			snprintf(err, errlen, "%s:%ld: a NUL byte: not a text file", r->label, r->line);
			return -1;
		}
		if (quoted) {
			if (c == '"' && r->p < r->end && *r->p == '"') {
				c = '"';
				r->p++;
			} else if (c == '"') {
				quoted = false;
				continue;
			} else if (c == '\n') {
				r->line++;
			}
		} else if (c == '"' && field_start) {
			quoted = true;
			field_start = false;
			continue;
		} else if (c == ',') {
			if (n + 1 >= store_len)
				goto too_long;
			store[n++] = '\0';
			if (nf == max) {
				snprintf(err, errlen, "%s:%ld: more than %d fields", r->label, first, max);
				return -1;
			}
			fields[nf++] = store + n;
			field_start = true;
			continue;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && r->p < r->end && *r->p == '\n')
				r->p++;
			r->line++;
			break;
		}
		field_start = false;
		if (n + 1 >= store_len)
			goto too_long;
		store[n++] = c;
	}
	if (quoted) {
		snprintf(err, errlen, "%s:%ld: a quoted field is never closed", r->label, first);
		return -1;
	}
	store[n] = '\0';
	return nf;
too_long:
	snprintf(err, errlen, "%s:%ld: a record longer than %zu bytes", r->label, first, store_len - 1);
	return -1;
}
