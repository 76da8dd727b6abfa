/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

int path_expand(const char *in, char *out, size_t len, char *err, size_t errlen)
{
	if (in[0] != '~' || (in[1] != '\0' && in[1] != '/')) {
		if ((size_t)snprintf(out, len, "%s", in) >= len) {
			snprintf(err, errlen, "%.40s...: path too long", in);
			return -1;
		}
		return 0;
	}
	const char *home = getenv("HOME");
	if (!home || !*home) {
		snprintf(err, errlen, "%s: HOME is not set, so ~ means nothing", in);
		return -1;
	}
	if ((size_t)snprintf(out, len, "%s%s", home, in + 1) >= len) {
		snprintf(err, errlen, "%.40s...: path too long", in);
		return -1;
	}
	return 0;
}

void path_absolute(const char *in, char *out, size_t len)
{
	char cwd[4096];
	if (in[0] == '/' || !getcwd(cwd, sizeof cwd) ||
	    (size_t)snprintf(out, len, "%s/%s", cwd, in[0] == '.' && in[1] == '/' ? in + 2 : in) >= len)
		snprintf(out, len, "%s", in);
}
