/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "calibrate.h"
#include "check.h"
#include "dag.h"
#include "command.h"
#include "cost.h"
#include "diag.h"
#include "keys.h"
#include "numfmt.h"
#include "preset.h"
#include "search.h"
#include "strategy_parse.h"
#include "sweep.h"
#include "validate.h"

#define MAX_WORDS 64
#define MAX_WORD 512

struct word {
	char text[MAX_WORD];
	size_t col;    /* 1-based column in the line */
};

struct invocation {
	struct session *ss;
	long line;
	struct word *w;
	int argc;
};

typedef int (*handler_fn)(struct invocation *inv);

struct command {
	struct command_info info;
	int min_args, max_args;   /* words after the command name; -1 = any */
	handler_fn run;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct invocation *inv, int word, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t col = word < inv->argc ? inv->w[word].col : inv->w[inv->argc - 1].col;
	sink_errorf(&inv->ss->sink, "%s:%ld:%zu: %s: %s\n", inv->ss->source, inv->line, col,
		    inv->w[0].text, msg);
	return -1;
}

/* Words from `from` on, joined by single spaces. */
static void join_words(const struct invocation *inv, int from, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = from; i < inv->argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i > from ? " " : "", inv->w[i].text);
}

/* ---- per-key checks that only depend on the value and the model ---- */

/* A degree that no other setting can make valid is refused at once; a
 * combination that later settings may repair (ep and dp) is accepted and
 * reported by the diagnostics. */
static int check_degree(const struct scenario *s, const struct key *k, char *err, size_t errlen)
{
	const struct model *m = &s->model;
	char valid[200];

	if (k->offset == offsetof(struct scenario, strat.tp) && m->heads % s->strat.tp != 0) {
		diag_valid_tp(m, valid, sizeof valid);
		snprintf(err, errlen, "heads (%ld) must be divisible by tp; valid: %s", m->heads, valid);
		return -1;
	}
	if (k->offset == offsetof(struct scenario, strat.ep) && s->strat.ep > m->experts) {
		snprintf(err, errlen, "ep %ld exceeds the %ld experts per layer; valid: 1 to %ld",
			 s->strat.ep, m->experts, m->experts);
		return -1;
	}
	if (k->offset == offsetof(struct scenario, strat.pp) && s->strat.pp > m->layers) {
		snprintf(err, errlen, "pp %ld exceeds the %ld layers; valid: 1 to %ld", s->strat.pp,
			 m->layers, m->layers < 128 ? m->layers : 128);
		return -1;
	}
	return 0;
}

int session_set(struct session *ss, const char *name, const char *value, char *err, size_t errlen)
{
	const struct key *k = key_find(name);
	struct scenario copy;

	if (!k) {
		const char *hint = key_suggest(name, -1);
		if (hint)
			snprintf(err, errlen, "unknown key '%s'; did you mean '%s'? (help keys lists them)", name, hint);
		else
			snprintf(err, errlen, "unknown key '%s' (help keys lists them)", name);
		return -1;
	}
	copy = ss->scn;
	if (key_set(&copy, k, value, err, errlen) != 0)
		return -1;
	if (check_degree(&copy, k, err, errlen) != 0)
		return -1;
	ss->scn = copy;
	return 0;
}

/* ---- commands ---- */

static int cmd_set(struct invocation *inv)
{
	char value[MAX_WORD * 2], err[400];

	join_words(inv, 2, value, sizeof value);
	if (session_set(inv->ss, inv->w[1].text, value, err, sizeof err) != 0) {
		bool key_known = key_find(inv->w[1].text) != NULL;
		return fail(inv, key_known ? 2 : 1, "%s", err);
	}
	return 0;
}

static void print_key(const struct session *ss, const struct key *k, bool with_name)
{
	char buf[NAME_MAX_LEN + 16];
	key_get(&ss->scn, k, buf, sizeof buf);
	if (with_name)
		sink_printf(&ss->sink, "%-36s %s\n", k->name, buf);
	else
		sink_printf(&ss->sink, "%s\n", buf);
}

