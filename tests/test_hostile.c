/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hostile input: every key at absurd values, broken and malicious files,
 * unwritable places.  Each gets one clear line of error and changes
 * nothing, or is accepted and evaluates to finite figures or diagnostics:
 * never a crash, a hang, a nan or an inf. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "command.h"
#include "preset.h"
#include "report.h"

/* The JSON of an evaluation holds no nan or inf outside strings. */
static void expect_clean_json(const struct scenario *s, const char *what)
{
	static struct result r;
	static struct diag_list d;
	struct sink_buffer b;
	struct sink k;

	cost_evaluate(s, &r);
	diag_collect(s, &r, &d);
	sink_buffer_init(&b, &k);
	report_json(&k, s, &r, &d, NULL);
	bool in_string = false;
	for (const char *p = b.out; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"') {
			in_string = true;
		} else {
			cr_expect(strncmp(p, "nan", 3) != 0 && strncmp(p, "inf", 3) != 0, "%s: %s", what, b.out);
			if (strncmp(p, "nan", 3) == 0 || strncmp(p, "inf", 3) == 0)
				break;
		}
	}
	sink_buffer_free(&b);
}

static void expect_one_line(const char *err, const char *what)
{
	cr_expect(err[0] != '\0', "%s: no message", what);
	cr_expect(strchr(err, '\n') == NULL, "%s: more than one line: %s", what, err);
}

Test(hostile, words_no_number_key_accepts)
{
	static const char *const bad[] = { "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "0x", "1e", "--1",
					   "99999999999999999999999", "\x01\x02", "1 2", "" };
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->type != KT_INT && k->type != KT_DOUBLE)
			continue;
		for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
			struct scenario s, before;
			char err[400] = "";
			scenario_default(&s);
			before = s;
			cr_expect_eq(key_set(&s, k, bad[j], err, sizeof err), -1, "%s = '%s' accepted", k->name, bad[j]);
			expect_one_line(err, k->name);
			cr_expect_eq(memcmp(&s, &before, sizeof s), 0, "%s changed", k->name);
		}
	}
}

Test(hostile, every_key_at_its_extremes_evaluates_cleanly)
{
	char err[400], text[64];
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->type != KT_INT && k->type != KT_DOUBLE)
			continue;
		const double tries[] = { k->min, k->max, -1, 0, 1 };
		for (size_t j = 0; j < sizeof tries / sizeof tries[0]; j++) {
			struct scenario s;
			scenario_default(&s);
			snprintf(text, sizeof text, "%.17g", tries[j]);
			if (key_set(&s, k, text, err, sizeof err) != 0) {
				expect_one_line(err, k->name);
				continue;
			}
			char what[128];
			snprintf(what, sizeof what, "%s = %s", k->name, text);
			expect_clean_json(&s, what);
		}
	}
}

Test(hostile, absurd_sizes)
{
	static const char *const lines[] = {
		"set dp 1000000; set tp 16; set pp 16; show",         /* 2.56e8 GPUs */
		"set batch 10000000; set seq 100000000; show",        /* 1e15 prompt tokens */
		"set out 100000000; set mode serving; show",
		"set model.layers 1024; set pp 128; set model.vocab 100000000; show",
		"set model.experts 65536; set model.top_k 65536; set ep 1; show",
		"set hardware.mem_gib 0.000001; show",
		"set hardware.intra_gbps 0.0001; set hardware.inter_gbps 0.0001; show",
		"set hardware.kernel_us 1000000; set strategy.imbalance 1000; show",
		"set model.hidden 1000000; set model.heads 1; show",
		"set mb 1000000; set pp 16; show",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct session_fixture f;
		fixture_open(&f, FMT_JSON);
		int rc = session_run_line(&f.ss, lines[i], 1);
		if (rc != 0)
			expect_one_line(strchr(f.buf.err, '\n') ? "" : f.buf.err, lines[i]);
		expect_clean_json(&f.ss.scn, lines[i]);
		fixture_close(&f);
	}
}

struct bad_file {
	const char *what;
	const char *bytes;
	size_t len;   /* 0: strlen */
};

