/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The explorer's behaviour without a terminal: sliders, keys, actions. */
#include "helpers.h"

#include <curses.h>

#include "app.h"
#include "figures.h"
#include "frontier.h"
#include "search.h"
#include "preset.h"
#include "sliders.h"

#include <stdio.h>
#include <unistd.h>

static const struct slider *by_label(const char *label)
{
	for (int i = 0; i < SLIDER_COUNT; i++)
		if (strcmp(slider_get(i)->label, label) == 0)
			return slider_get(i);
	cr_assert_fail("no slider %s", label);
	return NULL;
}

static long stepped(const struct scenario *s, const char *label, int dir)
{
	long v = -1;
	if (!slider_step(s, by_label(label), dir, &v))
		return -1;
	return v;
}

Test(sliders, every_slider_drives_an_integer_key)
{
	for (int i = 0; i < SLIDER_COUNT; i++) {
		const struct key *k = slider_key(slider_get(i));
		cr_assert_not_null(k, "slider %d", i);
		cr_expect_eq(k->type, KT_INT);
	}
}

Test(sliders, ep_steps_through_valid_folds)
{
	struct scenario s;
	scenario_default(&s);
	cr_expect_eq(stepped(&s, "EP", +1), -1);   /* 16 experts: nothing above 16 */
	cr_expect_eq(stepped(&s, "EP", -1), 8);
	s.strat.ep = 8;
	cr_expect_eq(stepped(&s, "EP", -1), 4);
	long v;
	cr_expect(slider_extreme(&s, by_label("EP"), -1, &v));
	cr_expect_eq(v, 1);
}

Test(sliders, tp_steps_through_divisors_of_heads)
{
	struct scenario s;
	scenario_default(&s);
	s.model.heads = 12;
	s.strat.tp = 4;
	s.strat.ep = 4;
	s.strat.dp = 4;
	cr_expect_eq(stepped(&s, "TP", +1), 6);
	cr_expect_eq(stepped(&s, "TP", -1), 3);
}

Test(sliders, dp_keeps_the_experts_folded)
{
	struct scenario s;
	scenario_default(&s);
	s.strat.tp = 1;
	s.strat.ep = 6;
	s.model.experts = 12;
	s.strat.dp = 6;
	/* dp must stay a multiple of 6 */
	cr_expect_eq(stepped(&s, "DP", +1), 12);
	cr_expect_eq(stepped(&s, "DP", -1), -1);
}

Test(sliders, pp_batch_and_seq)
{
	struct scenario s;
	scenario_default(&s);
	cr_expect_eq(stepped(&s, "PP", +1), 2);
	cr_expect_eq(stepped(&s, "PP", -1), -1);
	cr_expect_eq(stepped(&s, "batch", +1), 256);
	cr_expect_eq(stepped(&s, "batch", -1), 64);
	s.work.batch = 100;   /* typed, not a power of two */
	cr_expect_eq(stepped(&s, "batch", +1), 128);
	cr_expect_eq(stepped(&s, "batch", -1), 64);
	cr_expect_eq(stepped(&s, "seq", +1), 4096);
	s.strat.pp = 16;
	cr_expect_eq(stepped(&s, "PP", +1), -1);
}

Test(sliders, positions_and_the_mouse)
{
	struct scenario s;
	scenario_default(&s);
	cr_expect_eq(slider_position(&s, by_label("EP")), 1.0);
	cr_expect_eq(slider_position(&s, by_label("PP")), 0.0);
	expect_rel(slider_position(&s, by_label("TP")), 0.5, 1e-12);   /* 4 of 1..16, log scale */
	long v;
	cr_expect(slider_at(&s, by_label("TP"), 0.0, &v));
	cr_expect_eq(v, 1);
	cr_expect(slider_at(&s, by_label("TP"), 1.0, &v));
	cr_expect_eq(v, 16);
	cr_expect(slider_at(&s, by_label("PP"), 1.0, &v));
	cr_expect_eq(v, 16);
}

