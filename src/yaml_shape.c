/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A YAML text's shape (yaml_shape.h). */
#include "config.h"

#include <stdio.h>
#include <yaml.h>

#include "yaml_shape.h"

int yaml_check_shape(const char *label, const char *buf, size_t len, int max_depth, long max_nodes, const char *what,
		     char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	long nodes = 0;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: out of memory", label);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			const yaml_mark_t *m = &p.problem_mark;
			if (p.error == YAML_MEMORY_ERROR)
				snprintf(err, errlen, "%s: out of memory while parsing", label);
			else if (p.context)
				snprintf(err, errlen, "%s:%zu:%zu: YAML syntax: %s (%s at line %zu column %zu)", label,
					 m->line + 1, m->column + 1, p.problem ? p.problem : "error", p.context,
					 p.context_mark.line + 1, p.context_mark.column + 1);
			else
				snprintf(err, errlen, "%s:%zu:%zu: YAML syntax: %s", label, m->line + 1, m->column + 1,
					 p.problem ? p.problem : "error");
			rc = -1;
			break;
		}
		yaml_event_type_t t = ev.type;
		size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
		yaml_event_delete(&ev);
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT)
			depth++;
		else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > max_depth) {
			snprintf(err, errlen, "%s:%zu:%zu: nested more than %d levels deep: not %s", label, line, col,
				 max_depth, what);
			rc = -1;
			break;
		}
		if ((t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT || t == YAML_SEQUENCE_START_EVENT ||
		     t == YAML_MAPPING_START_EVENT) && ++nodes > max_nodes) {
			snprintf(err, errlen, "%s:%zu:%zu: more than %ld keys and values: not %s", label, line, col,
				 max_nodes, what);
			rc = -1;
			break;
		}
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}
