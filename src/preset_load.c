/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading scenario YAML with libyaml's document API, walked with the key
 * table.  Everything is applied to a copy that replaces the caller's
 * scenario only when the whole file (and every preset it names) is good. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "file_read.h"
#include "keys.h"
#include "name_text.h"
#include "preset.h"
#include "scenario_resolve.h"
#include "strategy_parse.h"
#include "yaml_shape.h"

/* Bound on presets naming presets, and on what a file may hold. */
#define MAX_DEPTH 4
#define MAX_FILE_BYTES (1 << 20)

struct loader {
	const char *label;        /* file name for messages */
	yaml_document_t *doc;
	struct scenario *s;
	int depth;
	char *err;
	size_t errlen;
};

static const char *const section_list = "name hardware model workload engine strategy prefill disagg requirements claims";

__attribute__((format(printf, 3, 4)))
static int fail_at(struct loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errlen, "%s:%zu:%zu: %s", ld->label, node->start_mark.line + 1,
		 node->start_mark.column + 1, msg);
	return -1;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return "a scalar";
	}
}

static yaml_node_t *node_at(struct loader *ld, int index)
{
	return yaml_document_get_node(ld->doc, index);
}

/* A scalar's text, refused when it holds a NUL byte. */
static int scalar_text(struct loader *ld, const yaml_node_t *n, const char **text)
{
	const char *v = (const char *)n->data.scalar.value;
	if (memchr(v, '\0', n->data.scalar.length))
		return fail_at(ld, n, "a NUL byte in a value");
	*text = v;
	return 0;
}

/* Keys of one mapping must be scalars and unique. */
static int check_keys(struct loader *ld, const yaml_node_t *map)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(ld, p->key);
		if (!k || k->type != YAML_SCALAR_NODE)
			return fail_at(ld, k ? k : map, "a key must be a plain name, not %s",
				       k ? node_kind(k) : "nothing");
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = node_at(ld, q->key);
			if (prev && prev->type == YAML_SCALAR_NODE &&
			    strcmp((char *)prev->data.scalar.value, (char *)k->data.scalar.value) == 0)
				return fail_at(ld, k, "duplicate key '%s' (first at line %zu)",
					       (char *)k->data.scalar.value, prev->start_mark.line + 1);
		}
	}
	return 0;
}

static void valid_keys(int section, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < key_count && n < len; i++)
		if (key_table[i].section == section)
			n += (size_t)snprintf(buf + n, len - n, n ? " %s" : "%s", key_leaf(&key_table[i]));
}

static int set_key(struct loader *ld, const struct key *k, const yaml_node_t *value)
{
	char err[400];
	const char *text = NULL;

	if (value->type != YAML_SCALAR_NODE) {
		char range[200];
		key_describe_range(k, range, sizeof range);
		return fail_at(ld, value, "%s must be %s, not %s", k->name, range, node_kind(value));
	}
	if (scalar_text(ld, value, &text) != 0)
		return -1;
	/* A plain empty value or ~ is YAML's null: "none" where a key has it. */
	bool plain = value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (plain && (*text == '\0' || strcmp(text, "~") == 0 || strcmp(text, "null") == 0)) {
		if (!(k->flags & KF_OPTIONAL))
			return fail_at(ld, value, "%s needs a value", k->name);
		text = "none";
	}
	if (key_set(ld->s, k, text, err, sizeof err) != 0)
		return fail_at(ld, value, "%s", err);
	return 0;
}

static int apply_named(struct loader *ld, int section, const yaml_node_t *value);

/* "preset: NAME" inside a hardware or model mapping: that preset first,
 * wherever the line stands, then the keys beside it. */
static int apply_base_preset(struct loader *ld, int section, const yaml_node_t *map)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node_at(ld, p->key), *vn = node_at(ld, p->value);
		if (strcmp((const char *)kn->data.scalar.value, "preset") != 0)
			continue;
		if (section != SEC_HARDWARE && section != SEC_MODEL)
			return fail_at(ld, kn, "only hardware and model can name a preset");
		if (!vn || vn->type != YAML_SCALAR_NODE)
			return fail_at(ld, vn ? vn : kn, "preset must be a name");
		return apply_named(ld, section, vn);
	}
	return 0;
}

