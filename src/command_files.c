/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on files: load, save, presets, dag. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "command_impl.h"
#include "evaluate.h"
#include "dag.h"
#include "import_hf.h"
#include "nearest.h"
#include "path.h"
#include "numfmt.h"
#include "preset.h"
#include "report.h"
#include "scenario_resolve.h"
#include "strategy_parse.h"

static int load_file(struct session *ss, const char *what, char *err, size_t errlen)
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

/* A new model under an old scenario: what the file did not say is made to
 * fit it, and each change is said.  The strategy stays when the new model
 * can run it, else the nearest valid one; a scenario still named after the
 * old model (or the built-in one) takes the new model's name; a throughput
 * target above what the new model can reach on this GPU is dropped. */
static void fit_new_model(struct session *ss, const struct scenario *before)
{
	static struct result r;
	struct scenario *s = &ss->scn;
	struct scenario defaults;
	const struct sink *k = &ss->sink;
	char was[96], now[96];

	if (!memcmp(&before->model, &s->model, sizeof s->model))
		return;
	scenario_default(&defaults);
	if (!strcmp(s->name, before->name) &&
	    (!strcmp(s->name, defaults.name) || !strcmp(s->name, before->model.name)))
		snprintf(s->name, sizeof s->name, "%s", s->model.name);
	cost_evaluate(s, &r);
	if (!r.ok && !memcmp(&before->strat, &s->strat, sizeof s->strat)) {
		struct strategy st;
		if (nearest_valid_strategy(s, &ss->stop, &st)) {
			strategy_format(&s->strat, was, sizeof was);
			s->strat = st;
			strategy_format(&s->strat, now, sizeof now);
			sink_notef(k, "load: %s cannot run %s on %s: the nearest valid strategy %s %s\n", s->model.name, was,
				    s->hw.name, ss->stop.stopped ? "of those seen before the search was stopped is" : "is",
				    now);
			cost_evaluate(s, &r);
		}
	}
	double target = s->req.tokens_per_ms_per_gpu, ceiling = r.ceiling_tokens_per_ms_per_gpu;
	if (target == before->req.tokens_per_ms_per_gpu && !isnan(target) && isfinite(ceiling) && target > ceiling) {
		s->req.tokens_per_ms_per_gpu = NAN;
		sink_notef(k, "load: dropped the throughput target of %s tok/ms/GPU: above %s's compute ceiling of %s on %s\n",
			    NUM(target), s->model.name, NUM(ceiling), s->hw.name);
	}
}

void session_load_begin(struct session *ss)
{
	ss->fit_pending = false;
}

void session_load_end(struct session *ss)
{
	if (ss->fit_pending)
		fit_new_model(ss, &ss->fit_before);
	ss->fit_pending = false;
}

int session_load_next(struct session *ss, const char *what, char *err, size_t errlen)
{
	static struct scenario prev;
	/* a model alone (a model preset, a config.json) comes under the
	 * scenario; a scenario file says all it means, invalid or not */
	bool model_only = import_hf_wants(what) || preset_kind_of(what) == PK_MODELS;
	prev = ss->scn;
	if (load_file(ss, what, err, errlen) != 0)
		return -1;
	if (model_only && !ss->fit_pending) {
		ss->fit_before = prev;
		ss->fit_pending = true;
	} else if (!model_only && ss->fit_pending && memcmp(&prev.model, &ss->scn.model, sizeof prev.model)) {
		/* a scenario file brought its own model: it says all it means */
		ss->fit_pending = false;
	}
	/* remembered for reload (the oldest are forgotten past eight) */
	if (ss->n_loaded == (int)(sizeof ss->loaded / sizeof ss->loaded[0])) {
		memmove(ss->loaded[0], ss->loaded[1], sizeof ss->loaded - sizeof ss->loaded[0]);
		ss->n_loaded--;
	}
	snprintf(ss->loaded[ss->n_loaded++], sizeof ss->loaded[0], "%s", what);
	return 0;
}

int session_load(struct session *ss, const char *what, char *err, size_t errlen)
{
	session_load_begin(ss);
	int rc = session_load_next(ss, what, err, errlen);
	session_load_end(ss);
	return rc;
}

int cmd_load(struct invocation *inv)
{
	char err[1024];
	session_load_begin(inv->ss);
	for (int i = 1; i < inv->argc; i++)
		if (session_load_next(inv->ss, inv->w[i].text, err, sizeof err) != 0) {
			session_load_end(inv->ss);
			return cmd_fail(inv, i, "%s", err);
		}
	session_load_end(inv->ss);
	return 0;
}

int session_save(struct session *ss, const char *path, bool force, char *written, size_t wlen, char *err,
		 size_t errlen)
{
	struct stat st;
	ss->confirm_save[0] = '\0';
	if (!force && ss->no_clobber && stat(path, &st) == 0) {
		snprintf(ss->confirm_save, sizeof ss->confirm_save, "%s", path);
		snprintf(err, errlen, "%s exists: save -f %s overwrites it", path, path);
		return -1;
	}
	if (preset_save_file(&ss->scn, path, err, errlen) != 0)
		return -1;
	path_absolute(path, written, wlen);
	return 0;
}

int cmd_save(struct invocation *inv)
{
	char err[1100], written[4096];
	bool force = inv->argc == 3;
	if (force && strcmp(inv->w[1].text, "-f") != 0)
		return cmd_fail(inv, 1, "'%s': expected -f (overwrite) before the file name", inv->w[1].text);
	int i = force ? 2 : 1;
	if (session_save(inv->ss, inv->w[i].text, force, written, sizeof written, err, sizeof err) != 0)
		return cmd_fail(inv, i, "%s", err);
	sink_notef(&inv->ss->sink, "saved %s\n", written);
	return 0;
}

/* reload: the built-in scenario and every file loaded since the last
 * reset, read again from disk, in order; all or nothing. */
int cmd_reload(struct invocation *inv)
{
	static struct session copy;
	struct session *ss = inv->ss;
	char err[1024];
	if (ss->n_loaded == 0)
		return cmd_fail(inv, 0, "nothing was loaded since the last reset");
	copy = *ss;
	scenario_default(&copy.scn);
	copy.n_loaded = 0;
	session_load_begin(&copy);
	for (int i = 0; i < ss->n_loaded; i++)
		if (session_load_next(&copy, ss->loaded[i], err, sizeof err) != 0) {
			session_load_end(&copy);
			return cmd_fail(inv, 0, "%s", err);
		}
	session_load_end(&copy);
	ss->scn = copy.scn;
	ss->n_loaded = copy.n_loaded;
	memcpy(ss->loaded, copy.loaded, sizeof ss->loaded);
	sink_notef(&ss->sink, "reloaded");
	for (int i = 0; i < ss->n_loaded; i++)
		sink_notef(&ss->sink, " %s", ss->loaded[i]);
	sink_notef(&ss->sink, "\n");
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
		sink_printf(l->k, "%s,", preset_kind_dir(kind));
		csv_field(l->k, name);
		sink_puts(l->k, ",");
		csv_field(l->k, path);
		sink_puts(l->k, "\n");
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
	sink_notef(&ss->sink, "wrote %s (render it with: dot -Tsvg %s -o deployment.svg)\n", inv->w[1].text,
		    inv->w[1].text);
	return 0;
}