Test(sliders, an_invalid_scenario_can_still_be_moved)
{
	struct scenario s;
	scenario_default(&s);
	s.strat.dp = 2;   /* E_FOLD, reached by typing */
	/* stepping dp to 4 repairs it */
	cr_expect_eq(stepped(&s, "DP", +1), 4);
	/* batch keeps the fold error but adds none: allowed */
	cr_expect_eq(stepped(&s, "batch", +1), 256);
}

Test(keymap, keys_map_to_actions)
{
	cr_expect_eq(keymap_action(KEY_RIGHT), ACT_RIGHT);
	cr_expect_eq(keymap_action('l'), ACT_RIGHT);
	cr_expect_eq(keymap_action(KEY_LEFT), ACT_LEFT);
	cr_expect_eq(keymap_action(KEY_UP), ACT_UP);
	cr_expect_eq(keymap_action(':'), ACT_COMMAND);
	cr_expect_eq(keymap_action('/'), ACT_COMMAND);
	cr_expect_eq(keymap_action('q'), ACT_QUIT);
	cr_expect_eq(keymap_action(3), ACT_QUIT);
	cr_expect_eq(keymap_action('?'), ACT_HELP);
	cr_expect_eq(keymap_action('f'), ACT_FIX);
	cr_expect_eq(keymap_action('x'), ACT_NONE);
}

Test(app, arrows_select_and_step)
{
	static struct app a;
	app_init(&a);
	cr_expect_eq(a.selected, 0);
	app_apply(&a, ACT_UP);
	cr_expect_eq(a.selected, SLIDER_BASIC - 1);   /* wraps */
	app_apply(&a, ACT_DOWN);
	app_apply(&a, ACT_LEFT);
	cr_expect_eq(a.ss.scn.strat.ep, 8);
	cr_expect_eq(a.r.shards, 32);                 /* recomputed */
	app_apply(&a, ACT_RIGHT);
	cr_expect_eq(a.ss.scn.strat.ep, 16);
	app_apply(&a, ACT_RIGHT);                     /* nothing above: a message, no change */
	cr_expect_eq(a.ss.scn.strat.ep, 16);
	cr_expect(strstr(a.status, "no valid value above 16") != NULL, "%s", a.status);
	app_free(&a);
}

Test(app, fix_key_applies_the_first_fix)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "set dp 2");
	cr_expect_not(a.r.ok);
	const struct diag *g = app_fix_target(&a);
	cr_assert_not_null(g);
	cr_expect_eq(g->code, E_FOLD);
	/* f opens the list, the suggested fix chosen; Enter applies it */
	app_apply(&a, ACT_FIX);
	cr_expect_eq(a.mode, MODE_FIXES);
	cr_expect_eq(app_fix_at(&a, a.fix_pick), g);
	app_fixes_key(&a, ACT_ENTER);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	cr_expect_eq(a.ss.scn.strat.dp, 4);
	cr_expect(a.r.ok);
	cr_expect(strstr(a.status, "E_FOLD: applied 'set dp 4'") != NULL, "%s", a.status);
	/* the target fix relaxes a requirement, and says so */
	cr_expect_str_eq(app_fix_cost("set requirements.tokens_per_ms_per_gpu 94"), "relaxes a requirement");
	cr_expect_str_eq(app_fix_cost("set batch 64"), "changes the workload");
	cr_expect_str_eq(app_fix_cost("set dp 16 etp 2"), "");
	app_apply(&a, ACT_FIX);
	cr_expect_eq(a.mode, MODE_FIXES);
	app_fixes_key(&a, ACT_ENTER);
	cr_expect(strstr(a.status, "E_TARGET_IMPOSSIBLE: applied 'set requirements.tokens_per_ms_per_gpu 94': it relaxes a requirement"),
		  "%s", a.status);
	app_free(&a);
}

Test(app, commands_show_output_and_errors)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "show params");
	cr_expect_eq(a.view, VIEW_OUTPUT);
	cr_expect(strstr(a.captured.out, "active per token") != NULL);
	app_apply(&a, ACT_ESCAPE);
	cr_expect_eq(a.view, VIEW_DIAG);
	app_run_command(&a, "set tp 3");
	cr_expect(a.status_error);
	cr_expect_str_eq(a.status, "set: heads (16) must be divisible by tp; valid: 1 2 4 8 16");
	cr_expect_eq(a.ss.scn.strat.tp, 4);
	app_run_command(&a, "quit");
	cr_expect(a.quit);
	app_free(&a);
}

