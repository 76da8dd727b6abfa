/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark result files as measured runs: vLLM's JSON and SGLang's JSONL. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_bench.h"
#include "preset.h"
#include "validate.h"

static const char *fixture(const char *name)
{
	static char path[1024];
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/bench/%s", src && *src ? src : MOESCOPE_SRCDIR, name);
	return path;
}

static void plan(struct scenario *s)
{
	char err[600];
	scenario_default(s);
	cr_assert_eq(preset_load(s, "deepseek-r1-8xh200", err, sizeof err), 0, "%s", err);
}

Test(import_bench, vllm_result_is_one_closed_loop_run)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	cr_assert_eq(import_bench_read(fixture("vllm-result.json"), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	const struct run *r = &rs.runs[0];
	cr_expect(r->ok, "%s", r->reason);
	/* 655360 tokens over 640 requests each way; concurrency 64 */
	cr_expect_eq(r->s.work.prompt_len, 1024);
	cr_expect_eq(r->s.work.output_len, 1024);
	cr_expect_eq(r->s.work.batch, 64);
	cr_expect_eq(r->s.work.requests, 640);
	cr_expect_eq(r->s.work.arrival, ARRIVAL_CLOSED);
	cr_expect_eq(r->s.work.engine, ENGINE_VLLM);
	cr_expect_eq(r->s.work.mode, MODE_SERVING);
	expect_rel(r->ttft_ms, 812.4, 0);
	expect_rel(r->tpot_ms, 38.9, 0);
	/* the plan's model, GPU and strategy */
	cr_expect_str_eq(r->model, s.model.name);
	cr_expect_str_eq(r->hardware, s.hw.name);
	cr_expect_eq(r->s.strat.dp, s.strat.dp);
	cr_expect_eq(r->s.strat.ep, s.strat.ep);
	runs_evaluate(&rs);
	cr_expect_eq(rs.n_ok, 1);
	cr_expect_gt(rs.runs[0].pred_tpot_ms, 0);
	runs_free(&rs);
}

Test(import_bench, sglang_lines_closed_open_and_incomplete)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	cr_assert_eq(import_bench_read(fixture("sglang-results.jsonl"), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rs.n, 3);
	cr_expect_eq(rs.runs[0].line, 1);
	cr_expect_eq(rs.runs[1].line, 2);
	cr_expect_eq(rs.runs[2].line, 3);
	/* line 1: concurrency 16, 2048 in and 512 out (request_rate Infinity) */
	cr_expect(rs.runs[0].ok);
	cr_expect_eq(rs.runs[0].s.work.batch, 16);
	cr_expect_eq(rs.runs[0].s.work.prompt_len, 2048);
	cr_expect_eq(rs.runs[0].s.work.output_len, 512);
	cr_expect_eq(rs.runs[0].s.work.engine, ENGINE_SGLANG);
	/* line 2: no concurrency, 4 requests/s: an open stream */
	cr_expect(rs.runs[1].ok);
	cr_expect_eq(rs.runs[1].s.work.arrival, ARRIVAL_POISSON);
	expect_rel(rs.runs[1].s.work.rate, 4.0, 0);
	/* line 3: nothing completed: reported, not dropped */
	cr_expect(!rs.runs[2].ok);
	cr_expect(strstr(rs.runs[2].reason, "has no number for completed") != NULL, "%s", rs.runs[2].reason);
	runs_evaluate(&rs);
	cr_expect_eq(rs.n_ok, 2);
	runs_free(&rs);
}

Test(import_bench, broken_files_are_clear_errors)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	cr_expect_eq(import_bench_read(fixture("broken.json"), &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "broken.json:2:36: not a benchmark result: unexpected character") != NULL, "%s", err);
	cr_expect_eq(rs.n, 0);
	cr_expect_eq(import_bench_read("/nonexistent.json", &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "No such file") != NULL, "%s", err);
	cr_expect_eq(import_bench_buffer("x.json", "  \n ", 4, &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "x.json: no result in the file") != NULL, "%s", err);
	cr_expect_eq(import_bench_buffer("x.json", "{\"a\": 1", 7, &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "it ends too early") != NULL, "%s", err);
	/* a result without the measured means is a run with its reason */
	const char *partial = "{\"completed\": 4, \"total_input_tokens\": 40, \"total_output_tokens\": 40, \"max_concurrency\": 2}";
	cr_assert_eq(import_bench_buffer("p.json", partial, strlen(partial), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(!rs.runs[0].ok);
	cr_expect(strstr(rs.runs[0].reason, "has no number for mean_ttft_ms") != NULL, "%s", rs.runs[0].reason);
	runs_free(&rs);
}

/* Counts past what the scenario holds are a reason, not a conversion of a
 * huge double to long (undefined; found by fuzzing: completed 5.6e66). */
Test(import_bench, counts_out_of_range_are_a_reason)
{
	static struct run_set rs;
	struct scenario s;
	char err[600], path[1024];
	const char *src = getenv("abs_top_srcdir");
	plan(&s);
	snprintf(path, sizeof path, "%s/tests/fuzz/regressions/bench-completed-1e67.json", src && *src ? src : MOESCOPE_SRCDIR);
	cr_assert_eq(import_bench_read(path, &s, &rs, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rs.n, 2);
	cr_expect(!rs.runs[0].ok);
	cr_expect(strstr(rs.runs[0].reason, "completed (at most 1e9) is out of range") != NULL, "%s", rs.runs[0].reason);
	runs_free(&rs);
	const char *cases[][2] = {
		{ "{\"completed\": 2, \"total_input_tokens\": 1e300, \"total_output_tokens\": 4, \"max_concurrency\": 2, "
		  "\"mean_ttft_ms\": 1, \"mean_tpot_ms\": 1}", "total_input_tokens / completed" },
		{ "{\"completed\": 2, \"total_input_tokens\": 4, \"total_output_tokens\": 3e8, \"max_concurrency\": 2, "
		  "\"mean_ttft_ms\": 1, \"mean_tpot_ms\": 1}", "total_output_tokens / completed" },
		{ "{\"completed\": 2, \"total_input_tokens\": 4, \"total_output_tokens\": 4, \"max_concurrency\": 1e19, "
		  "\"mean_ttft_ms\": 1, \"mean_tpot_ms\": 1}", "max_concurrency (at most 1e7)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(import_bench_buffer("c.json", cases[i][0], strlen(cases[i][0]), &s, &rs, err, sizeof err), 0, "%s",
			     err);
		cr_expect(!rs.runs[0].ok, "case %zu", i);
		cr_expect(strstr(rs.runs[0].reason, cases[i][1]) != NULL, "case %zu: %s", i, rs.runs[0].reason);
		runs_free(&rs);
	}
	/* at the bounds a run is read */
	const char *edge = "{\"completed\": 1000000000, \"total_input_tokens\": 1e17, \"total_output_tokens\": 1e9, "
			   "\"max_concurrency\": 1e7, \"mean_ttft_ms\": 1, \"mean_tpot_ms\": 1}";
	cr_assert_eq(import_bench_buffer("e.json", edge, strlen(edge), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	cr_expect_eq(rs.runs[0].s.work.requests, 1000000000);
	cr_expect_eq(rs.runs[0].s.work.prompt_len, 100000000);
	cr_expect_eq(rs.runs[0].s.work.batch, 10000000);
	runs_free(&rs);
}

Test(import_bench, validate_reads_a_result_against_the_plan)
{
	struct session_fixture f;
	char line[1200];
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load deepseek-r1-8xh200", 1), 0, "%s", f.buf.err);
	struct scenario before = f.ss.scn;
	snprintf(line, sizeof line, "validate %s", fixture("sglang-results.jsonl"));
	cr_assert_eq(session_run_line(&f.ss, line, 1), 0, "%s", f.buf.err);
	cr_expect(strstr(f.buf.out, "2 of 3 runs evaluated; 1 could not be:") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "line 3 (result): the result has no number for completed") != NULL, "%s", f.buf.out);
	/* the plan is untouched */
	cr_expect(memcmp(&before, &f.ss.scn, sizeof before) == 0);
	snprintf(line, sizeof line, "validate %s", fixture("broken.json"));
	cr_expect_neq(session_run_line(&f.ss, line, 1), 0);
	cr_expect(strstr(f.buf.err, "not a benchmark result") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* A JSON null is named where it stands, not as a parse failure a line on. */
Test(import_bench, a_null_line_is_named_where_it_stands)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	const char *text = "{\"completed\": 1}\n  null\n";
	cr_expect_eq(import_bench_buffer("n.jsonl", text, strlen(text), &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "n.jsonl:2:3: not a benchmark result: null") != NULL, "%s", err);
	cr_expect_eq(rs.n, 0);
}

/* Per-request arrays are never read; past two million values the text is
 * refused before the parser builds them (a 64 MiB file of "0," held 2.4 GB).
 * Commas and brackets inside strings are no values. */
Test(import_bench, values_are_bounded_before_parsing)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	const char *head = "{\"completed\": 4, \"total_input_tokens\": 40, \"total_output_tokens\": 40, \"max_concurrency\": 2, "
			   "\"mean_ttft_ms\": 10, \"mean_tpot_ms\": 2, \"note\": \"a,b,[c]\", \"itls\": [";
	size_t hl = strlen(head), n = 1999991; /* with the 9 counted above and the first, at the bound */
	char *text = malloc(hl + 2 * n + 4);
	cr_assert(text);
	memcpy(text, head, hl);
	size_t at = hl;
	for (size_t i = 0; i < n; i++) {
		text[at++] = '0';
		text[at++] = ',';
	}
	text[at - 1] = ']';
	text[at++] = '}';
	cr_assert_eq(import_bench_buffer("d.json", text, at, &s, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	runs_free(&rs);
	/* one value more */
	memmove(text + hl + 2, text + hl, at - hl);
	text[hl] = '0';
	text[hl + 1] = ',';
	at += 2;
	cr_expect_eq(import_bench_buffer("d.json", text, at, &s, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "d.json: 2000001 values, more than the 2000000") != NULL, "%s", err);
	free(text);
}

Test(import_bench, sglang_range_ratio_is_a_spread_about_the_mean)
{
	static struct run_set rs;
	struct scenario s;
	char err[600];
	plan(&s);
	/* SGLang draws over [r L, L]: r 0.5 of L 2048 gives 1024..2048, mean
	 * 1536 (from the totals), half-width 512: a spread of 512/1536 = 1/3 */
	const char *half = "{\"backend\": \"sglang\", \"dataset_name\": \"random\", \"max_concurrency\": 16,"
			   " \"random_range_ratio\": 0.5, \"completed\": 100, \"total_input_tokens\": 153600,"
			   " \"total_output_tokens\": 38400, \"mean_ttft_ms\": 300, \"mean_tpot_ms\": 16}";
	cr_assert_eq(import_bench_buffer("h.json", half, strlen(half), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_assert(rs.runs[0].ok, "%s", rs.runs[0].reason);
	cr_expect_eq(rs.runs[0].s.work.prompt_len, 1536);
	cr_expect_float_eq(rs.runs[0].s.work.range_ratio, 1.0 / 3.0, 1e-12);
	runs_free(&rs);
	/* r 1 is fixed lengths; another dataset's ratio is not a spread read */
	const char *fixed = "{\"backend\": \"sglang\", \"dataset_name\": \"random\", \"max_concurrency\": 16,"
			    " \"random_range_ratio\": 1.0, \"completed\": 100, \"total_input_tokens\": 153600,"
			    " \"total_output_tokens\": 38400, \"mean_ttft_ms\": 300, \"mean_tpot_ms\": 16}";
	cr_assert_eq(import_bench_buffer("f.json", fixed, strlen(fixed), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_expect_float_eq(rs.runs[0].s.work.range_ratio, 0.0, 1e-15);
	runs_free(&rs);
	const char *share = "{\"backend\": \"sglang\", \"dataset_name\": \"sharegpt\", \"max_concurrency\": 16,"
			    " \"random_range_ratio\": 0.0, \"completed\": 100, \"total_input_tokens\": 153600,"
			    " \"total_output_tokens\": 38400, \"mean_ttft_ms\": 300, \"mean_tpot_ms\": 16}";
	cr_assert_eq(import_bench_buffer("s.json", share, strlen(share), &s, &rs, err, sizeof err), 0, "%s", err);
	cr_expect_float_eq(rs.runs[0].s.work.range_ratio, 0.0, 1e-15);
	runs_free(&rs);
}
