/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on engine launch commands: export and import. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "command_impl.h"
#include "evaluate.h"
#include "diag.h"
#include "deploy_disagg.h"
#include "export_engine.h"
#include "file_read.h"
#include "import_engine.h"
#include "import_hf.h"
#include "name_text.h"
#include "preset.h"
#include "report.h"
#include "scenario_resolve.h"
#include "serve.h"
#include "strategy_parse.h"

/* An options file or a launch script: a few kilobytes. */
#define ENGINE_FILE_MAX (256 * 1024)

/* One command's fields, after the opening brace. */
static void command_fields(const struct sink *k, const struct engine_command *c, const char *line)
{
	sink_puts(k, "\"command\": ");
	json_string(k, line);
	sink_puts(k, ", \"argv\": [");
	for (int i = 0; i < c->argc; i++) {
		sink_puts(k, i ? ", " : "");
		json_string(k, c->argv[i]);
	}
	sink_puts(k, "], \"options_file\": ");
	if (c->options_file[0])
		json_string(k, c->options_file);
	else
		sink_puts(k, "null");
	sink_puts(k, ", \"options\": ");
	if (c->options_file[0])
		json_string(k, c->options);
	else
		sink_puts(k, "null");
	sink_printf(k, ", \"hosts\": %ld, \"gpus_per_host\": %ld, \"prelude\": ", c->hosts, c->per_host);
	json_string(k, c->prelude);
	sink_puts(k, ", \"notes\": [");
	for (int i = 0; i < c->n_notes; i++) {
		sink_puts(k, i ? ", " : "");
		json_string(k, c->notes[i]);
	}
	sink_puts(k, "]");
}

static void export_head(const struct sink *k, int engine, const char *file)
{
	sink_puts(k, "{\"schema\": \"moescope/1\", \"export\": {\"engine\": ");
	json_string(k, serve_engine_name(engine));
	sink_puts(k, ", \"file\": ");
	if (file)
		json_string(k, file);
	else
		sink_puts(k, "null");
	sink_puts(k, ", ");
}

static void export_json(const struct sink *k, const struct engine_command *c, const char *line, const char *file)
{
	export_head(k, c->engine, file);
	command_fields(k, c, line);
	sink_puts(k, "}}\n");
}

/* Disaggregated: the three commands, each as export_json gives one. */
static void export_json_disagg(const struct sink *k, const struct engine_disagg *d, char *text, size_t len,
			       const char *file)
{
	const struct {
		const char *role;
		const struct engine_command *c;
	} parts[3] = { { "prefill", &d->prefill }, { "decode", &d->decode }, { "router", &d->router } };
	export_head(k, d->decode.engine, file);
	sink_printf(k, "\"mode\": \"disagg\", \"prefill_instances\": %ld, \"decode_instances\": %ld",
		    d->prefill_instances, d->decode_instances);
	for (int i = 0; i < 3; i++) {
		engine_command_text(parts[i].c, 0, text, len);
		sink_printf(k, ", \"%s\": {", parts[i].role);
		command_fields(k, parts[i].c, text);
		sink_puts(k, "}");
	}
	sink_puts(k, "}}\n");
}

/* The command as a shell script: the options file written by a here
 * document, then the launch. */
/* The notes of a command as comment lines (free of line breaks). */
static void notes_text(const struct sink *k, const struct engine_command *c, const char *who)
{
	char line[4 * sizeof c->notes[0]];
	for (int i = 0; i < c->n_notes; i++) {
		name_visible(c->notes[i], line, sizeof line);
		sink_printf(k, "# note%s%s%s: %s\n", who ? " (" : "", who ? who : "", who ? ")" : "", line);
	}
}

/* What runs: moescope's own shell lines (the per-host variables), the
 * options file by a here document, the launch. */