Test(app, modes)
{
	static struct app a;
	app_init(&a);
	app_apply(&a, ACT_COMMAND);
	cr_expect_eq(a.mode, MODE_COMMAND);
	cr_expect_str_eq(a.prefill, "");
	app_apply(&a, ACT_ESCAPE);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	app_apply(&a, ACT_SAVE);
	cr_expect_eq(a.mode, MODE_COMMAND);
	cr_expect_str_eq(a.prefill, "save ");
	app_apply(&a, ACT_ESCAPE);
	app_apply(&a, ACT_HELP);
	cr_expect_eq(a.mode, MODE_HELP);
	app_apply(&a, ACT_QUIT);
	cr_expect(a.quit);
	app_free(&a);
}

Test(app, pin_shows_the_change)
{
	static struct app a;
	app_init(&a);
	app_apply(&a, ACT_PIN);
	cr_expect(a.ss.pinned);
	cr_expect(strstr(a.status, "pinned DP16_TP4_PP1_EP16") != NULL, "%s", a.status);
	app_apply(&a, ACT_LEFT);
	expect_rel(a.base_r.tpot_ms, 1.3270250437099922, 1e-12);
	cr_expect_gt(a.r.tpot_ms, a.base_r.tpot_ms);
	app_apply(&a, ACT_PIN);
	cr_expect_not(a.ss.pinned);
	app_free(&a);
}

Test(app, sweep_opens_its_chart)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "sweep batch 1 64 x2");
	cr_expect_eq(a.mode, MODE_CHART);
	cr_expect_eq(a.chart_figure, FIG_TOKENS);
	app_overlay_key(&a, ACT_RIGHT);
	cr_expect_eq(a.chart_figure, FIG_PREFILL);
	app_overlay_key(&a, ACT_ESCAPE);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	/* the same sweep again is a new one: the chart opens again */
	app_run_command(&a, "sweep batch 1 64 x2");
	cr_expect_eq(a.mode, MODE_CHART);
	app_free(&a);
}

Test(app, search_results_apply_with_enter)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "search max-gpus 8");
	cr_assert_eq(a.mode, MODE_PICK);
	app_overlay_key(&a, ACT_DOWN);
	app_overlay_key(&a, ACT_UP);
	app_overlay_key(&a, ACT_DOWN);
	cr_expect_eq(a.pick, 1);
	const struct candidate *c = &a.ss.last_search->top[1];
	app_overlay_key(&a, ACT_ENTER);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	cr_expect_eq(a.ss.scn.strat.dp, c->dp);
	cr_expect_eq(a.ss.scn.strat.tp, c->tp);
	cr_expect_eq(a.ss.scn.strat.ep, c->ep);
	cr_expect_eq(a.r.output_tokens_per_s_per_gpu, c->tokens);
	cr_expect(strstr(a.status, "(search rank 2)") != NULL, "%s", a.status);
	app_free(&a);
}