static int apply_mapping(struct loader *ld, int section, const yaml_node_t *map)
{
	char valid[600];

	if (check_keys(ld, map) != 0 || apply_base_preset(ld, section, map) != 0)
		return -1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node_at(ld, p->key), *vn = node_at(ld, p->value);
		const char *name = (const char *)kn->data.scalar.value;
		if (strcmp(name, "preset") == 0)
			continue;
		const struct key *k = key_find_in(section, name);
		if (!k) {
			const char *hint = key_suggest(name, section);
			valid_keys(section, valid, sizeof valid);
			return fail_at(ld, kn, "unknown key '%s' in %s%s%s%s valid: %s%s", name,
				       key_section_name(section), hint ? "; did you mean '" : ";",
				       hint ? hint : "", hint ? "'?" : "", valid,
				       section == SEC_HARDWARE || section == SEC_MODEL ? " preset" : "");
		}
		if (!vn)
			return fail_at(ld, kn, "%s has no value", k->name);
		if (set_key(ld, k, vn) != 0)
			return -1;
	}
	return 0;
}

static int load_document(struct loader *ld, const char *buf, size_t len, int only_section);

/* "hardware: h100-sxm": the section becomes that preset's, from defaults. */
static int apply_named(struct loader *ld, int section, const yaml_node_t *value)
{
	static const int kinds[SEC_COUNT] = { [SEC_HARDWARE] = PK_HARDWARE, [SEC_MODEL] = PK_MODELS };
	char path[4096], inner_err[700];
	const char *name = NULL;

	if (scalar_text(ld, value, &name) != 0)
		return -1;
	if (ld->depth >= MAX_DEPTH)
		return fail_at(ld, value, "presets name each other more than %d deep", MAX_DEPTH);
	if (preset_find(kinds[section], name, path, sizeof path) != 0)
		return fail_at(ld, value, "no %s preset named '%s' (the presets command lists them)",
			       key_section_name(section), name);

	char *text, why[600];
	size_t n;
	if (file_read_regular(path, MAX_FILE_BYTES, "not a preset", &text, &n, why, sizeof why) != 0)
		return fail_at(ld, value, "%s", why);

	struct scenario defaults;
	scenario_default(&defaults);
	if (section == SEC_HARDWARE)
		ld->s->hw = defaults.hw;
	else
		ld->s->model = defaults.model;
	struct loader inner = { .label = path, .s = ld->s, .depth = ld->depth + 1,
				.err = inner_err, .errlen = sizeof inner_err };
	int rc = load_document(&inner, text, n, section);
	free(text);
	if (rc != 0)
		return fail_at(ld, value, "in preset '%s': %s", name, inner_err);
	/* a preset file need not repeat its own name */
	char *dst = section == SEC_HARDWARE ? ld->s->hw.name : ld->s->model.name;
	if ((strcmp(dst, defaults.hw.name) == 0 || strcmp(dst, defaults.model.name) == 0 || !*dst) &&
	    name_bad_byte(name) < 0 && name[0] != '-')
		snprintf(dst, NAME_MAX_LEN, "%s", name);
	return 0;
}

static int apply_strategy_string(struct loader *ld, const yaml_node_t *value)
{
	struct strategy_spec spec;
	char err[300];
	size_t col;
	const char *text = NULL;

	if (scalar_text(ld, value, &text) != 0)
		return -1;
	if (strategy_parse(text, &spec, err, sizeof err, &col) != 0 ||
	    strategy_apply_checked(&spec, ld->s, err, sizeof err) != 0)
		return fail_at(ld, value, "strategy: %s", err);
	return 0;
}

static const char *section_suggest(const char *name)
{
	static const char *const all[] = { "name", "hardware", "model", "workload", "engine", "strategy",
					   "prefill", "disagg", "requirements", "claims" };
	/* Reuse the key matcher's idea: near misses by a letter or two. */
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		size_t la = strlen(name), lb = strlen(all[i]);
		size_t common = 0;
		while (common < la && common < lb && name[common] == all[i][common])
			common++;
		if (common >= 3 || (la > 3 && strstr(all[i], name)))
			return all[i];
	}
	return NULL;
}