static void body_text(const struct sink *k, const struct engine_command *c, char *text, size_t len)
{
	sink_puts(k, c->prelude);
	/* the options are moescope's own YAML, which never holds the
	 * delimiter line (engine_export checks) */
	if (c->options_file[0])
		sink_printf(k, "cat > %s <<'%s'\n%s%s\n", c->options_file, ENGINE_HEREDOC_END, c->options,
			    ENGINE_HEREDOC_END);
	engine_command_text(c, 1, text, len);
	sink_printf(k, "%s\n", text);
}

static void hosts_text(const struct sink *k, const struct engine_command *c, const char *what)
{
	if (c->hosts > 1 && c->prelude[0])
		sink_printf(k, "# %s%ld hosts of %ld GPUs: run it on each with NODE_RANK=0 to %ld and HEAD_ADDR=the address of host 0\n",
			    what, c->hosts, c->per_host, c->hosts - 1);
}

static void export_text(const struct sink *k, const struct scenario *s, const struct engine_command *c, char *text,
			size_t len)
{
	char label[96], model[4 * NAME_MAX_LEN], hw[4 * NAME_MAX_LEN];
	strategy_format(&s->strat, label, sizeof label);
	/* a comment ends at a line break: nothing in one may hold a control */
	name_visible(s->model.name, model, sizeof model);
	name_visible(s->hw.name, hw, sizeof hw);
	sink_printf(k, "# %s for %s on %ld x %s, %s\n", serve_engine_display_name(c->engine), model,
		    s->strat.dp * s->strat.tp * s->strat.pp, hw, label);
	hosts_text(k, c, "");
	notes_text(k, c, NULL);
	body_text(k, c, text, len);
}

/* Disaggregated: one script for every machine, its part chosen by ROLE. */
static void export_text_disagg(const struct sink *k, const struct scenario *s, const struct engine_disagg *d,
			       char *text, size_t len)
{
	char pre[96], dec[96], model[4 * NAME_MAX_LEN], hw[4 * NAME_MAX_LEN];
	struct strategy ps = disagg_prefill_strategy(s);
	strategy_format(&ps, pre, sizeof pre);
	strategy_format(&s->strat, dec, sizeof dec);
	name_visible(s->model.name, model, sizeof model);
	name_visible(s->hw.name, hw, sizeof hw);
	sink_printf(k, "# %s disaggregated for %s on %s: %ld prefill instance%s of %s, %ld decode instance%s of %s, a router\n",
		    serve_engine_display_name(d->decode.engine), model, hw, d->prefill_instances,
		    d->prefill_instances == 1 ? "" : "s", pre, d->decode_instances, d->decode_instances == 1 ? "" : "s", dec);
	sink_puts(k, "# run it with ROLE=prefill on each prefill instance, ROLE=decode on each decode instance, and\n"
		     "# ROLE=router on one host with PREFILL_ADDRS and DECODE_ADDRS: the addresses of the instances\n");
	hosts_text(k, &d->prefill, "a prefill instance: ");
	hosts_text(k, &d->decode, "a decode instance: ");
	notes_text(k, &d->prefill, "prefill");
	notes_text(k, &d->decode, "decode");
	notes_text(k, &d->router, "router");
	sink_printf(k, "PREFILL_INSTANCES=%ld\nDECODE_INSTANCES=%ld\n", d->prefill_instances, d->decode_instances);
	sink_puts(k, "ROLE=${ROLE:?set ROLE to prefill, decode or router}\ncase \"$ROLE\" in\nprefill)\n");
	body_text(k, &d->prefill, text, len);
	sink_puts(k, ";;\ndecode)\n");
	body_text(k, &d->decode, text, len);
	sink_puts(k, ";;\nrouter)\n");
	sink_puts(k, "PREFILL_ADDRS=${PREFILL_ADDRS:?set PREFILL_ADDRS to the addresses of the prefill instances}\n"
		     "DECODE_ADDRS=${DECODE_ADDRS:?set DECODE_ADDRS to the addresses of the decode instances}\n");
	body_text(k, &d->router, text, len);
	sink_puts(k, ";;\n*)\necho \"ROLE must be prefill, decode or router\" >&2\nexit 2\n;;\nesac\n");
}