Test(app, frontier_walks_and_applies_a_point)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "set requirements.tokens_per_ms_per_gpu none; frontier max-gpus 8 batch 1..256");
	cr_assert_eq(a.mode, MODE_FRONTIER);
	const struct frontier_result *fr = a.ss.last_frontier;
	cr_assert_gt(fr->n, 2);
	app_overlay_key(&a, ACT_HOME);
	cr_expect_eq(a.front_pick, 0);
	app_overlay_key(&a, ACT_LEFT);
	cr_expect_eq(a.front_pick, 0);
	app_overlay_key(&a, ACT_RIGHT);
	cr_expect_eq(a.front_pick, 1);
	app_overlay_key(&a, ACT_END);
	cr_expect_eq(a.front_pick, fr->n - 1);
	app_overlay_key(&a, ACT_LEFT);
	const struct frontier_point p = fr->pts[fr->n - 2];
	app_overlay_key(&a, ACT_ENTER);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	cr_expect_eq(a.ss.scn.strat.dp, p.dp);
	cr_expect_eq(a.ss.scn.strat.tp, p.tp);
	cr_expect_eq(a.ss.scn.work.batch, p.batch);
	cr_expect_eq(a.ss.scn.work.mode, MODE_SERVING);
	cr_expect_eq(a.r.output_tokens_per_s_per_gpu, p.per_gpu);
	cr_expect(strstr(a.status, "(frontier point 2 of") != NULL, "%s", a.status);
	/* the key opens the same front while nothing outside the search moved */
	unsigned runs = a.ss.frontiers;
	app_apply(&a, ACT_FRONTIER);
	cr_expect_eq(a.mode, MODE_FRONTIER);
	cr_expect_eq(a.ss.frontiers, runs);
	app_overlay_key(&a, ACT_ESCAPE);
	/* a longer prompt is another front: the key runs it again */
	app_run_command(&a, "set seq 4096");
	app_apply(&a, ACT_FRONTIER);
	cr_expect_eq(a.ss.frontiers, runs + 1);
	cr_expect_eq(a.mode, MODE_FRONTIER);
	cr_expect_eq(a.ss.last_frontier->opts.max_gpus, 8);
	cr_expect_eq(a.ss.last_frontier->opts.batch_to, 256);
	app_free(&a);
}

/* Output opens the pager: its keys scroll, search and close; none of them
 * moves a slider (Home once set TP to 1 from here). */
Test(app, the_pager_keeps_its_keys_from_the_sliders)
{
	static struct app a;
	app_init(&a);
	app_run_command(&a, "help keys");
	cr_assert(app_paging(&a));
	a.page_rows = 10;   /* as the renderer sets it */
	struct strategy before = a.ss.scn.strat;
	int selected = a.selected;
	static const int keys[] = { KEY_HOME, KEY_END, 'j', 'k', KEY_UP, KEY_DOWN, KEY_NPAGE, KEY_PPAGE, ' ', 'G', 'g' };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		app_pager_key(&a, pager_action(keys[i]));
	cr_expect_eq(memcmp(&before, &a.ss.scn.strat, sizeof before), 0);
	cr_expect_eq(a.selected, selected);
	cr_expect(app_paging(&a));
	/* a page is the pane less one line of context */
	a.scroll = 0;
	app_pager_key(&a, pager_action(KEY_NPAGE));
	cr_expect_eq(a.scroll, 9);
	app_pager_key(&a, pager_action('k'));
	cr_expect_eq(a.scroll, 8);
	app_pager_key(&a, pager_action(KEY_HOME));
	cr_expect_eq(a.scroll, 0);
	/* / finds the line, n the next one, a miss says so */
	app_pager_key(&a, pager_action('/'));
	cr_expect(a.finding);
	for (const char *p = "TPOT_MS"; *p; p++)
		app_find_key(&a, *p);
	app_find_key(&a, '\r');
	cr_expect_not(a.finding);
	cr_assert_geq(a.goto_line, 0);
	const char *line = a.captured.out;
	for (int i = 0; i < a.goto_line; i++)
		line = strchr(line, '\n') + 1;
	cr_expect(strncmp(line, "  requirements.tpot_ms", 22) == 0, "%.40s", line);
	app_pager_key(&a, pager_action('/'));
	for (const char *p = "nowhere to be found"; *p; p++)
		app_find_key(&a, *p);
	app_find_key(&a, 127);
	app_find_key(&a, '\r');
	cr_expect(a.status_error);
	cr_expect_str_eq(a.status, "not found: nowhere to be foun");
	/* q goes back to the diagnostics; the keys are the sliders' again */
	app_pager_key(&a, pager_action('q'));
	cr_expect_not(app_paging(&a));
	cr_expect_eq(a.view, VIEW_DIAG);
	cr_expect_not(a.quit);
	app_free(&a);
}