Test(hostile, malicious_files)
{
	static char nested[40000], huge_key[5000];
	size_t n = 0;
	for (int i = 0; i < 5000; i++)
		nested[n++] = '[';
	nested[n] = '\0';
	memset(huge_key, 'k', sizeof huge_key - 10);
	memcpy(huge_key + sizeof huge_key - 10, ": 1\n", 5);
	const struct bad_file files[] = {
		{ "empty", "", 0 },
		{ "only a comment", "# nothing\n", 0 },
		{ "binary garbage", "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe", 12 },
		{ "UTF-16 with BOM", "\xff\xfe" "n\0a\0", 6 },
		{ "deep nesting", nested, 0 },
		{ "a huge key", huge_key, 0 },
		{ "alias bomb",
		  "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		  "strategy: *d\n", 0 },
		{ "an alias as a section", "s: &s {tp: 2}\nstrategy: *s\nworkload: *s\n", 0 },
		{ "a list of sections", "- strategy: {tp: 2}\n", 0 },
		{ "a tag", "strategy: !!binary aGVsbG8=\n", 0 },
		{ "a NUL in the middle", "strategy: {tp: 2}\0\nworkload: {batch: 3}\n", 38 },
		{ "unterminated quote", "name: \"abc\n", 0 },
		{ "tabs", "strategy:\n\ttp: 2\n", 0 },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct scenario s, before;
		char err[1024] = "";
		scenario_default(&s);
		before = s;
		size_t len = files[i].len ? files[i].len : strlen(files[i].bytes);
		int rc = preset_load_buffer(&s, "x.yaml", files[i].bytes, len, err, sizeof err);
		if (rc == 0) {
			/* only the harmless alias use may load */
			cr_expect_str_eq(files[i].what, "an alias as a section", "%s loaded", files[i].what);
			cr_expect_eq(s.strat.tp, 2);
			continue;
		}
		expect_one_line(err, files[i].what);
		cr_expect(strncmp(err, "x.yaml", 6) == 0, "%s: %s", files[i].what, err);
		cr_expect_eq(memcmp(&s, &before, sizeof s), 0, "%s changed the scenario", files[i].what);
	}
}

Test(hostile, oversized_file_is_refused)
{
	char path[] = "/tmp/moescope-big-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	for (int i = 0; i < 200000; i++)
		fputs("# padding\n", f);
	fclose(f);
	struct scenario s;
	char err[1024];
	scenario_default(&s);
	cr_expect_eq(preset_load_file(&s, path, err, sizeof err), -1);
	cr_expect(strstr(err, "larger than") != NULL, "%s", err);
	unlink(path);
}

Test(hostile, unwritable_places)
{
	struct scenario s;
	char err[1024];
	scenario_default(&s);
	static const char *const paths[] = { "/proc/version", "/proc/moescope.yaml", "/nonexistent/dir/x.yaml", "/",
					     "/dev/null" };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		err[0] = '\0';
		cr_expect_eq(preset_save_file(&s, paths[i], err, sizeof err), -1, "saved to %s", paths[i]);
		expect_one_line(err, paths[i]);
	}
	/* reading what is not a file */
	cr_expect_eq(preset_load_file(&s, "/", err, sizeof err), -1);
	expect_one_line(err, "/");
	cr_expect_eq(preset_load_file(&s, "/nonexistent", err, sizeof err), -1);
	expect_one_line(err, "/nonexistent");
}

/* Found by fuzz_command (as a timeout): `strategy "DP54001"; d""ag t` drew
 * 54001 GPUs grouped, and each box cleared and scanned an array of every dp
 * rank: quadratic.  Each box now costs the GPUs it holds.  The harness
 * also read `d""ag` as something else than dag: it now drops quotes first. */
Test(hostile, fuzz_regression_grouped_dag_of_54001_gpus)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	/* quotes join words: d""ag is the dag command */
	cr_expect_eq(session_run_line(&f.ss, "strategy \"DP54001\"; d\"\"ag", 1), 0, "%s", f.buf.err);
	const char *out = f.buf.out;
	cr_expect(strstr(out, "54001 GPUs on 6751 nodes") != NULL, "%.300s", out);
	/* every node is drawn, the last one with the one GPU left over */
	cr_expect(strstr(out, "g0_0 [label=\"GPUs 0-7 (x8)\\ndp ranks 0-7, tp 0-0\\nep ranks 0, etp 1") != NULL);
	cr_expect(strstr(out, "g6750_0 [label=\"GPUs 54000-54000 (x1)\\ndp ranks 54000, tp 0-0") != NULL);
	fixture_close(&f);
}

/* Found by fuzz_yaml: a strategy string in a file reached pp 212 past the
 * key table's range and the stage table's end. */
