/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The interpreter of the command language (command.h): a line split into
 * words, the table of commands with their arity and help, the dispatch to
 * the handlers (command_*.c), and the session they share. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_impl.h"
#include "compare.h"
#include "keys.h"
#include "path.h"
#include "scenario_resolve.h"

typedef int (*handler_fn)(struct invocation *inv);

struct command {
	struct command_info info;
	int min_args, max_args;   /* words after the command name; -1 = any */
	handler_fn run;
};

__attribute__((format(printf, 3, 4)))
int cmd_fail(struct invocation *inv, int word, const char *fmt, ...)
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
void cmd_join_words(const struct invocation *inv, int from, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = from; i < inv->argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i > from ? " " : "", inv->w[i].text);
}

int cmd_parse_count(struct invocation *inv, int i, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(inv->w[i].text, &end, 10);
	if (end == inv->w[i].text || *end || v < lo || v > hi)
		return cmd_fail(inv, i, "'%s': expected a whole number from %ld to %ld", inv->w[i].text, lo, hi);
	*out = v;
	return 0;
}

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
	{ { "save", "save [-f] FILE", "write the scenario as YAML, atomically (every section, stable order); in the explorer an existing file is overwritten only once confirmed (or with -f)" },
	  1, 2, cmd_save },
	{ { "reload", "reload", "the built-in scenario and every file loaded since the last reset, read again from disk" },
	  0, 0, cmd_reload },
	{ { "presets", "presets", "list the presets on the search path, by kind" }, 0, 0, cmd_presets },
	{ { "check", "check", "verify the scenario's claims against the model; exit status 1 if one is contradicted" },
	  0, 0, cmd_check },
	{ { "pin", "pin", "keep the current scenario as the baseline; show then adds its figures and the change" },
	  0, 0, cmd_pin },
	{ { "unpin", "unpin", "drop the baseline" }, 0, 0, cmd_unpin },
	{ { "sweep", "sweep KEY FROM TO [STEP|xFACTOR]", "the headline figures across a range of one input (x2: doubling)" },
	  3, 4, cmd_sweep },
	{ { "search", "search [gpus N|max-gpus N] [objective O] [top K] [batch FROM..TO [step N]]", "every valid strategy within the GPUs (and concurrency in the range), ranked (throughput ttft gpus cost), Pareto front marked" },
	  0, 12, cmd_search },
	{ { "frontier", "frontier [gpus N|max-gpus N] [batch FROM..TO [step N]] [mode agg|disagg|both]", "the Pareto front of output tokens/s per GPU against tokens/s per user over every strategy and concurrency (served as a closed loop)" },
	  0, 8, cmd_frontier },
	{ { "recommend", "recommend rate R [max-gpus N] [batch FROM..TO [step N]]", "the fewest GPUs (replicas of one strategy at one concurrency) that serve R requests/s within the requirements" },
	  2, 8, cmd_recommend },
	{ { "compare", "compare HW... [rate R] [max-gpus N]", "GPU presets side by side for the scenario: each one's frontier (replicas of up to N GPUs, 64 by default) and its best point meeting the requirements, with $/Mtok, J/token and tokens/s per MW; with a rate the GPUs and hosts that serve it" },
	  1, 16, cmd_compare },
	{ { "plot", "plot frontier|compare|sweep FILE.svg [FIGURE]", "the last frontier, comparison or sweep (its FIGURE: tpot_ms by default) as a self-contained SVG chart for a slide" },
	  2, 3, cmd_plot },
	{ { "apply", "apply search [N]|frontier [N]|recommend", "take an answer into the scenario: the search's N-th ranked strategy (1), the frontier's N-th point as printed (the last: the most tokens/s per GPU), or recommend's strategy and concurrency; serving mode for frontier and recommend" },
	  1, 2, cmd_apply },
	{ { "export", "export vllm|sglang|trtllm [FILE.sh]", "the engine's launch command for the scenario (TensorRT-LLM: with its extra options YAML), or a script of it written atomically; refused with the engine's own rule when it cannot run the strategy" },
	  1, 2, cmd_export },
	{ { "import", "import [--lenient] \"COMMAND\"|SCRIPT", "an engine's launch command (vllm serve, sglang launch_server, trtllm-serve), quoted, written out or in a file, into the scenario: model, strategy, engine settings; all or nothing" },
	  1, -1, cmd_import },
	{ { "dag", "dag [FILE.dot]", "the deployment graph in Graphviz DOT: machines, stages, GPUs, collectives" },
	  0, 1, cmd_dag },
	{ { "validate", "validate FILE.csv|FILE.json... [holdout gpu|model|engine|campaign]", "predicted against measured TTFT and TPOT (or, for a throughput row, the best output tok/s per GPU), row by row, with the error per model/GPU/framework (a vLLM or SGLang result file: against the current plan); holdout: fit on all but one GPU, model, engine or measurement campaign, predict it, each in turn" },
	  1, 8, cmd_validate },
	{ { "calibrate", "calibrate FILE.csv", "fit the silicon's efficiencies and each engine's host-side costs to measured runs; print in-sample and held-out error and the fitted YAML" },
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

int cmd_help(struct invocation *inv)
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
	return cmd_fail(inv, 1, "no command or key '%s'; commands: set get strategy show load save reload presets check pin unpin sweep search frontier recommend export import dag validate calibrate reset help quit", what);
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
		sink_errorf(&ss->sink, "%s:%ld:%zu: unknown command '%s'; commands: set get strategy show load save reload presets check pin unpin sweep search frontier recommend export import dag validate calibrate reset help quit\n",
			    ss->source, line, w[0].col, w[0].text);
		return -1;
	}
	int nargs = argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args))
		return cmd_fail(&inv, nargs < c->min_args ? argc - 1 : c->max_args + 1, "usage: %s", c->info.usage);
	return c->run(&inv);
}

void session_free(struct session *ss)
{
	free(ss->last_sweep);
	free(ss->last_search);
	free(ss->last_frontier);
	free(ss->last_recommend);
	if (ss->last_compare)
		compare_free(ss->last_compare);
	free(ss->last_compare);
	ss->last_compare = NULL;
	ss->last_sweep = NULL;
	ss->last_search = NULL;
	ss->last_frontier = NULL;
	ss->last_recommend = NULL;
}

void session_init(struct session *ss, const struct sink *k)
{
	memset(ss, 0, sizeof *ss);
	scenario_default(&ss->scn);
	ss->sink = *k;
	ss->format = FMT_TEXT;
	ss->source = "-";
}

/* "~" and "~/..." at the start of an unquoted word name the home
 * directory, as in sh ("save ~/plans/a.yaml"); '~' quoted stays. */
static int expand_tilde(struct session *ss, struct word *w, long lineno)
{
	char out[MAX_WORD], err[200];
	if (!w->tilde || (w->text[1] != '\0' && w->text[1] != '/'))
		return 0;
	if (path_expand(w->text, out, sizeof out, err, sizeof err) != 0) {
		sink_errorf(&ss->sink, "%s:%ld:%zu: %s\n", ss->source, lineno, w->col, err);
		return -1;
	}
	memcpy(w->text, out, sizeof out);
	return 0;
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
				if (expand_tilde(ss, &words[argc - 1], lineno) != 0)
					return -1;
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
			words[argc].tilde = ch == '~' && !quote;
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