static int apply_root(struct loader *ld, const yaml_node_t *root, int only_section)
{
	if (root->type != YAML_MAPPING_NODE)
		return fail_at(ld, root, "expected a mapping of sections (%s), got %s", section_list,
			       node_kind(root));
	if (check_keys(ld, root) != 0)
		return -1;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node_at(ld, p->key), *vn = node_at(ld, p->value);
		const char *name = (const char *)kn->data.scalar.value;

		if (!vn)
			return fail_at(ld, kn, "'%s' has no value", name);
		if (strcmp(name, "name") == 0) {
			if (only_section >= 0)
				continue;
			if (set_key(ld, key_find("name"), vn) != 0)
				return -1;
			continue;
		}
		int sec = key_section_find(name);
		if (sec < 0) {
			const char *hint = section_suggest(name);
			return fail_at(ld, kn, "unknown section '%s'%s%s%s valid: %s", name,
				       hint ? "; did you mean '" : ";", hint ? hint : "", hint ? "'?" : "",
				       section_list);
		}
		if (only_section >= 0 && sec != only_section)
			continue;
		if (vn->type == YAML_MAPPING_NODE) {
			if (apply_mapping(ld, sec, vn) != 0)
				return -1;
		} else if (vn->type == YAML_SCALAR_NODE && (sec == SEC_HARDWARE || sec == SEC_MODEL)) {
			if (apply_named(ld, sec, vn) != 0)
				return -1;
		} else if (vn->type == YAML_SCALAR_NODE && sec == SEC_STRATEGY) {
			if (apply_strategy_string(ld, vn) != 0)
				return -1;
		} else {
			return fail_at(ld, vn, "%s must be a mapping of its keys%s, not %s", name,
				       sec == SEC_HARDWARE || sec == SEC_MODEL ? " or a preset name" :
				       sec == SEC_STRATEGY ? " or a strategy string" : "",
				       node_kind(vn));
		}
	}
	return 0;
}

static int yaml_failure(struct loader *ld, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(ld->err, ld->errlen, "%s: out of memory while parsing", ld->label);
		return -1;
	}
	if (p->context)
		snprintf(ld->err, ld->errlen, "%s:%zu:%zu: YAML syntax: %s (%s at line %zu column %zu)",
			 ld->label, m->line + 1, m->column + 1, p->problem ? p->problem : "error",
			 p->context, p->context_mark.line + 1, p->context_mark.column + 1);
	else
		snprintf(ld->err, ld->errlen, "%s:%zu:%zu: YAML syntax: %s", ld->label, m->line + 1,
			 m->column + 1, p->problem ? p->problem : "error");
	return -1;
}

/* A scenario is a mapping of sections of scalars: four levels deep at most
 * with room to spare, a few hundred nodes.  Checked on the event stream
 * before the document is built, in one linear pass, so that a megabyte of
 * '[' or a mapping of 85,000 keys is refused at once. */
#define YAML_DEPTH_MAX 8
#define YAML_NODES_MAX 4096

static int check_shape(struct loader *ld, const char *buf, size_t len)
{
	return yaml_check_shape(ld->label, buf, len, YAML_DEPTH_MAX, YAML_NODES_MAX, "a scenario", ld->err, ld->errlen);
}

