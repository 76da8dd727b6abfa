/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A model as benchmark files and engines name it ("meta-llama/Llama-3.1-
 * 70B-Instruct", "mistralai/Mixtral-8x7B-v0.1", "deepseek-ai/DeepSeek-R1-
 * 0528") and the shipped model preset that describes its shapes. */
#ifndef MOESCOPE_MODEL_ID_H
#define MOESCOPE_MODEL_ID_H

#include <stddef.h>

/* The preset of a model id: the preset whose model.hf_id is the id (in any
 * case); else the one whose name begins the id's last part, lower-cased,
 * followed by its end or by '-' (a variant: -Instruct, -v0.1, -0528), the
 * longest such name; else one of the few models that share a preset's
 * shapes (Llama-3.3-70B is Llama-3.1-70B's).  0 with the preset's name in
 * out, or -1. */
int model_id_preset(const char *id, char *out, size_t len);

#endif
