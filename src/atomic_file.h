/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a file so that readers see the old one or the whole new one:
 * a temporary file in the same directory, flushed, synced, renamed. */
#ifndef MOESCOPE_ATOMIC_FILE_H
#define MOESCOPE_ATOMIC_FILE_H

#include <stdio.h>

struct atomic_file {
	FILE *f;
	char path[4096];
	char tmp[4096 + 32];
};

/* Open a temporary beside path; -1 with a message (and nothing created). */
int atomic_open(struct atomic_file *af, const char *path, char *err, size_t errlen);
/* Flush, sync and rename over path; on failure the temporary is removed
 * and the old file is untouched. */
int atomic_commit(struct atomic_file *af, char *err, size_t errlen);
/* Give up: remove the temporary. */
void atomic_abort(struct atomic_file *af);

#endif