static int section_by_name(const char *name)
{
	for (int s = 1; s < SEC_COUNT; s++)
		if (strcmp(key_section_name(s), name) == 0)
			return s;
	return -1;
}

static int cmd_get(struct invocation *inv)
{
	struct session *ss = inv->ss;

	if (inv->argc == 1 || section_by_name(inv->w[1].text) >= 0) {
		int sec = inv->argc == 1 ? -1 : section_by_name(inv->w[1].text);
		for (size_t i = 0; i < key_count; i++)
			if (sec < 0 || key_table[i].section == sec)
				print_key(ss, &key_table[i], true);
		return 0;
	}
	for (int i = 1; i < inv->argc; i++) {
		const struct key *k = key_find(inv->w[i].text);
		if (!k) {
			const char *hint = key_suggest(inv->w[i].text, -1);
			return fail(inv, i, "unknown key '%s'%s%s%s", inv->w[i].text,
				    hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
		}
		print_key(ss, k, inv->argc > 2);
	}
	return 0;
}

static int cmd_strategy(struct invocation *inv)
{
	char text[MAX_WORD * 2], err[300];
	struct strategy_spec spec;
	size_t col;
	struct scenario copy = inv->ss->scn;

	join_words(inv, 1, text, sizeof text);
	if (strategy_parse(text, &spec, err, sizeof err, &col) != 0)
		return fail(inv, 1, "%s", err);
	if (strategy_apply_checked(&spec, &copy, err, sizeof err) != 0)
		return fail(inv, 1, "%s", err);
	static const char *const degree_keys[] = { "strategy.tp", "strategy.ep", "strategy.pp" };
	for (size_t i = 0; i < 3; i++)
		if (check_degree(&copy, key_find(degree_keys[i]), err, sizeof err) != 0)
			return fail(inv, 1, "%s", err);
	inv->ss->scn = copy;
	return 0;
}

static int cmd_show(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct result r;
	struct diag_list d;
	int sections = 0;

	for (int i = 1; i < inv->argc; i++) {
		int sec = report_section_parse(inv->w[i].text);
		if (sec < 0)
			return fail(inv, i, "unknown section '%s'; valid: %s", inv->w[i].text,
				    report_section_names);
		sections |= sec;
	}
	if (!sections)
		sections = RS_SUMMARY | RS_DIAG;
	cost_evaluate_detail(&ss->scn, &r);
	diag_collect(&ss->scn, &r, &d);
	switch (ss->format) {
	case FMT_JSON:
		report_json(&ss->sink, &ss->scn, &r, &d, ss->pinned ? &ss->baseline : NULL);
		break;
	case FMT_CSV:
		report_csv_header(&ss->sink);
		report_csv_row(&ss->sink, &ss->scn, &r, &d);
		break;
	default:
		report_text(&ss->sink, &ss->scn, &r, &d, sections, ss->pinned ? &ss->baseline : NULL);
		break;
	}
	return 0;
}

static int cmd_pin(struct invocation *inv)
{
	char strat[96];
	inv->ss->baseline = inv->ss->scn;
	inv->ss->pinned = true;
	strategy_format(&inv->ss->scn.strat, strat, sizeof strat);
	sink_printf(&inv->ss->sink, "pinned %s as the baseline\n", strat);
	return 0;
}

static int cmd_unpin(struct invocation *inv)
{
	inv->ss->pinned = false;
	return 0;
}

static int cmd_sweep(struct invocation *inv)
{
	struct session *ss = inv->ss;
	const struct key *k = key_find(inv->w[1].text);
	char err[400];

	if (!k) {
		const char *hint = key_suggest(inv->w[1].text, -1);
		return fail(inv, 1, "unknown key '%s'%s%s%s", inv->w[1].text, hint ? "; did you mean '" : "",
			    hint ? hint : "", hint ? "'?" : "");
	}
	double *values = malloc(SWEEP_MAX * sizeof *values);
	struct sweep *sw = malloc(sizeof *sw);
	if (!values || !sw) {
		free(values);
		free(sw);
		return fail(inv, 0, "out of memory");
	}
	int n = sweep_values(k, inv->w[2].text, inv->w[3].text, inv->argc > 4 ? inv->w[4].text : NULL, values,
			     SWEEP_MAX, err, sizeof err);
	if (n < 0 || sweep_run(&ss->scn, k, values, n, sw, err, sizeof err) != 0) {
		free(values);
		free(sw);
		return fail(inv, n < 0 ? 2 : 1, "%s", err);
	}
	free(values);
	if (ss->format == FMT_JSON)
		sweep_report_json(&ss->sink, sw);
	else if (ss->format == FMT_CSV)
		sweep_report_csv(&ss->sink, sw);
	else
		sweep_report_text(&ss->sink, sw);
	free(ss->last_sweep);
	ss->last_sweep = sw;
	ss->sweeps++;
	return 0;
}

static int parse_count(struct invocation *inv, int i, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(inv->w[i].text, &end, 10);
	if (end == inv->w[i].text || *end || v < lo || v > hi)
		return fail(inv, i, "'%s': expected a whole number from %ld to %ld", inv->w[i].text, lo, hi);
	*out = v;
	return 0;
}

static int cmd_search(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct search_opts o = { .objective = OBJ_THROUGHPUT, .top = 10 };
	struct result r;
	long top = 10;

	cost_evaluate(&ss->scn, &r);
	/* by default: what the current deployment has, at least one node */
	o.max_gpus = (long)r.gpus > ss->scn.hw.gpus_per_node ? (long)r.gpus : ss->scn.hw.gpus_per_node;
	for (int i = 1; i < inv->argc; i += 2) {
		const char *w = inv->w[i].text;
		if (i + 1 >= inv->argc)
			return fail(inv, i, "'%s' needs a value; usage: %s", w, "search [gpus N|max-gpus N] [objective throughput|ttft|gpus|cost] [top K]");
		if (strcmp(w, "gpus") == 0) {
			if (parse_count(inv, i + 1, 1, 65536, &o.gpus))
				return -1;
		} else if (strcmp(w, "max-gpus") == 0) {
			if (parse_count(inv, i + 1, 1, 65536, &o.max_gpus))
				return -1;
			o.gpus = 0;
		} else if (strcmp(w, "objective") == 0) {
			o.objective = objective_parse(inv->w[i + 1].text);
			if (o.objective < 0)
				return fail(inv, i + 1, "unknown objective '%s'; valid: throughput ttft gpus cost", inv->w[i + 1].text);
		} else if (strcmp(w, "top") == 0) {
			if (parse_count(inv, i + 1, 1, SEARCH_TOP_MAX, &top))
				return -1;
		} else {
			return fail(inv, i, "unknown option '%s'; valid: gpus max-gpus objective top", w);
		}
	}
	o.top = (int)top;
	struct search_result *sr = malloc(sizeof *sr);
	if (!sr)
		return fail(inv, 0, "out of memory");
	search_run(&ss->scn, &o, sr);
	if (ss->format == FMT_JSON)
		search_report_json(&ss->sink, &ss->scn, sr);
	else if (ss->format == FMT_CSV)
		search_report_csv(&ss->sink, sr);
	else
		search_report_text(&ss->sink, &ss->scn, sr);
	free(ss->last_search);
	ss->last_search = sr;
	ss->searches++;
	return 0;
}

static void file_out(void *ctx, const char *text, size_t len)
{
	fwrite(text, 1, len, ctx);
}

static int cmd_dag(struct invocation *inv)
{
	struct session *ss = inv->ss;
	char err[600];

	if (inv->argc == 1) {
		if (dag_write(&ss->sink, &ss->scn, err, sizeof err) != 0)
			return fail(inv, 0, "%s", err);
		return 0;
	}
	struct atomic_file af;
	if (atomic_open(&af, inv->w[1].text, err, sizeof err) != 0)
		return fail(inv, 1, "%s", err);
	struct sink to_file = { .out = file_out, .err = ss->sink.err, .ctx = af.f };
	if (dag_write(&to_file, &ss->scn, err, sizeof err) != 0) {
		atomic_abort(&af);
		return fail(inv, 0, "%s", err);
	}
	if (atomic_commit(&af, err, sizeof err) != 0)
		return fail(inv, 1, "%s", err);
	sink_printf(&ss->sink, "wrote %s (render it with: dot -Tsvg %s -o deployment.svg)\n", inv->w[1].text,
		    inv->w[1].text);
	return 0;
}

static int cmd_validate(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct run_set *rs = calloc(1, sizeof *rs);
	char err[600];

	if (!rs)
		return fail(inv, 0, "out of memory");
	if (runs_read(inv->w[1].text, rs, err, sizeof err) != 0) {
		free(rs);
		return fail(inv, 1, "%s", err);
	}
	if (strcmp(inv->w[0].text, "calibrate") == 0) {
		calibrate_runs(rs, &ss->sink, inv->w[1].text);
	} else {
		runs_evaluate(rs);
		if (ss->format == FMT_JSON)
			validate_report_json(&ss->sink, rs);
		else if (ss->format == FMT_CSV)
			validate_report_csv(&ss->sink, rs);
		else
			validate_report_text(&ss->sink, rs);
	}
	runs_free(rs);
	free(rs);
	return 0;
}

static int cmd_reset(struct invocation *inv)
{
	scenario_default(&inv->ss->scn);
	return 0;
}

static int cmd_quit(struct invocation *inv)
{
	inv->ss->quit = true;
	return 0;
}

static int cmd_load(struct invocation *inv)
{
	char err[1024];
	for (int i = 1; i < inv->argc; i++)
		if (preset_load(&inv->ss->scn, inv->w[i].text, err, sizeof err) != 0)
			return fail(inv, i, "%s", err);
	return 0;
}

static int cmd_save(struct invocation *inv)
{
	char err[1024];
	if (preset_save_file(&inv->ss->scn, inv->w[1].text, err, sizeof err) != 0)
		return fail(inv, 1, "%s", err);
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

static int cmd_presets(struct invocation *inv)
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

static int cmd_check(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct result r;
	struct diag_list d;
	struct check_report c;

	cost_evaluate(&ss->scn, &r);
	diag_collect(&ss->scn, &r, &d);
	check_claims(&ss->scn, &r, &d, &c);
	if (ss->format == FMT_JSON)
		check_report_json(&ss->sink, &ss->scn, &c);
	else if (ss->format == FMT_CSV)
		check_report_csv(&ss->sink, &c);
	else
		check_report_text(&ss->sink, &ss->scn, &c);
	if (c.contradicted)
		ss->contradicted = true;
	return 0;
}

static int cmd_help(struct invocation *inv);

static const struct command commands[] = {
	{ { "set", "set KEY VALUE", "change one input; KEY is dotted (model.experts) or an alias (ep tp pp dp etp batch seq out mb)" },
	  2, -1, cmd_set },
	{ { "get", "get [KEY...|SECTION]", "print inputs: one key's value, a section, or every key" },
	  0, -1, cmd_get },
	{ { "strategy", "strategy STRING", "set dp/tp/pp/ep/etp from a report's notation: EP16_TP4_PP1, \"DP2 TP2 PP4 EP16\", ep16-tp4" },
	  1, -1, cmd_strategy },
	{ { "show", "show [summary|memory|time|comm|params|diag|all]...", "evaluate the scenario and print the figures (-o json: the whole evaluation)" },
	  0, -1, cmd_show },
	{ { "load", "load FILE|PRESET...", "merge a scenario file, or a preset by name (scenario, model or GPU)" },
	  1, -1, cmd_load },
	{ { "save", "save FILE", "write the scenario as YAML, atomically (every section, stable order)" },
	  1, 1, cmd_save },
	{ { "presets", "presets", "list the presets on the search path, by kind" }, 0, 0, cmd_presets },
	{ { "check", "check", "verify the scenario's claims against the model; exit status 1 if one is contradicted" },
	  0, 0, cmd_check },
	{ { "pin", "pin", "keep the current scenario as the baseline; show then adds its figures and the change" },
	  0, 0, cmd_pin },
	{ { "unpin", "unpin", "drop the baseline" }, 0, 0, cmd_unpin },
	{ { "sweep", "sweep KEY FROM TO [STEP|xFACTOR]", "the headline figures across a range of one input (x2: doubling)" },
	  3, 4, cmd_sweep },
	{ { "search", "search [gpus N|max-gpus N] [objective O] [top K]", "every valid strategy within the GPUs, ranked (throughput ttft gpus cost), Pareto front marked" },
	  0, 8, cmd_search },
	{ { "dag", "dag [FILE.dot]", "the deployment graph in Graphviz DOT: machines, stages, GPUs, collectives" },
	  0, 1, cmd_dag },
	{ { "validate", "validate FILE.csv", "predicted against measured TTFT and TPOT, row by row, with the error per model/GPU/framework" },
	  1, 1, cmd_validate },
	{ { "calibrate", "calibrate FILE.csv", "fit mfu, hbm_util, kernel_us and ttft_overhead_ms per GPU to measured runs; print the fitted YAML" },
	  1, 1, cmd_validate },
	{ { "reset", "reset", "go back to the built-in scenario (the seed 10B MoE on the seed GPU)" },
	  0, 0, cmd_reset },
	{ { "help", "help [COMMAND|KEY|keys]", "list the commands, explain one, or list every key" },
	  0, 1, cmd_help },
	{ { "quit", "quit", "stop reading commands" }, 0, 0, cmd_quit },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const struct command_info *command_table(size_t *count)
{
	static struct command_info infos[N_COMMANDS];
	for (size_t i = 0; i < N_COMMANDS; i++)
		infos[i] = commands[i].info;
	*count = N_COMMANDS;
	return infos;
}

static void help_key(const struct sink *k, const struct key *key, const struct scenario *s)
{
	char range[200], value[NAME_MAX_LEN + 16];
	key_describe_range(key, range, sizeof range);
	key_get(s, key, value, sizeof value);
	sink_printf(k, "%s%s%s%s%s: %s\n", key->name, key->alias ? " (" : "", key->alias ? key->alias : "",
		    key->alias ? ")" : "", key->unit[0] ? "" : "", key->help);
	sink_printf(k, "  %s%s%s; now %s\n", range, key->unit[0] ? ", in " : "", key->unit, value);
}

static int cmd_help(struct invocation *inv)
{
	const struct sink *k = &inv->ss->sink;

	if (inv->argc == 1) {
		sink_puts(k, "commands (one per line or separated by ';'; '#' starts a comment):\n");
		for (size_t i = 0; i < N_COMMANDS; i++)
			sink_printf(k, "  %-28s %s\n", commands[i].info.usage, commands[i].info.help);
		sink_puts(k, "help keys lists every key; help KEY explains one.\n");
		return 0;
	}
	const char *what = inv->w[1].text;
	if (strcmp(what, "keys") == 0 && inv->ss->format == FMT_CSV) {
		/* the key table itself, for scripts and shell completion */
		sink_puts(k, "key,alias,section,unit,range,default,help\n");
		for (size_t i = 0; i < key_count; i++) {
			const struct key *key = &key_table[i];
			char range[200], def[NAME_MAX_LEN + 16];
			struct scenario defaults;
			scenario_default(&defaults);
			key_describe_range(key, range, sizeof range);
			key_get(&defaults, key, def, sizeof def);
			sink_printf(k, "%s,%s,%s,%s,\"%s\",%s,\"%s\"\n", key->name, key->alias ? key->alias : "",
				    key_section_name(key->section), key->unit, range, def, key->help);
		}
		return 0;
	}
	if (strcmp(what, "keys") == 0) {
		for (size_t i = 0; i < key_count; i++) {
			const struct key *key = &key_table[i];
			sink_printf(k, "  %-34s %-8s %s\n", key->name, key->alias ? key->alias : "", key->help);
		}
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].info.name, what) == 0) {
			sink_printf(k, "usage: %s\n  %s\n", commands[i].info.usage, commands[i].info.help);
			return 0;
		}
	}
	const struct key *key = key_find(what);
	if (key) {
		help_key(k, key, &inv->ss->scn);
		return 0;
	}
	return fail(inv, 1, "no command or key '%s'; commands: set get strategy show load save presets check pin unpin sweep search dag validate calibrate reset help quit", what);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].info.name, name) == 0)
			return &commands[i];
	if (strcmp(name, "exit") == 0)
		return find_command("quit");
	return NULL;
}

