/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File names as users type them. */
#ifndef MOESCOPE_PATH_H
#define MOESCOPE_PATH_H

#include <stddef.h>

/* "~" and "~/..." with $HOME in front, as a shell would; any other name as
 * it is.  -1 with a message when HOME is unset for a "~" name or the result
 * does not fit. */
int path_expand(const char *in, char *out, size_t len, char *err, size_t errlen);

/* The absolute form of a name (for "saved /where/it/is"), or the name. */
void path_absolute(const char *in, char *out, size_t len);

#endif
