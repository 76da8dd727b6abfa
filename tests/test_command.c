/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command language: words, quotes, errors with positions. */
#include "command.h"
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

Test(command, set_and_get)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set ep 8; get ep", 1), 0);
	cr_expect_str_eq(f.buf.out, "8\n");
	cr_expect_eq(f.ss.scn.strat.ep, 8);
	fixture_close(&f);
}

Test(command, comments_quotes_and_blank_lines)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "   # nothing here", 1), 0);
	cr_expect_eq(session_run_line(&f.ss, "", 2), 0);
	cr_expect_eq(session_run_line(&f.ss, "set name \"my plan; v2\" # the name", 3), 0);
	cr_expect_str_eq(f.ss.scn.name, "my plan; v2");
	cr_expect_eq(session_run_line(&f.ss, "strategy 'DP2 TP2 PP4 EP16'", 4), 0);
	cr_expect_eq(f.ss.scn.strat.pp, 4);
	cr_expect_eq(f.ss.scn.strat.dp, 2);
	cr_expect_str_eq(f.buf.err, "");
	fixture_close(&f);
}

Test(command, tp_not_dividing_heads_is_refused_with_valid_values)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set tp 3", 7), -1);
	cr_expect_str_eq(f.buf.err, "test:7:8: set: heads (16) must be divisible by tp; valid: 1 2 4 8 16\n");
	cr_expect_eq(f.ss.scn.strat.tp, 4);
	fixture_close(&f);
}

Test(command, unknown_key_suggests)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set epp 8", 1), -1);
	cr_expect(strstr(f.buf.err, "test:1:5: set: unknown key 'epp'; did you mean 'ep'?") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

Test(command, failure_stops_the_line)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set ep 8; set tp banana; set pp 2", 1), -1);
	cr_expect_eq(f.ss.scn.strat.ep, 8);
	cr_expect_eq(f.ss.scn.strat.pp, 1);
	cr_expect(strstr(f.buf.err, "test:1:18: set: strategy.tp: expected an integer from 1 to 4096, got 'banana'") != NULL,
		  "%s", f.buf.err);
	fixture_close(&f);
}

Test(command, unknown_command_and_usage)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "frobnicate", 1), -1);
	cr_expect(strstr(f.buf.err, "unknown command 'frobnicate'") != NULL);
	cr_expect_eq(session_run_line(&f.ss, "set ep", 2), -1);
	cr_expect(strstr(f.buf.err, "usage: set KEY VALUE") != NULL);
	cr_expect_eq(session_run_line(&f.ss, "show bogus", 3), -1);
	cr_expect(strstr(f.buf.err, "valid: summary memory time comm params diag all") != NULL);
	cr_expect_eq(session_run_line(&f.ss, "set name \"open", 4), -1);
	cr_expect(strstr(f.buf.err, "unterminated quote") != NULL);
	fixture_close(&f);
}

Test(command, ep_combination_is_accepted_for_later_repair)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	/* ep 16 with dp 2 does not fold, but setting dp next repairs it */
	cr_expect_eq(session_run_line(&f.ss, "set dp 2; set dp 4; show", 1), 0);
	cr_expect(strstr(f.buf.out, "GPUs        16 on 2 nodes") != NULL, "%s", f.buf.out);
	fixture_close(&f);
}

Test(command, show_summary_names_the_figures)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set ep 8; show", 1), 0);
	const char *out = f.buf.out;
	cr_expect(strstr(out, "strategy    dp 16  tp 4  pp 1  ep 8  etp 4 (auto)  edp 2") != NULL, "%s", out);
	cr_expect(strstr(out, "GPUs        64 on 8 nodes; 32 distinct shards, replication 2.00") != NULL);
	cr_expect(strstr(out, "TTFT        0.0531 s   requirement <= 10 s: meets") != NULL);
	cr_expect(strstr(out, "error   E_TARGET_IMPOSSIBLE") != NULL);
	fixture_close(&f);
}

Test(command, reset_help_quit)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set tp 8; reset; get tp", 1), 0);
	cr_expect_str_eq(f.buf.out, "4\n");
	cr_expect_eq(session_run_line(&f.ss, "help set", 2), 0);
	cr_expect(strstr(f.buf.out, "usage: set KEY VALUE") != NULL);
	cr_expect_eq(session_run_line(&f.ss, "help ep", 3), 0);
	cr_expect(strstr(f.buf.out, "strategy.ep (ep): expert-parallel degree") != NULL, "%s", f.buf.out);
	cr_expect_eq(session_run_line(&f.ss, "quit; set tp 8", 4), 0);
	cr_expect(f.ss.quit);
	cr_expect_eq(f.ss.scn.strat.tp, 4);
	fixture_close(&f);
}