/* only_section >= 0: apply that section alone (a preset named by another file). */
static int load_document(struct loader *ld, const char *buf, size_t len, int only_section)
{
	if (check_shape(ld, buf, len) != 0)
		return -1;
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = -1;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(ld->err, ld->errlen, "%s: out of memory", ld->label);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_failure(ld, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	ld->doc = &doc;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(ld->err, ld->errlen, "%s:1:1: empty file: expected a mapping of sections (%s)",
			 ld->label, section_list);
	} else if (apply_root(ld, root, only_section) == 0) {
		rc = 0;
	}
	yaml_document_delete(&doc);
	ld->doc = NULL;   /* the document is gone: nothing may reach it through ld */

	if (rc == 0) {
		/* a second document would be silently ignored: refuse it */
		yaml_document_t next;
		if (!yaml_parser_load(&parser, &next)) {
			rc = yaml_failure(ld, &parser);
		} else {
			yaml_node_t *extra = yaml_document_get_root_node(&next);
			if (extra) {
				snprintf(ld->err, ld->errlen, "%s:%zu:%zu: a second document: one scenario per file",
					 ld->label, extra->start_mark.line + 1, extra->start_mark.column + 1);
				rc = -1;
			}
			yaml_document_delete(&next);
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}

int preset_resolve_prefill_hw(struct scenario *s, char *err, size_t errlen)
{
	static struct scenario tmp;
	char doc[NAME_MAX_LEN + 32], inner[600];
	memset(&s->disagg.hw, 0, sizeof s->disagg.hw);
	if (!s->disagg.hw_name[0])
		return 0;
	scenario_default(&tmp);
	int n = snprintf(doc, sizeof doc, "hardware: '%s'\n", s->disagg.hw_name);
	if (strchr(s->disagg.hw_name, '\'') || preset_load_buffer(&tmp, "prefill.hardware", doc, (size_t)n, inner, sizeof inner) != 0) {
		snprintf(err, errlen, "prefill.hardware: no hardware preset named '%s' (the presets command lists them)",
			 s->disagg.hw_name);
		return -1;
	}
	s->disagg.hw = tmp.hw;
	return 0;
}

int preset_load_buffer(struct scenario *s, const char *label, const char *buf, size_t len,
		       char *err, size_t errlen)
{
	struct scenario work = *s;
	struct loader ld = { .label = label, .s = &work, .err = err, .errlen = errlen };

	if (load_document(&ld, buf, len, -1) != 0)
		return -1;
	/* a file that names the prefill pool's GPU: that preset */
	if (strcmp(work.disagg.hw_name, s->disagg.hw_name) != 0 &&
	    preset_resolve_prefill_hw(&work, err, errlen) != 0)
		return -1;
	*s = work;
	return 0;
}

int preset_load_file(struct scenario *s, const char *path, char *err, size_t errlen)
{
	char *text;
	size_t n;
	/* a regular file of at most 1 MiB: a FIFO or a device is refused at once */
	if (file_read_regular(path, MAX_FILE_BYTES, "not a scenario", &text, &n, err, errlen) != 0)
		return -1;
	int rc = preset_load_buffer(s, path, text, n, err, errlen);
	free(text);
	return rc;
}

static bool looks_like_path(const char *s)
{
	size_t l = strlen(s);
	return strchr(s, '/') || (l > 5 && strcmp(s + l - 5, ".yaml") == 0) ||
	       (l > 4 && strcmp(s + l - 4, ".yml") == 0);
}

/* The order in which a bare name is looked up. */
static const int lookup_order[] = { PK_SCENARIOS, PK_ENGINES, PK_MODELS, PK_HARDWARE };

int preset_kind_of(const char *what)
{
	char path[4096];
	if (looks_like_path(what))
		return -1;
	for (size_t i = 0; i < sizeof lookup_order / sizeof lookup_order[0]; i++)
		if (preset_find(lookup_order[i], what, path, sizeof path) == 0)
			return lookup_order[i];
	return -1;
}

int preset_load(struct scenario *s, const char *what, char *err, size_t errlen)
{
	char path[4096];
	const int *order = lookup_order;

	if (looks_like_path(what))
		return preset_load_file(s, what, err, errlen);
	for (size_t i = 0; i < sizeof lookup_order / sizeof lookup_order[0]; i++) {
		if (preset_find(order[i], what, path, sizeof path) != 0)
			continue;
		/* a scenario, or an engine: its workload.engine and engine section */
		if (order[i] == PK_SCENARIOS || order[i] == PK_ENGINES)
			return preset_load_file(s, path, err, errlen);
		/* A GPU or a model by name replaces that section, as in a file. */
		char doc[NAME_MAX_LEN + 32];
		int n = snprintf(doc, sizeof doc, "%s: \"%s\"\n",
				 order[i] == PK_HARDWARE ? "hardware" : "model", what);
		return preset_load_buffer(s, what, doc, (size_t)n, err, errlen);
	}
	snprintf(err, errlen, "%s: no such file or preset (the presets command lists them)", what);
	return -1;
}