Test(app, the_help_scrolls_and_closes_only_on_its_keys)
{
	static struct app a;
	app_init(&a);
	app_apply(&a, ACT_HELP);
	a.page_rows = 22;
	app_help_key(&a, pager_action('x'));
	app_help_key(&a, pager_action(KEY_LEFT));
	cr_expect_eq(a.mode, MODE_HELP);
	app_help_key(&a, pager_action(KEY_NPAGE));
	cr_expect_eq(a.help_scroll, 21);
	app_help_key(&a, pager_action(KEY_HOME));
	cr_expect_eq(a.help_scroll, 0);
	app_help_key(&a, pager_action(27));
	cr_expect_eq(a.mode, MODE_SLIDERS);
	app_apply(&a, ACT_HELP);
	app_help_key(&a, pager_action('?'));
	cr_expect_eq(a.mode, MODE_SLIDERS);
	app_free(&a);
}

/* In the explorer a save onto an existing file asks first: y writes it,
 * any other answer leaves it as it was. */
Test(app, a_save_over_a_file_asks_first)
{
	static struct app a;
	char dir[] = "/tmp/moescope-ask-XXXXXX", line[300], path[200];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/p.yaml", dir);
	app_init(&a);
	snprintf(line, sizeof line, "save %s", path);
	app_run_command(&a, line);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	cr_expect(strncmp(a.status, "saved ", 6) == 0, "%s", a.status);
	cr_expect_eq(a.view, VIEW_DIAG, "one line of output is a status, not a page");
	app_run_command(&a, "set tp 2");
	app_run_command(&a, line);
	cr_expect_eq(a.mode, MODE_CONFIRM);
	cr_expect(strstr(a.status, "p.yaml exists: overwrite it? y: yes"), "%s", a.status);
	app_confirm_key(&a, false);
	cr_expect_eq(a.mode, MODE_SLIDERS);
	cr_expect(strstr(a.status, "not saved"), "%s", a.status);
	struct scenario back;
	char err[300];
	scenario_default(&back);
	cr_assert_eq(preset_load_file(&back, path, err, sizeof err), 0, "%s", err);
	cr_expect_eq(back.strat.tp, 4);
	app_run_command(&a, line);
	app_confirm_key(&a, true);
	scenario_default(&back);
	cr_assert_eq(preset_load_file(&back, path, err, sizeof err), 0, "%s", err);
	cr_expect_eq(back.strat.tp, 2);
	app_free(&a);
	remove(path);
	rmdir(dir);
}

/* u takes back sliders, set, fixes and loads, one at a time; U redoes;
 * a new change after an undo drops what was undone. */
Test(app, undo_and_redo)
{
	static struct app a;
	app_init(&a);
	app_apply(&a, ACT_LEFT);                     /* EP 16 -> 8 */
	app_run_command(&a, "set tp 2");
	app_run_command(&a, "show summary");         /* changes nothing: nothing to undo */
	app_run_command(&a, "load mixtral-8x7b");
	cr_expect_eq(a.n_undo, 3);
	app_apply(&a, ACT_UNDO);
	cr_expect_str_eq(a.ss.scn.model.name, "seed-10b-moe");
	cr_expect(strstr(a.status, "undo: load mixtral-8x7b") != NULL, "%s", a.status);
	app_apply(&a, ACT_UNDO);
	cr_expect_eq(a.ss.scn.strat.tp, 4);
	app_apply(&a, ACT_UNDO);
	cr_expect_eq(a.ss.scn.strat.ep, 16);
	app_apply(&a, ACT_UNDO);
	cr_expect_str_eq(a.status, "nothing to undo");
	app_apply(&a, ACT_REDO);
	cr_expect_eq(a.ss.scn.strat.ep, 8);
	cr_expect(strstr(a.status, "redo: EP = 8") != NULL, "%s", a.status);
	app_run_command(&a, "set batch 64");
	cr_expect_eq(a.n_redo, 0);
	app_apply(&a, ACT_REDO);
	cr_expect_str_eq(a.status, "nothing to redo");
	cr_expect_eq(keymap_action('u'), ACT_UNDO);
	cr_expect_eq(keymap_action('U'), ACT_REDO);
	app_free(&a);
}