/* workload.mode disagg: prefill, decode and router in one script. */
static int export_disagg(struct invocation *inv, int engine)
{
	static struct engine_disagg d;   /* large: not on the stack */
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	const struct sink *k = &inv->ss->sink;
	const struct scenario *s = &inv->ss->scn;
	char err[600];
	if (engine_export_disagg(engine, s, &d, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	if (inv->argc == 3) {
		struct atomic_file af;
		struct sink to_file;
		if (atomic_open(&af, inv->w[2].text, err, sizeof err) != 0)
			return cmd_fail(inv, 2, "%s", err);
		sink_file(&to_file, af.f);
		sink_puts(&to_file, "#!/bin/sh\nset -e\n");
		export_text_disagg(&to_file, s, &d, text, sizeof text);
		if (atomic_commit(&af, err, sizeof err) != 0)
			return cmd_fail(inv, 2, "%s", err);
		sink_notef(k, "wrote %s (run it on each machine with ROLE=prefill, decode or router: sh %s)\n",
			   inv->w[2].text, inv->w[2].text);
		if (inv->ss->format == FMT_JSON)
			export_json_disagg(k, &d, text, sizeof text, inv->w[2].text);
		return 0;
	}
	if (inv->ss->format == FMT_JSON)
		export_json_disagg(k, &d, text, sizeof text, NULL);
	else
		export_text_disagg(k, s, &d, text, sizeof text);
	return 0;
}

int cmd_export(struct invocation *inv)
{
	static struct engine_command c;   /* large: not on the stack */
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	const struct sink *k = &inv->ss->sink;
	const struct scenario *s = &inv->ss->scn;
	char err[600];

	int engine = serve_engine_find(inv->w[1].text);
	if (engine == ENGINE_NONE)
		return cmd_fail(inv, 1, "'%s': expected an engine: vllm, sglang or trtllm", inv->w[1].text);
	if (s->work.mode == MODE_DISAGG)
		return export_disagg(inv, engine);
	if (engine_export(engine, s, &c, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	if (inv->argc == 3) {
		struct atomic_file af;
		struct sink to_file;
		if (atomic_open(&af, inv->w[2].text, err, sizeof err) != 0)
			return cmd_fail(inv, 2, "%s", err);
		sink_file(&to_file, af.f);
		sink_puts(&to_file, "#!/bin/sh\nset -e\n");
		export_text(&to_file, s, &c, text, sizeof text);
		if (atomic_commit(&af, err, sizeof err) != 0)
			return cmd_fail(inv, 2, "%s", err);
		sink_notef(k, "wrote %s (run it on the serving machine: sh %s; read it back: import %s)\n",
			   inv->w[2].text, inv->w[2].text, inv->w[2].text);
		/* JSON asked for: the command as JSON too, with the file */
		if (inv->ss->format == FMT_JSON) {
			engine_command_text(&c, 0, text, sizeof text);
			export_json(k, &c, text, inv->w[2].text);
		}
		return 0;
	}
	if (inv->ss->format == FMT_JSON) {
		engine_command_text(&c, 0, text, sizeof text);
		export_json(k, &c, text, NULL);
		return 0;
	}
	export_text(k, s, &c, text, sizeof text);
	return 0;
}

/* ---- import ---- */

struct model_match {
	const char *id;
	char base[256];       /* the id's last part in lower case: "deepseek-r1" */
	struct scenario tmp;
	struct model found;
	char name[NAME_MAX_LEN];
	int how;              /* 0 none, 1 by name, 2 by Hugging Face id */
};

static void match_model(void *ctx, int kind, const char *name, const char *path)
{
	struct model_match *mm = ctx;
	char err[300];
	if (kind != PK_MODELS || mm->how == 2)
		return;
	scenario_default(&mm->tmp);
	mm->tmp.model.hf_id[0] = '\0';
	if (preset_load_file(&mm->tmp, path, err, sizeof err) != 0)
		return;
	int how = mm->tmp.model.hf_id[0] && !strcasecmp(mm->tmp.model.hf_id, mm->id) ? 2
		  : !strcasecmp(name, mm->base)                                     ? 1
										    : 0;
	if (how > mm->how) {
		mm->how = how;
		mm->found = mm->tmp.model;
		snprintf(mm->name, sizeof mm->name, "%s", name);
	}
}

/* The command's model: a config.json it points at, or a shipped preset
 * with that Hugging Face id (or named as the id's last part).  1 when
 * none is found: the scenario keeps its model. */
static int find_model(const char *id, struct model *out, char *ignored, size_t ignored_len, char *how, size_t howlen,
		      char *err, size_t errlen)
{
	static struct model_match mm;   /* large: not on the stack */
	struct stat st;
	if (import_hf_wants(id) && stat(id, &st) == 0) {
		if (import_hf_config(id, out, ignored, ignored_len, err, errlen) != 0)
			return -1;
		snprintf(how, howlen, "from its config.json");
		return 0;
	}
	memset(&mm, 0, sizeof mm);
	mm.id = id;
	const char *slash = strrchr(id, '/');
	snprintf(mm.base, sizeof mm.base, "%.*s", (int)sizeof mm.base - 1, slash ? slash + 1 : id);
	for (char *p = mm.base; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	preset_list(match_model, &mm);
	if (!mm.how)
		return 1;
	*out = mm.found;
	snprintf(how, howlen, "preset %s", mm.name);
	return 0;
}

/* The body of a here document in a script that writes `file`
 * ("cat > FILE <<'TAG'" ... "TAG"), as export writes one; NULL if none. */
static const char *heredoc(const char *script, const char *file, size_t *len)
{
	size_t fl = strlen(file);
	for (const char *p = strstr(script, file); p; p = strstr(p + 1, file)) {
		const char *q = p + fl;
		while (*q == ' ' || *q == '\t')
			q++;
		if (q[0] != '<' || q[1] != '<')
			continue;
		q += 2;
		while (*q == ' ' || *q == '\t' || *q == '\'' || *q == '"')
			q++;
		char tag[32];
		size_t tl = 0;
		while (*q && !strchr(" \t'\"\n", *q) && tl + 1 < sizeof tag)
			tag[tl++] = *q++;
		tag[tl] = '\0';
		const char *body = strchr(q, '\n');
		if (!tl || !body)
			continue;
		body++;
		for (const char *line = body; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
			if (!strncmp(line, tag, tl) && (line[tl] == '\n' || line[tl] == '\0')) {
				*len = (size_t)(line - body);
				return body;
			}
		}
	}
	return NULL;
}

/* The options file a TensorRT-LLM command names: written by the script it
 * came from, beside that script when relative, else as the shell finds it. */
static int read_options(struct invocation *inv, struct engine_import *imp, const char *script, const char *script_text)
{
	char path[4096], err[600];
	char *buf;
	size_t len;
	const char *slash = script ? strrchr(script, '/') : NULL;
	const char *inline_body = script_text ? heredoc(script_text, imp->options_file, &len) : NULL;
	struct stat st;
	if (inline_body) {
		snprintf(path, sizeof path, "%s (%s)", script, imp->options_file);
		if (engine_import_options(imp, path, inline_body, len, err, sizeof err) != 0)
			return cmd_fail(inv, 1, "%s", err);
		return 0;
	}
	snprintf(path, sizeof path, "%s", imp->options_file);
	if (imp->options_file[0] != '/' && slash) {
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - script), script, imp->options_file);
		if (stat(path, &st) != 0)
			snprintf(path, sizeof path, "%s", imp->options_file);
	}
	if (file_read_regular(path, ENGINE_FILE_MAX, "not an options file", &buf, &len, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "--extra_llm_api_options %s", err);
	int rc = engine_import_options(imp, path, buf, len, err, sizeof err);
	free(buf);
	return rc == 0 ? 0 : cmd_fail(inv, 1, "%s", err);
}

static void import_report(struct invocation *inv, const struct engine_import *imp, const char *how)
{
	const struct sink *k = &inv->ss->sink;
	const struct scenario *s = &inv->ss->scn;
	char label[96];
	strategy_format(&s->strat, label, sizeof label);
	long gpus = s->strat.dp * s->strat.tp * s->strat.pp;
	if (inv->ss->format == FMT_JSON) {
		sink_puts(k, "{\"schema\": \"moescope/1\", \"import\": {\"engine\": ");
		json_string(k, serve_engine_name(imp->engine));
		sink_puts(k, ", \"model\": ");
		json_string(k, s->model.name);
		sink_puts(k, ", \"model_from\": ");
		json_string(k, how);
		sink_puts(k, ", \"strategy\": ");
		json_string(k, label);
		sink_printf(k, ", \"gpus\": %ld, \"ignored\": ", gpus);
		json_string(k, imp->ignored);
		sink_puts(k, "}}\n");
		return;
	}
	if (inv->ss->format == FMT_CSV) {
		sink_puts(k, "engine,model,model_from,strategy,gpus,ignored\n");
		csv_field(k, serve_engine_name(imp->engine));
		sink_puts(k, ",");
		csv_field(k, s->model.name);
		sink_puts(k, ",");
		csv_field(k, how);
		sink_printf(k, ",%s,%ld,", label, gpus);
		csv_field(k, imp->ignored);
		sink_puts(k, "\n");
		return;
	}
	/* a change of the scenario, said beside the output */
	sink_notef(k, "imported %s: %s (%s), %s on %ld GPU%s\n", serve_engine_display_name(imp->engine),
		   s->model.name, how, label, gpus, gpus == 1 ? "" : "s");
	if (s->work.mode == MODE_DISAGG) {
		char pre[96];
		struct strategy ps = disagg_prefill_strategy(s);
		strategy_format(&ps, pre, sizeof pre);
		sink_notef(k, "  disaggregated: %ld prefill instance%s of %s beside %ld decode instance%s\n",
			   s->disagg.prefill_workers, s->disagg.prefill_workers == 1 ? "" : "s", pre, s->disagg.decode_workers,
			   s->disagg.decode_workers == 1 ? "" : "s");
	}
	if (imp->ignored[0])
		sink_notef(k, "  not read (no effect on the figures): %s\n", imp->ignored);
}

/* The part of a disaggregated script (export_text_disagg) that a role
 * runs: from "ROLE)" to its ";;"; false when there is none. */
static bool role_section(const char *text, const char *role, char *out, size_t len)
{
	char label[32];
	snprintf(label, sizeof label, "\n%s)\n", role);
	const char *a = strstr(text, label);
	if (!a)
		return false;
	a += strlen(label);
	const char *b = strstr(a, "\n;;\n");
	if (!b || (size_t)(b - a) >= len)
		return false;
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return true;
}

static long script_count(const char *text, const char *name)
{
	char key[40];
	snprintf(key, sizeof key, "\n%s=", name);
	const char *p = strstr(text, key);
	long n = p ? strtol(p + strlen(key), NULL, 10) : 0;
	return n >= 1 && n <= 100000 ? n : 1;
}

/* A disaggregated script: its prefill instance's strategy (and GPU count)
 * into prefill.*, the instances into disagg.*, workload.mode disagg; the
 * decode instance was read as the command. */
static int import_prefill(struct invocation *inv, const char *script, const char *file, struct scenario *next)
{
	static struct engine_import imp;
	static struct scenario pool;
	static char part[ENGINE_FILE_MAX];
	char err[600];
	if (!role_section(file, "prefill", part, sizeof part))
		return cmd_fail(inv, 1, "%s: a disaggregated script without its prefill part", script);
	if (engine_import_parse(part, &imp, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s (prefill): %s", script, err);
	if (imp.options_file[0] && read_options(inv, &imp, script, file) != 0)
		return -1;
	pool = *next;
	if (engine_import_apply(&imp, &pool, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s (prefill): %s", script, err);
	next->disagg.dp = pool.strat.dp;
	next->disagg.tp = pool.strat.tp;
	next->disagg.pp = pool.strat.pp;
	next->disagg.ep = pool.strat.ep;
	next->disagg.etp = pool.strat.etp;
	next->disagg.prefill_workers = script_count(file, "PREFILL_INSTANCES");
	next->disagg.decode_workers = script_count(file, "DECODE_INSTANCES");
	next->work.mode = MODE_DISAGG;
	return 0;
}

int cmd_import(struct invocation *inv)
{
	static struct engine_import imp;   /* large: not on the stack */
	static struct scenario next;
	static struct result r;
	static char text[MAX_WORDS * MAX_WORD], ignored[600];
	char err[600], how[NAME_MAX_LEN + 128];
	const char *script = NULL;
	struct stat st;
	char *file = NULL;

	/* --lenient: flags that look misspelt are passed over, not refused */
	int first = 1;
	bool lenient = inv->argc > 1 && !strcmp(inv->w[1].text, "--lenient");
	if (lenient)
		first = 2;
	if (inv->argc <= first)
		return cmd_fail(inv, 0, "import needs an engine's launch command or a script: import [--lenient] \"COMMAND\"|SCRIPT");
	/* one word that is a file: a launch script; else the command itself,
	 * quoted as one word or written out */
	if (inv->argc == first + 1 && !strchr(inv->w[first].text, ' ') && stat(inv->w[first].text, &st) == 0) {
		size_t len;
		script = inv->w[first].text;
		if (file_read_regular(script, ENGINE_FILE_MAX, "not a launch command", &file, &len, err, sizeof err) != 0)
			return cmd_fail(inv, 1, "%s", err);
	} else {
		cmd_join_words(inv, first, text, sizeof text);
	}
	/* a disaggregated script: its decode instance is the command */
	static char decode_part[ENGINE_FILE_MAX];
	bool disagg = file && strstr(file, "case \"$ROLE\" in") && role_section(file, "decode", decode_part, sizeof decode_part);
	int rc = engine_import_parse_as(disagg ? decode_part : file ? file : text, lenient, &imp, err, sizeof err);
	if (rc == 0 && imp.options_file[0])
		rc = read_options(inv, &imp, script, file) != 0 ? -2 : 0;
	/* the script stays for its prefill part */
	static char whole[ENGINE_FILE_MAX + 1];
	snprintf(whole, sizeof whole, "%s", disagg ? file : "");
	free(file);
	if (rc == -2)
		return -1;
	if (rc != 0)
		return cmd_fail(inv, 1, "%s%s%s", script ? script : "", script ? ": " : "", err);

	next = inv->ss->scn;
	ignored[0] = '\0';
	rc = find_model(imp.model, &next.model, ignored, sizeof ignored, how, sizeof how, err, sizeof err);
	if (rc < 0)
		return cmd_fail(inv, 1, "%s", err);
	if (rc > 0)
		snprintf(how, sizeof how, "kept: '%.*s' is no shipped model's Hugging Face id; load its config.json first",
			 NAME_MAX_LEN, imp.model);
	if (engine_import_apply(&imp, &next, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	if (disagg && import_prefill(inv, script, whole, &next) != 0)
		return -1;
	cost_evaluate(&next, &r);
	if (!r.ok) {
		static struct diag_list d;
		diag_collect(&next, &r, &d);
		for (int i = 0; i < d.n; i++)
			if (d.items[i].severity == SEV_ERROR)
				return cmd_fail(inv, 1, "moescope cannot model it: %s %s", diag_code_name(d.items[i].code),
						d.items[i].message);
		return cmd_fail(inv, 1, "moescope cannot model it");
	}
	inv->ss->scn = next;
	if (rc == 0 && !strcmp(how, "from its config.json")) {
		snprintf(inv->ss->import_model, sizeof inv->ss->import_model, "%s", next.model.name);
		snprintf(inv->ss->import_source, sizeof inv->ss->import_source, "%s", imp.model);
		snprintf(inv->ss->import_ignored, sizeof inv->ss->import_ignored, "%s", ignored);
	}
	import_report(inv, &imp, how);
	return 0;
}