Test(command, get_section_lists_keys)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "get strategy", 1), 0);
	cr_expect(strstr(f.buf.out, "strategy.etp") != NULL);
	cr_expect(strstr(f.buf.out, "model.layers") == NULL);
	fixture_close(&f);
}

Test(command, get_follows_the_output_format)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	f.ss.format = FMT_JSON;
	cr_expect_eq(session_run_line(&f.ss, "set name 'a \"nan\" plan'; get name ep etp requirements.tpot_ms model.gated", 1), 0);
	cr_expect_str_eq(f.buf.out, "{\"name\": \"a \\\"nan\\\" plan\", \"strategy.ep\": 16, \"strategy.etp\": \"auto\", "
				    "\"requirements.tpot_ms\": null, \"model.gated\": true}\n");
	f.buf.out_len = 0;
	f.buf.out[0] = '\0';
	f.ss.format = FMT_CSV;
	cr_expect_eq(session_run_line(&f.ss, "get name tp", 2), 0);
	cr_expect_str_eq(f.buf.out, "key,value\nname,\"a \"\"nan\"\" plan\"\nstrategy.tp,4\n");
	fixture_close(&f);
}

/* Files loaded together fit a model to the scenario once all are in: a
 * GPU named after the model is the one its strategy and target are
 * checked on, so either order gives the same scenario and the same notes. */
Test(command, a_model_before_its_gpu_is_fitted_on_that_gpu)
{
	static struct session_fixture a, b;
	fixture_open(&a, FMT_TEXT);
	fixture_open(&b, FMT_TEXT);
	cr_assert_eq(session_run_line(&a.ss, "load mixtral-8x7b h100-sxm", 1), 0, "%s", a.buf.err);
	cr_assert_eq(session_run_line(&b.ss, "load h100-sxm mixtral-8x7b", 1), 0, "%s", b.buf.err);
	cr_expect_str_eq(a.buf.err, b.buf.err);
	cr_expect(strstr(a.buf.err, "cannot run DP16_TP4_PP1_EP16 on h100-sxm") &&
		  strstr(a.buf.err, "compute ceiling of") && strstr(a.buf.err, "on h100-sxm\n"),
		  "%s", a.buf.err);
	cr_expect_not(strstr(a.buf.out, "seed-gpu"), "%s", a.buf.out);
	cr_expect(!memcmp(&a.ss.scn.strat, &b.ss.scn.strat, sizeof a.ss.scn.strat));
	cr_expect(isnan(a.ss.scn.req.tokens_per_ms_per_gpu) && isnan(b.ss.scn.req.tokens_per_ms_per_gpu));
	fixture_close(&a);
	fixture_close(&b);
	/* a scenario file after the model brings its own model: it stands as
	 * the file says, with nothing fitted */
	fixture_open(&a, FMT_TEXT);
	fixture_open(&b, FMT_TEXT);
	cr_assert_eq(session_run_line(&a.ss, "load mixtral-8x7b seed-report-001", 1), 0, "%s", a.buf.err);
	cr_assert_eq(session_run_line(&b.ss, "load seed-report-001", 1), 0, "%s", b.buf.err);
	cr_expect_str_eq(a.buf.out, "");
	cr_expect(!memcmp(&a.ss.scn.model, &b.ss.scn.model, sizeof a.ss.scn.model));
	cr_expect(!memcmp(&a.ss.scn.strat, &b.ss.scn.strat, sizeof a.ss.scn.strat));
	fixture_close(&a);
	fixture_close(&b);
}

/* A model preset loaded onto a scenario: the strategy stays when the new
 * model can run it, else the nearest valid one; the scenario takes the
 * model's name and loses a target the model cannot reach; each is said. */
