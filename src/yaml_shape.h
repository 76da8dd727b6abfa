/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A YAML text's shape, checked on its event stream before a document is
 * built: no deeper than a bound, no more nodes than a bound.  One linear
 * pass, so that a megabyte of '[' or a mapping of 85,000 keys is refused at
 * once, in every path that reads YAML (presets, engine options). */
#ifndef MOESCOPE_YAML_SHAPE_H
#define MOESCOPE_YAML_SHAPE_H

#include <stddef.h>

/* 0 when buf holds YAML within depth and node bounds; else -1 with
 * "LABEL:LINE:COL: ..." in err, what naming the kind of file expected. */
int yaml_check_shape(const char *label, const char *buf, size_t len, int max_depth, long max_nodes, const char *what,
		     char *err, size_t errlen);

#endif