Test(hostile, fuzz_regression_strategy_string_range)
{
	char path[1024], err[1024];
	struct scenario s, before;
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/fuzz/regressions/yaml-strategy-pp-212.yaml", src && *src ? src : MOESCOPE_SRCDIR);
	scenario_default(&s);
	before = s;
	cr_expect_eq(preset_load_file(&s, path, err, sizeof err), -1);
	cr_expect(strstr(err, "strategy: strategy.pp: expected an integer from 1 to 128, got '212'") != NULL, "%s", err);
	cr_expect_eq(memcmp(&s, &before, sizeof s), 0);

	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set model.layers 300; strategy PP200", 1), -1);
	cr_expect(strstr(f.buf.err, "strategy.pp: expected an integer from 1 to 128, got '200'") != NULL, "%s", f.buf.err);
	fixture_close(&f);

	/* and the model refuses it even when the field is set directly */
	struct result r;
	scenario_default(&s);
	s.model.layers = 300;
	s.strat.pp = 200;
	cost_evaluate(&s, &r);
	cr_expect(r.errors & CE_PP_LAYERS);
}

/* Found by fuzz_strategy: E_FOLD listed the valid etp values by trying every
 * divisor of dp*tp/ep, 630 million of them for DP763771 TP826 ETP6. */
Test(hostile, fuzz_regression_fold_message_is_bounded, .timeout = 10)
{
	struct scenario s;
	struct result r;
	struct diag_list d;
	scenario_default(&s);
	s.strat = (struct strategy){ .dp = 763771, .tp = 826, .pp = 1, .ep = 1, .etp = 6 };
	cost_evaluate(&s, &r);
	diag_collect(&s, &r, &d);
	cr_expect(r.errors & CE_FOLD);
	cr_expect(r.errors & CE_TP_HEADS);
}

Test(hostile, huge_deployments_are_refused_quickly, .timeout = 10)
{
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(session_run_line(&f.ss, "set dp 1000000; set tp 16; set pp 16; dag", 1), -1);
	cr_expect(strstr(f.buf.err, "256000000 GPUs: the graph is drawn for at most 65536") != NULL, "%s", f.buf.err);
	cr_expect_eq(session_run_line(&f.ss, "search max-gpus 65536", 2), -1);
	cr_expect(strstr(f.buf.err, "'65536': expected a whole number from 1 to 16384") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* Asked every 1,024 strategies: stop at the second question. */
static bool stop_at_second(void *ctx, long visited)
{
	int *asked = ctx;
	cr_expect_eq(visited, 1024L * (*asked + 1));
	return ++*asked == 2;
}

/* Found by fuzz_command: a frontier over the 840 GPUs of "TP8 PP7 EP15"
 * ran past the harness's 10 s under the sanitizers (16,384 GPUs took 22 s
 * built for speed).  The explorer now stops one on Esc or Ctrl-C, the
 * harness after two seconds: the command prints what it saw, says so, and
 * fails. */
Test(hostile, fuzz_regression_long_frontier_can_be_stopped, .timeout = 30)
{
	char path[1024], line[256];
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/fuzz/regressions/command-frontier-840-gpus.txt",
		 src && *src ? src : MOESCOPE_SRCDIR);
	FILE *fp = fopen(path, "rb");
	cr_assert_not_null(fp, "%s", path);
	size_t n = fread(line, 1, sizeof line - 1, fp);
	fclose(fp);
	line[n] = '\0';   /* the harness's line: up to its first NUL */

	struct session_fixture f;
	int asked = 0;
	fixture_open(&f, FMT_TEXT);
	f.ss.stop.fn = stop_at_second;
	f.ss.stop.ctx = &asked;
	cr_expect_eq(session_run_line(&f.ss, line, 1), -1);
	cr_expect_eq(asked, 2);
	cr_expect(strstr(f.buf.out, "at most 840 GPUs") != NULL, "%.300s", f.buf.out);
	cr_expect(strstr(f.buf.out, "stopped before the end: the front is of the strategies seen, not of all") != NULL,
		  "%.400s", f.buf.out);
	cr_expect(strstr(f.buf.err, "frontier: stopped after 2048 strategies; the result shown is partial") != NULL,
		  "%s", f.buf.err);
	/* the next command asks afresh */
	asked = 0;
	cr_expect_eq(session_run_line(&f.ss, "recommend rate 5", 2), -1);
	cr_expect(strstr(f.buf.err, "recommend: stopped after 2048 strategies") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}
