/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on files: load, save, presets, dag. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "command_impl.h"
#include "dag.h"
#include "import_hf.h"
#include "preset.h"
#include "report.h"

int session_load(struct session *ss, const char *what, char *err, size_t errlen)
{
	/* a Hugging Face config.json (or the directory that holds one) is a
	 * model section; anything else a scenario file or a preset */
	if (!import_hf_wants(what))
		return preset_load(&ss->scn, what, err, errlen);
	struct model m;
	if (import_hf_config(what, &m, ss->import_ignored, sizeof ss->import_ignored, err, errlen) != 0)
		return -1;
	ss->scn.model = m;
	snprintf(ss->import_model, sizeof ss->import_model, "%s", m.name);
	snprintf(ss->import_source, sizeof ss->import_source, "%s", what);
	return 0;
}

int cmd_load(struct invocation *inv)
{
	char err[1024];
	for (int i = 1; i < inv->argc; i++)
		if (session_load(inv->ss, inv->w[i].text, err, sizeof err) != 0)
			return cmd_fail(inv, i, "%s", err);
	return 0;
}

int cmd_save(struct invocation *inv)
{
	char err[1024];
	if (preset_save_file(&inv->ss->scn, inv->w[1].text, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	return 0;
}

struct listing {
	const struct sink *k;
	int kind;
	int format;
	int count;
};

static void list_one(void *ctx, int kind, const char *name, const char *path)
{
	struct listing *l = ctx;
	if (l->format == FMT_CSV) {
		sink_printf(l->k, "%s,%s,%s\n", preset_kind_dir(kind), name, path);
	} else if (l->format == FMT_JSON) {
		sink_printf(l->k, "%s{\"kind\": \"%s\", \"name\": ", l->count ? ", " : "", preset_kind_dir(kind));
		json_string(l->k, name);
		sink_puts(l->k, ", \"path\": ");
		json_string(l->k, path);
		sink_puts(l->k, "}");
	} else {
		if (kind != l->kind)
			sink_printf(l->k, "%s:\n", preset_kind_dir(kind));
		sink_printf(l->k, "  %-24s %s\n", name, path);
	}
	l->kind = kind;
	l->count++;
}

int cmd_presets(struct invocation *inv)
{
	struct listing l = { .k = &inv->ss->sink, .kind = -1, .format = inv->ss->format };
	if (l.format == FMT_CSV)
		sink_puts(l.k, "kind,name,path\n");
	if (l.format == FMT_JSON)
		sink_puts(l.k, "{\"schema\": \"moescope/1\", \"presets\": [");
	preset_list(list_one, &l);
	if (l.format == FMT_JSON)
		sink_puts(l.k, "]}\n");
	else if (l.format == FMT_TEXT && l.count == 0) {
		const char *dirs[16];
		int n = preset_dirs(dirs, 16);
		sink_puts(l.k, "no presets found; searched:\n");
		for (int i = 0; i < n; i++)
			sink_printf(l.k, "  %s\n", dirs[i]);
	}
	return 0;
}

int cmd_dag(struct invocation *inv)
{
	struct session *ss = inv->ss;
	char err[600];

	if (inv->argc == 1) {
		if (dag_write(&ss->sink, &ss->scn, err, sizeof err) != 0)
			return cmd_fail(inv, 0, "%s", err);
		return 0;
	}
	struct atomic_file af;
	if (atomic_open(&af, inv->w[1].text, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	struct sink to_file;
	sink_file(&to_file, af.f);
	if (dag_write(&to_file, &ss->scn, err, sizeof err) != 0) {
		atomic_abort(&af);
		return cmd_fail(inv, 0, "%s", err);
	}
	if (atomic_commit(&af, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	sink_printf(&ss->sink, "wrote %s (render it with: dot -Tsvg %s -o deployment.svg)\n", inv->w[1].text,
		    inv->w[1].text);
	return 0;
}
