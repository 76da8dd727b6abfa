/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Model ids and the presets of their shapes (model_id.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model_id.h"
#include "preset.h"
#include "scenario_resolve.h"

/* Models published under another name with a preset's shapes: Llama 3.3
 * 70B has Llama 3.1 70B's configuration but for its weights (hidden 8192,
 * 80 layers, 64 heads, 8 KV heads, FFN 28672, vocabulary 128256). */
static const struct {
	const char *base, *preset;
} same_shapes[] = {
	{ "llama-3.3-70b", "llama-3.1-70b" },
};

struct id_match {
	const char *id;
	char base[256];
	char best[NAME_MAX_LEN];
	size_t best_len;
	bool by_id;
	struct scenario tmp;
};

/* Whether name begins base, followed by its end or a '-'. */
static bool begins(const char *base, const char *name)
{
	size_t n = strlen(name);
	return strncmp(base, name, n) == 0 && (base[n] == '\0' || base[n] == '-');
}

static void visit(void *ctx, int kind, const char *name, const char *path)
{
	struct id_match *m = ctx;
	char err[300];
	if (kind != PK_MODELS || m->by_id)
		return;
	scenario_default(&m->tmp);
	m->tmp.model.hf_id[0] = '\0';
	if (preset_load_file(&m->tmp, path, err, sizeof err) == 0 && m->tmp.model.hf_id[0] &&
	    !strcasecmp(m->tmp.model.hf_id, m->id)) {
		snprintf(m->best, sizeof m->best, "%s", name);
		m->by_id = true;
		return;
	}
	if (begins(m->base, name) && strlen(name) > m->best_len) {
		snprintf(m->best, sizeof m->best, "%s", name);
		m->best_len = strlen(name);
	}
}

int model_id_preset(const char *id, char *out, size_t len)
{
	static struct id_match m;   /* large: not on the stack */
	memset(&m, 0, sizeof m);
	m.id = id;
	const char *slash = strrchr(id, '/');
	snprintf(m.base, sizeof m.base, "%s", slash ? slash + 1 : id);
	for (char *p = m.base; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	preset_list(visit, &m);
	if (!m.best[0])
		for (size_t i = 0; i < sizeof same_shapes / sizeof same_shapes[0]; i++)
			if (begins(m.base, same_shapes[i].base))
				snprintf(m.best, sizeof m.best, "%s", same_shapes[i].preset);
	if (!m.best[0])
		return -1;
	snprintf(out, len, "%s", m.best);
	return 0;
}