Test(command, loading_a_model_fits_the_scenario_to_it)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	/* Mixtral has 8 experts: EP 16 cannot be; EP 8 is nearest, on the same 64 GPUs */
	cr_assert_eq(session_run_line(&f.ss, "load mixtral-8x7b", 1), 0, "%s", f.buf.err);
	const struct strategy *st = &f.ss.scn.strat;
	cr_expect(st->dp == 16 && st->tp == 4 && st->pp == 1 && st->ep == 8 && st->etp == 0,
		  "DP%ld TP%ld PP%ld EP%ld ETP%ld", st->dp, st->tp, st->pp, st->ep, st->etp);
	cr_expect_str_eq(f.ss.scn.name, "mixtral-8x7b");
	cr_expect(isnan(f.ss.scn.req.tokens_per_ms_per_gpu));
	cr_expect_eq(f.ss.scn.req.ttft_s, 10);
	cr_expect(strstr(f.buf.err, "load: mixtral-8x7b cannot run DP16_TP4_PP1_EP16 on seed-gpu-64g: the nearest valid strategy is DP16_TP4_PP1_EP8\n"),
		  "%s", f.buf.err);
	cr_expect(strstr(f.buf.err, "load: dropped the throughput target of 100 tok/ms/GPU: above mixtral-8x7b's compute ceiling of 9.41"),
		  "%s", f.buf.err);
	/* a strategy the next model can run stays; a name and a target the user gave stay */
	cr_assert_eq(session_run_line(&f.ss, "strategy DP2 TP4 EP8; set name plan-a; set requirements.tokens_per_ms_per_gpu 1", 2), 0);
	f.buf.out_len = 0;
	f.buf.out[0] = '\0';
	cr_assert_eq(session_run_line(&f.ss, "load mixtral-8x22b", 3), 0, "%s", f.buf.err);
	cr_expect(st->dp == 2 && st->tp == 4 && st->ep == 8);
	cr_expect_str_eq(f.ss.scn.name, "plan-a");
	cr_expect_eq(f.ss.scn.req.tokens_per_ms_per_gpu, 1);
	cr_expect_str_eq(f.buf.out, "");
	/* a scenario file says what it means, even an invalid strategy */
	cr_assert_eq(session_run_line(&f.ss, "load seed-report-001", 4), 0, "%s", f.buf.err);
	cr_expect(st->dp == 2 && st->tp == 2 && st->pp == 4 && st->ep == 16);
	cr_expect_eq(f.ss.scn.req.tokens_per_ms_per_gpu, 100);
	fixture_close(&f);
}

/* Saves: the path written is said; ~ is the home directory as in sh; the
 * explorer's session (no_clobber) refuses an existing file until forced,
 * naming it for the question; a replaced file keeps its mode; reload reads
 * the loaded files again. */
Test(command, saves_say_where_keep_modes_and_do_not_clobber_unasked)
{
	struct session_fixture f;
	char dir[] = "/tmp/moescope-save-XXXXXX", line[300], path[200];
	cr_assert(mkdtemp(dir));
	const char *home = getenv("HOME");
	char *old_home = home ? strdup(home) : NULL;
	setenv("HOME", dir, 1);
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "set tp 2; save ~/a.yaml", 1), 0, "%s", f.buf.err);
	snprintf(path, sizeof path, "%s/a.yaml", dir);
	snprintf(line, sizeof line, "saved %s\n", path);
	cr_expect_str_eq(f.buf.err, line);
	cr_expect_eq(f.buf.out_len, 0);
	/* a quoted ~ is a name like any other */
	cr_assert_eq(session_run_line(&f.ss, "set name '~/x'", 2), 0);
	cr_expect_str_eq(f.ss.scn.name, "~/x");
	cr_assert_eq(chmod(path, 0600), 0);
	f.ss.no_clobber = true;
	cr_assert_eq(session_run_line(&f.ss, "set tp 8; save ~/a.yaml", 3), -1);
	cr_expect_str_eq(f.ss.confirm_save, path);
	cr_expect(strstr(f.buf.err, "a.yaml exists: save -f "), "%s", f.buf.err);
	cr_assert_eq(session_run_line(&f.ss, "save -f ~/a.yaml", 4), 0, "%s", f.buf.err);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	/* reload: the built-in scenario and the file as it is on disk (tp 8) */
	cr_assert_eq(session_run_line(&f.ss, "reset; load ~/a.yaml; set tp 1; set batch 7; reload", 5), 0, "%s",
		     f.buf.err);
	cr_expect_eq(f.ss.scn.strat.tp, 8);
	cr_expect_eq(f.ss.scn.work.batch, 128);
	cr_assert_eq(session_run_line(&f.ss, "reset; reload", 6), -1);
	cr_expect(strstr(f.buf.err, "reload: nothing was loaded since the last reset"), "%s", f.buf.err);
	fixture_close(&f);
	remove(path);
	rmdir(dir);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_home);
}
