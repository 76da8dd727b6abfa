/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on the scenario: set, get, strategy, show, pin, unpin, reset, quit. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_impl.h"
#include "preset.h"
#include "evaluate.h"
#include "diag.h"
#include "report.h"
#include "scenario_resolve.h"
#include "strategy_parse.h"

/* ---- per-key checks that only depend on the value and the model ---- */

/* A degree that no other setting can make valid is refused at once; a
 * combination that later settings may repair (ep and dp) is accepted and
 * reported by the diagnostics. */
int cmd_check_degree(const struct scenario *s, const struct key *k, char *err, size_t errlen)
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
		/* a word of any length can come here: the message shows its start */
		const char *hint = key_suggest(name, -1);
		if (hint)
			snprintf(err, errlen, "unknown key '%.64s'; did you mean '%s'? (help keys lists them)", name, hint);
		else
			snprintf(err, errlen, "unknown key '%.64s' (help keys lists them)", name);
		return -1;
	}
	copy = ss->scn;
	if (key_set(&copy, k, value, err, errlen) != 0)
		return -1;
	if (cmd_check_degree(&copy, k, err, errlen) != 0)
		return -1;
	if (!strcmp(k->name, "prefill.hardware") && preset_resolve_prefill_hw(&copy, err, errlen) != 0)
		return -1;
	ss->scn = copy;
	return 0;
}

/* ---- commands ---- */

int cmd_set(struct invocation *inv)
{
	char value[MAX_WORD * 2], err[400];

	cmd_join_words(inv, 2, value, sizeof value);
	if (session_set(inv->ss, inv->w[1].text, value, err, sizeof err) != 0) {
		bool key_known = key_find(inv->w[1].text) != NULL;
		return cmd_fail(inv, key_known ? 2 : 1, "%s", err);
	}
	return 0;
}

static void print_key(const struct session *ss, const struct key *k, bool with_name, bool first)
{
	char buf[NAME_MAX_LEN + 16];
	key_get(&ss->scn, k, buf, sizeof buf);
	switch (ss->format) {
	case FMT_JSON:
		/* one object: numbers stay numbers, words are strings */
		sink_printf(&ss->sink, "%s\"%s\": ", first ? "{" : ", ", k->name);
		/* a bound ("<= 0.1") and the words auto and default are strings */
		bool number = (k->type == KT_INT || k->type == KT_DOUBLE) && buf[0] &&
			      strspn(buf, "0123456789.-+eE") == strlen(buf);
		if (strcmp(buf, "none") == 0)
			sink_puts(&ss->sink, "null");
		else if (number || k->type == KT_BOOL)
			sink_puts(&ss->sink, buf);
		else
			json_string(&ss->sink, buf);
		return;
	case FMT_CSV:
		sink_printf(&ss->sink, "%s,", k->name);
		csv_field(&ss->sink, buf);
		sink_puts(&ss->sink, "\n");
		return;
	default:
		if (with_name)
			sink_printf(&ss->sink, "%-36s %s\n", k->name, buf);
		else
			sink_printf(&ss->sink, "%s\n", buf);
	}
}

int cmd_get(struct invocation *inv)
{
	struct session *ss = inv->ss;

	bool first = true;
	if (ss->format == FMT_CSV)
		sink_puts(&ss->sink, "key,value\n");
	if (inv->argc == 1 || key_section_find(inv->w[1].text) >= 0) {
		int sec = inv->argc == 1 ? -1 : key_section_find(inv->w[1].text);
		for (size_t i = 0; i < key_count; i++) {
			if (sec >= 0 && key_table[i].section != sec)
				continue;
			print_key(ss, &key_table[i], true, first);
			first = false;
		}
	} else {
		/* every key must exist before anything is printed */
		for (int i = 1; i < inv->argc; i++) {
			if (key_find(inv->w[i].text))
				continue;
			const char *hint = key_suggest(inv->w[i].text, -1);
			return cmd_fail(inv, i, "unknown key '%s'%s%s%s", inv->w[i].text,
					hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
		}
		for (int i = 1; i < inv->argc; i++) {
			print_key(ss, key_find(inv->w[i].text), inv->argc > 2, first);
			first = false;
		}
	}
	if (ss->format == FMT_JSON)
		sink_puts(&ss->sink, first ? "{}\n" : "}\n");
	return 0;
}

int cmd_strategy(struct invocation *inv)
{
	char text[MAX_WORD * 2], err[300];
	struct strategy_spec spec;
	size_t col;
	struct scenario copy = inv->ss->scn;

	cmd_join_words(inv, 1, text, sizeof text);
	if (strategy_parse(text, &spec, err, sizeof err, &col) != 0)
		return cmd_fail(inv, 1, "%s", err);
	if (strategy_apply_checked(&spec, &copy, err, sizeof err) != 0)
		return cmd_fail(inv, 1, "%s", err);
	static const char *const degree_keys[] = { "strategy.tp", "strategy.ep", "strategy.pp" };
	for (size_t i = 0; i < 3; i++)
		if (cmd_check_degree(&copy, key_find(degree_keys[i]), err, sizeof err) != 0)
			return cmd_fail(inv, 1, "%s", err);
	inv->ss->scn = copy;
	return 0;
}

int cmd_show(struct invocation *inv)
{
	struct session *ss = inv->ss;
	struct result r;
	struct diag_list d;
	int sections = 0;

	for (int i = 1; i < inv->argc; i++) {
		int sec = report_section_parse(inv->w[i].text);
		if (sec < 0)
			return cmd_fail(inv, i, "unknown section '%s'; valid: %s", inv->w[i].text,
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
		/* a model from a config.json: what of it the model does not use */
		if ((sections & RS_PARAMS) && ss->import_model[0] && !strcmp(ss->import_model, ss->scn.model.name))
			sink_printf(&ss->sink, "  from %s; its fields not used: %s\n", ss->import_source,
				    ss->import_ignored[0] ? ss->import_ignored : "none");
		break;
	}
	return 0;
}

int cmd_pin(struct invocation *inv)
{
	char strat[96];
	inv->ss->baseline = inv->ss->scn;
	inv->ss->pinned = true;
	strategy_format(&inv->ss->scn.strat, strat, sizeof strat);
	sink_notef(&inv->ss->sink, "pinned %s as the baseline\n", strat);
	return 0;
}

int cmd_unpin(struct invocation *inv)
{
	inv->ss->pinned = false;
	return 0;
}

int cmd_reset(struct invocation *inv)
{
	scenario_default(&inv->ss->scn);
	inv->ss->n_loaded = 0;
	return 0;
}

int cmd_quit(struct invocation *inv)
{
	inv->ss->quit = true;
	return 0;
}