static int run_words(struct session *ss, struct word *w, int argc, long line)
{
	struct invocation inv = { .ss = ss, .line = line, .w = w, .argc = argc };
	const struct command *c = find_command(w[0].text);

	if (!c) {
		sink_errorf(&ss->sink, "%s:%ld:%zu: unknown command '%s'; commands: set get strategy show load save presets check pin unpin sweep search dag validate calibrate reset help quit\n",
			    ss->source, line, w[0].col, w[0].text);
		return -1;
	}
	int nargs = argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args))
		return fail(&inv, nargs < c->min_args ? argc - 1 : c->max_args + 1, "usage: %s", c->info.usage);
	return c->run(&inv);
}

void session_free(struct session *ss)
{
	free(ss->last_sweep);
	free(ss->last_search);
	ss->last_sweep = NULL;
	ss->last_search = NULL;
}

void session_init(struct session *ss, const struct sink *k)
{
	memset(ss, 0, sizeof *ss);
	scenario_default(&ss->scn);
	ss->sink = *k;
	ss->format = FMT_TEXT;
	ss->source = "-";
}

int session_run_line(struct session *ss, const char *line, long lineno)
{
	struct word words[MAX_WORDS];
	int argc = 0;
	size_t len = 0;
	bool in_word = false;
	char quote = 0;

	for (size_t i = 0;; i++) {
		char ch = line[i];
		bool end = ch == '\0' || ch == '\n' || (!quote && (ch == ';' || (ch == '#' && !in_word)));

		if (end || (!quote && (ch == ' ' || ch == '\t' || ch == '\r'))) {
			if (in_word) {
				words[argc - 1].text[len] = '\0';
				in_word = false;
			}
			if (!end)
				continue;
			if (quote) {
				sink_errorf(&ss->sink, "%s:%ld:%zu: unterminated quote\n", ss->source, lineno, i + 1);
				return -1;
			}
			if (argc > 0 && run_words(ss, words, argc, lineno) != 0)
				return -1;
			argc = 0;
			if (ss->quit || ch != ';')
				return 0;
			continue;
		}
		if (!in_word) {
			if (argc == MAX_WORDS) {
				sink_errorf(&ss->sink, "%s:%ld:%zu: too many words (at most %d)\n", ss->source,
					    lineno, i + 1, MAX_WORDS);
				return -1;
			}
			words[argc].col = i + 1;
			argc++;
			len = 0;
			in_word = true;
		}
		if (!quote && (ch == '"' || ch == '\'')) {
			quote = ch;
			continue;
		}
		if (quote && ch == quote) {
			quote = 0;
			continue;
		}
		if (len + 1 >= MAX_WORD) {
			sink_errorf(&ss->sink, "%s:%ld:%zu: word too long (at most %d bytes)\n", ss->source,
				    lineno, words[argc - 1].col, MAX_WORD - 1);
			return -1;
		}
		words[argc - 1].text[len++] = ch;
	}
}
