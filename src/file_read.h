/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a whole input file with a bound: a regular file only (a FIFO
 * would block, a device never end, a directory is not a file), at most
 * max bytes, into memory the caller frees. */
#ifndef MOESCOPE_FILE_READ_H
#define MOESCOPE_FILE_READ_H

#include <stddef.h>

/* 0 with *buf (NUL-terminated, malloc'd) and *len; -1 with "PATH: why".
 * what names the kind of file in the message for one too large
 * ("larger than 1048576 bytes: not a model config"). */
int file_read_regular(const char *path, size_t max, const char *what, char **buf, size_t *len, char *err,
		      size_t errlen);

#endif
