/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on files: load, save, presets, dag. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "command_impl.h"
#include "cost.h"
#include "dag.h"
#include "import_hf.h"
#include "nearest.h"
#include "numfmt.h"
#include "preset.h"
#include "report.h"
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
	/* notes go with the output in text; JSON and CSV stay parseable */
	struct sink notes = *k;
	if (ss->format != FMT_TEXT)
		notes.out = notes.err;
	k = &notes;
	scenario_default(&defaults);
	if (!strcmp(s->name, before->name) &&
	    (!strcmp(s->name, defaults.name) || !strcmp(s->name, before->model.name)))
		snprintf(s->name, sizeof s->name, "%s", s->model.name);
	cost_evaluate(s, &r);
	if (!r.ok && !memcmp(&before->strat, &s->strat, sizeof s->strat)) {
		struct strategy st;
		if (nearest_valid_strategy(s, &st)) {
			strategy_format(&s->strat, was, sizeof was);
			s->strat = st;
			strategy_format(&s->strat, now, sizeof now);
			sink_printf(k, "load: %s cannot run %s on %s: the nearest valid strategy is %s\n", s->model.name,
				    was, s->hw.name, now);
			cost_evaluate(s, &r);
		}
	}
	double target = s->req.tokens_per_ms_per_gpu, ceiling = r.ceiling_tokens_per_ms_per_gpu;
	if (target == before->req.tokens_per_ms_per_gpu && !isnan(target) && isfinite(ceiling) && target > ceiling) {
		s->req.tokens_per_ms_per_gpu = NAN;
		sink_printf(k, "load: dropped the throughput target of %s tok/ms/GPU: above %s's compute ceiling of %s on %s\n",
			    NUM(target), s->model.name, NUM(ceiling), s->hw.name);
	}
}

int session_load(struct session *ss, const char *what, char *err, size_t errlen)
{
	static struct scenario before;
	/* a model alone (a model preset, a config.json) comes under the
	 * scenario; a scenario file says all it means, invalid or not */
	bool model_only = import_hf_wants(what) || preset_kind_of(what) == PK_MODELS;
	before = ss->scn;
	if (load_file(ss, what, err, errlen) != 0)
		return -1;
	if (model_only)
		fit_new_model(ss, &before);
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
