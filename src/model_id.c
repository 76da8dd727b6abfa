/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Model ids and the presets of their shapes (model_id.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

/* A model preset's hf_id, read again only when its file changes (inode,
 * size or modification time): a file of thousands of runs looks its ids up
 * row by row, and each lookup visits every model preset. */
#define MEMO_SLOTS 256
static struct memo {
	char path[1024];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char hf_id[sizeof ((struct model *)0)->hf_id];
} memo[MEMO_SLOTS];
static int memo_next;

static const char *preset_hf_id(const char *path, struct scenario *tmp)
{
	struct stat st;
	char err[300];
	bool known = stat(path, &st) == 0 && strlen(path) < sizeof memo[0].path;
	for (int i = 0; known && i < MEMO_SLOTS; i++) {
		const struct memo *e = &memo[i];
		if (e->ino == st.st_ino && e->dev == st.st_dev && e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec && !strcmp(e->path, path))
			return e->hf_id;
	}
	scenario_default(tmp);
	tmp->model.hf_id[0] = '\0';
	if (preset_load_file(tmp, path, err, sizeof err) != 0)
		tmp->model.hf_id[0] = '\0';
	if (known) {
		struct memo *e = &memo[memo_next];
		memo_next = (memo_next + 1) % MEMO_SLOTS;
		snprintf(e->path, sizeof e->path, "%s", path);
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->size = st.st_size;
		e->mtime = st.st_mtim;
		snprintf(e->hf_id, sizeof e->hf_id, "%s", tmp->model.hf_id);
	}
	return tmp->model.hf_id;
}

static void visit(void *ctx, int kind, const char *name, const char *path)
{
	struct id_match *m = ctx;
	if (kind != PK_MODELS || m->by_id)
		return;
	const char *hf_id = preset_hf_id(path, &m->tmp);
	if (hf_id[0] && !strcasecmp(hf_id, m->id)) {
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
	preset_list_kind(PK_MODELS, visit, &m);
	if (!m.best[0])
		for (size_t i = 0; i < sizeof same_shapes / sizeof same_shapes[0]; i++)
			if (begins(m.base, same_shapes[i].base))
				snprintf(m.best, sizeof m.best, "%s", same_shapes[i].preset);
	if (!m.best[0])
		return -1;
	snprintf(out, len, "%s", m.best);
	return 0;
}
