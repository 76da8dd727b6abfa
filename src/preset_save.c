/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saving a scenario as YAML with libyaml's emitter, atomically. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "atomic_file.h"
#include "keys.h"
#include "preset.h"

/* yaml_emitter_emit takes the event even when it fails. */
static bool emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev) != 0;
}

/* Whether a plain scalar of text would read back as YAML's null. */
static bool reads_as_null(const char *text)
{
	return !*text || !strcmp(text, "~") || !strcmp(text, "null") || !strcmp(text, "Null") || !strcmp(text, "NULL");
}

static bool emit_scalar(yaml_emitter_t *em, const char *text)
{
	yaml_event_t ev;
	/* an empty text, ~ or null is written quoted: plain, it would read
	 * back as null (a name "null" is a name) */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1, 1,
					  reads_as_null(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE))
		return false;
	return emit(em, &ev);
}

static bool emit_mapping_start(yaml_emitter_t *em)
{
	yaml_event_t ev;
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	return emit(em, &ev);
}

static bool emit_mapping_end(yaml_emitter_t *em)
{
	yaml_event_t ev;
	yaml_mapping_end_event_initialize(&ev);
	return emit(em, &ev);
}

static bool emit_scenario(yaml_emitter_t *em, const struct scenario *s)
{
	yaml_event_t ev;
	char value[NAME_MAX_LEN + 32];

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!emit(em, &ev))
		return false;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (!emit(em, &ev) || !emit_mapping_start(em))
		return false;
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		bool open = false;
		for (size_t i = 0; i < key_count; i++) {
			const struct key *k = &key_table[i];
			if (k->section != sec || (k->flags & KF_NOSAVE))
				continue;
			if (sec != SEC_TOP && !open) {
				if (!emit_scalar(em, key_section_name(sec)) || !emit_mapping_start(em))
					return false;
				open = true;
			}
			key_get(s, k, value, sizeof value);
			if (!emit_scalar(em, key_leaf(k)) || !emit_scalar(em, value))
				return false;
		}
		if (open && !emit_mapping_end(em))
			return false;
	}
	if (!emit_mapping_end(em))
		return false;
	yaml_document_end_event_initialize(&ev, 1);
	if (!emit(em, &ev))
		return false;
	yaml_stream_end_event_initialize(&ev);
	return emit(em, &ev) && yaml_emitter_flush(em);
}

static int write_temp(FILE *f, const struct scenario *s, char *err, size_t errlen, const char *tmp)
{
	yaml_emitter_t em;

	if (fprintf(f, "# moescope %s scenario: load it with `moescope FILE` or `load FILE`\n",
		    PACKAGE_VERSION) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (!yaml_emitter_initialize(&em)) {
		snprintf(err, errlen, "%s: out of memory", tmp);
		return -1;
	}
	yaml_emitter_set_output_file(&em, f);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 100);
	bool ok = emit_scenario(&em, s);
	if (!ok)
		snprintf(err, errlen, "%s: %s", tmp, em.problem ? em.problem :
			 errno ? strerror(errno) : "write error");
	yaml_emitter_delete(&em);
	return ok ? 0 : -1;
}

int preset_save_file(const struct scenario *s, const char *path, char *err, size_t errlen)
{
	struct atomic_file af;

	if (atomic_open(&af, path, err, errlen) != 0)
		return -1;
	if (write_temp(af.f, s, err, errlen, path) != 0) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af, err, errlen);
}
