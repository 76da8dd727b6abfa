/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hugging Face transformers config.json into the model section, for the
 * architectures of the shipped presets and their families. */
#ifndef MOESCOPE_IMPORT_HF_H
#define MOESCOPE_IMPORT_HF_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* A path the importer reads: a .json file, or a directory holding a
 * config.json. */
bool import_hf_wants(const char *path);

/* Read the config at path (a file or a directory with config.json) into
 * *out, a whole model section (every field set).  ignored: the config's
 * fields moescope does not use, comma-separated.  -1 with a message
 * (FILE:LINE:COL for JSON syntax, the missing field or the unknown
 * architecture otherwise) and *out untouched. */
int import_hf_config(const char *path, struct model *out, char *ignored, size_t ignored_len, char *err,
		     size_t errlen);
/* The same from a buffer; label names it in messages. */
int import_hf_buffer(const char *label, const char *buf, size_t len, struct model *out, char *ignored,
		     size_t ignored_len, char *err, size_t errlen);

#endif
