/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scenario files in YAML and the preset
 * search path.  Loading is all or nothing: on any error the scenario is
 * left exactly as it was and the message reads "FILE:LINE:COL: ...". */
#ifndef MOESCOPE_PRESET_H
#define MOESCOPE_PRESET_H

#include <stddef.h>

#include "scenario.h"

enum preset_kind { PK_HARDWARE, PK_MODELS, PK_SCENARIOS, PK_ENGINES, PK_COUNT };

/* Merge a YAML file into s: the sections it has, key by key.  A section
 * given as a name ("hardware: h100-sxm") is replaced by that preset. */
int preset_load_file(struct scenario *s, const char *path, char *err, size_t errlen);
/* The same from memory; label names the source in messages. */
int preset_load_buffer(struct scenario *s, const char *label, const char *buf, size_t len,
		       char *err, size_t errlen);
/* A file path, or a preset name looked up in scenarios/, models/, hardware/. */
int preset_load(struct scenario *s, const char *file_or_name, char *err, size_t errlen);

/* The kind of preset a bare name loads (PK_*), or -1 for a path or a name
 * no preset has. */
int preset_kind_of(const char *what);

/* The prefill pool's GPU (disaggregated serving): the hardware preset that
 * s->disagg.hw_name names, into s->disagg.hw; nothing when the name is
 * empty.  -1 with a message when there is no such preset. */
int preset_resolve_prefill_hw(struct scenario *s, char *err, size_t errlen);

/* Write every section in a stable order, atomically: a temporary file in the
 * same directory, flushed and synced, then renamed over path. */
int preset_save_file(const struct scenario *s, const char *path, char *err, size_t errlen);

const char *preset_kind_dir(int kind);   /* "hardware", "models", "scenarios" */

/* The search path, first match wins: $MOESCOPE_PRESETS (colon-separated),
 * $XDG_CONFIG_HOME/moescope/presets, the installed presets, and the source
 * tree's data/presets when running from the build tree. */
int preset_dirs(const char **dirs, int max);

/* Path of preset NAME of a kind, or -1. */
int preset_find(int kind, const char *name, char *path, size_t len);

/* Every preset on the path, shadowed names once, sorted within a kind. */
typedef void (*preset_visit_fn)(void *ctx, int kind, const char *name, const char *path);
void preset_list(preset_visit_fn visit, void *ctx);
/* The same, of one kind (PK_MODELS, ...). */
void preset_list_kind(int kind, preset_visit_fn visit, void *ctx);

#endif
