/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hostile files, streams and names, by class: what would hang, what would
 * grow without bound, what would inject, what would be misread, what a
 * save could leave behind, and output that could show nan.  At least three
 * cases a class; each refused at once with a message, or read right. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "csv.h"
#include "dag.h"
#include "preset.h"
#include "report.h"
#include "sink.h"
#include "validate.h"

static char *scratch_dir(void)
{
	static char dir[64];
	snprintf(dir, sizeof dir, "/tmp/moescope-hostile-XXXXXX");
	cr_assert(mkdtemp(dir));
	return dir;
}

static int run(struct session_fixture *f, const char *line)
{
	f->buf.err_len = 0;
	f->buf.err[0] = '\0';
	return session_run_line(&f->ss, line, 1);
}

/* ---- what would hang: FIFOs where a file is expected ---- */

Test(hostile_inputs, fifos_are_refused_at_once, .timeout = 10)
{
	struct session_fixture f;
	char line[300], path[200], presets[200];
	const char *dir = scratch_dir();
	snprintf(path, sizeof path, "%s/plan.yaml", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	fixture_open(&f, FMT_TEXT);
	struct scenario before = f.ss.scn;
	/* a path */
	snprintf(line, sizeof line, "load %s", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "plan.yaml: not a regular file"), "%s", f.buf.err);
	/* a preset name that turns out to be a FIFO */
	snprintf(presets, sizeof presets, "%s/presets", dir);
	cr_assert_eq(mkdir(presets, 0700), 0);
	snprintf(line, sizeof line, "%s/models", presets);
	cr_assert_eq(mkdir(line, 0700), 0);
	snprintf(line, sizeof line, "%s/models/trap.yaml", presets);
	cr_assert_eq(mkfifo(line, 0600), 0);
	setenv("MOESCOPE_PRESETS", presets, 1);
	cr_expect_eq(run(&f, "load trap"), -1);
	cr_expect(strstr(f.buf.err, "trap.yaml: not a regular file"), "%s", f.buf.err);
	unsetenv("MOESCOPE_PRESETS");
	/* measured runs, an engine's options file */
	snprintf(line, sizeof line, "validate %s", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "not a regular file"), "%s", f.buf.err);
	snprintf(line, sizeof line, "import 'trtllm-serve x --extra_llm_api_options %s'", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "not a regular file"), "%s", f.buf.err);
	cr_expect_eq(memcmp(&before, &f.ss.scn, sizeof before), 0);
	fixture_close(&f);
}

/* ---- what would grow without bound ---- */

Test(hostile_inputs, bombs_are_refused_in_linear_time, .timeout = 10)
{
	static struct scenario s;
	static struct run_set rs;
	char err[600];
	size_t n = 1 << 20;
	char *deep = malloc(n + 1), *wide = malloc(4u << 20);
	cr_assert(deep && wide);
	memset(deep, '[', n);
	deep[n] = '\0';
	scenario_default(&s);
	cr_expect_eq(preset_load_buffer(&s, "deep.yaml", deep, n, err, sizeof err), -1);
	cr_expect(strstr(err, "deep.yaml:1:9: nested more than 8 levels deep"), "%s", err);
	/* a mapping of 85,000 keys (a quadratic duplicate check would take seconds) */
	size_t len = (size_t)sprintf(wide, "hardware:\n");
	for (int i = 0; i < 85000; i++)
		len += (size_t)sprintf(wide + len, "  k%d: 1\n", i);
	cr_expect_eq(preset_load_buffer(&s, "wide.yaml", wide, len, err, sizeof err), -1);
	cr_expect(strstr(err, "more than 4096 keys and values"), "%s", err);
	/* /dev/zero as measured runs, and a record longer than the bound */
	cr_expect_eq(runs_read("/dev/zero", &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "/dev/zero: not a regular file"), "%s", err);
	len = (size_t)sprintf(wide, "hardware,model,batch,prompt_len,output_len,measured_ttft_ms,measured_tpot_ms\n");
	memset(wide + len, 'x', 100000);
	len += 100000;
	cr_expect_eq(runs_read_buffer("long.csv", wide, len, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "long.csv:2: a record longer than 65535 bytes"), "%s", err);
	free(deep);
	free(wide);
}

/* ---- what would inject ---- */

static char *safe(const char *in)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof out, "w");
	cr_assert(f);
	sink_write_safe(f, in, strlen(in));
	fclose(f);
	return out;
}

Test(hostile_inputs, names_cannot_steer_a_terminal_or_graphviz)
{
	/* an escape sequence, a C1 CSI in UTF-8 and alone, DEL: made visible */
	cr_expect_str_eq(safe("ev\033[2Jil"), "ev\\x1B[2Jil");
	cr_expect_str_eq(safe("a\xC2\x9B" "31mb"), "a\\x9B31mb");
	cr_expect_str_eq(safe("a\x9B" "c\x7F"), "a\\x9Bc\\x7F");
	/* text, tabs, newlines and UTF-8 stay as they are */
	cr_expect_str_eq(safe("GPU\t\xC3\xA9\xE2\x96\x88 ok\n"), "GPU\t\xC3\xA9\xE2\x96\x88 ok\n");
	/* a model name that would close a DOT label and add attributes */
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(run(&f, "set model.name 'x\" image=\"/etc/passwd'; dag"), 0, "%s", f.buf.err);
	cr_expect(strstr(f.buf.out, "label=\"x\\\" image=\\\"/etc/passwd on "), "%s", f.buf.out);
	cr_expect_null(strstr(f.buf.out, "label=\"x\" image"));
	fixture_close(&f);
}

/* ---- what would be misread ---- */

static const char header[] = "name,framework,hardware,model,mode,batch,prompt_len,output_len,dp,tp,pp,ep,etp,"
			     "measured_ttft_ms,measured_tpot_ms\n";

Test(hostile_inputs, csv_as_rfc_4180_writes_it)
{
	static struct run_set rs;
	char err[600], buf[8192];
	/* a quoted newline is inside one field, not a second row */
	int n = snprintf(buf, sizeof buf, "%s\"two\nlines\",vllm,h200,llama-3.1-70b,serving,8,1024,128,1,4,1,1,4,90,20\n",
			 header);
	cr_assert_eq(runs_read_buffer("q.csv", buf, (size_t)n, &rs, err, sizeof err), 0, "%s", err);
	cr_expect_eq(rs.n, 1);
	cr_expect_str_eq(rs.runs[0].name, "two\nlines");
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	runs_free(&rs);
	/* a spreadsheet's byte-order mark */
	n = snprintf(buf, sizeof buf, "\xEF\xBB\xBF%sr,vllm,h200,llama-3.1-70b,serving,8,1024,128,1,4,1,1,4,90,20\n", header);
	cr_assert_eq(runs_read_buffer("bom.csv", buf, (size_t)n, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	runs_free(&rs);
	/* the needed columns after 100 others */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "x%d,", i);
	n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", header);
	for (int i = 0; i < 100; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "0,");
	n += snprintf(buf + n, sizeof buf - (size_t)n, "r,vllm,h200,llama-3.1-70b,serving,8,1024,128,1,4,1,1,4,90,20\n");
	cr_assert_eq(runs_read_buffer("wide.csv", buf, (size_t)n, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	runs_free(&rs);
	/* a cell is a name: "\x68200" is not YAML for h200 */
	n = snprintf(buf, sizeof buf, "%sr,vllm,\\x68200,llama-3.1-70b,serving,8,1024,128,1,4,1,1,4,90,20\n", header);
	cr_assert_eq(runs_read_buffer("esc.csv", buf, (size_t)n, &rs, err, sizeof err), 0, "%s", err);
	cr_expect_not(rs.runs[0].ok);
	cr_expect(strstr(rs.runs[0].reason, "no hardware preset named '\\x68200'"), "%s", rs.runs[0].reason);
	runs_free(&rs);
	/* a NUL byte, a quote never closed */
	n = snprintf(buf, sizeof buf, "%sr", header);
	buf[n++] = '\0';
	cr_expect_eq(runs_read_buffer("nul.csv", buf, (size_t)n, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "nul.csv:2: a NUL byte"), "%s", err);
	n = snprintf(buf, sizeof buf, "%s\"open,vllm\n", header);
	cr_expect_eq(runs_read_buffer("open.csv", buf, (size_t)n, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "open.csv:2: a quoted field is never closed"), "%s", err);
}

Test(hostile_inputs, numbers_and_bytes_read_as_documented)
{
	static struct scenario s;
	char err[300];
	scenario_default(&s);
	/* -0 is 0, without its sign */
	cr_assert_eq(key_set(&s, key_find("claims.gpus"), "-0", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.claims.gpus, 0);
	cr_expect_not(signbit(s.claims.gpus));
	cr_assert_eq(key_set(&s, key_find("workload.ttft_overhead_ms"), "-0", err, sizeof err), 0, "%s", err);
	cr_expect_not(signbit(s.work.ttft_overhead_ms));
	/* a NUL inside a YAML key is refused, never read as the key before it */
	static const char yaml[] = "strategy:\n  tp\0garbage: 2\n";
	cr_expect_eq(preset_load_buffer(&s, "nul.yaml", yaml, sizeof yaml - 1, err, sizeof err), -1);
	cr_expect(strstr(err, "nul.yaml:"), "%s", err);
	cr_expect_eq(s.strat.tp, 4);
	/* an unterminated quote on a command line */
	struct session_fixture f;
	fixture_open(&f, FMT_TEXT);
	cr_expect_eq(run(&f, "set name 'open"), -1);
	cr_expect(strstr(f.buf.err, "unterminated quote"), "%s", f.buf.err);
	fixture_close(&f);
}

/* ---- what a save could leave behind ---- */

static int temporaries(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "ls -a %s | grep -c '^\\.moescope-' > /dev/null", dir);
	return system(cmd) == 0;
}

Test(hostile_inputs, saves_leave_nothing_behind)
{
	struct session_fixture f;
	char line[300], path[200];
	const char *dir = scratch_dir();
	fixture_open(&f, FMT_TEXT);
	/* past the file-size limit: an error, not a killed program, and no temporary */
	struct rlimit lim = { 200, 200 };
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	snprintf(line, sizeof line, "save %s/big.yaml", dir);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "File too large"), "%s", f.buf.err);
	cr_expect_not(temporaries(dir));
	/* onto a directory, into a missing directory */
	snprintf(line, sizeof line, "save %s", dir);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "not a regular file; nothing written"), "%s", f.buf.err);
	snprintf(line, sizeof line, "save %s/missing/x.yaml", dir);
	cr_expect_eq(run(&f, line), -1);
	cr_expect_not(temporaries(dir));
	/* a relative XDG_STATE_HOME is ignored (the XDG spec), HOME's is used */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	setenv("HOME", dir, 1);
	cr_assert_eq(cmdline_history_path(path, sizeof path), 0);
	snprintf(line, sizeof line, "%s/.local/state/moescope/history", dir);
	cr_expect_str_eq(path, line);
	fixture_close(&f);
}

/* ---- output that could show nan ---- */

Test(hostile_inputs, nothing_to_measure_is_said_not_nan)
{
	struct session_fixture f;
	char line[300], path[200];
	const char *dir = scratch_dir();
	snprintf(path, sizeof path, "%s/empty.csv", dir);
	FILE *out = fopen(path, "w");
	cr_assert(out);
	fputs(header, out);
	fclose(out);
	fixture_open(&f, FMT_TEXT);
	snprintf(line, sizeof line, "validate %s", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "empty.csv: no runs: a header and no rows"), "%s", f.buf.err);
	snprintf(line, sizeof line, "calibrate %s", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "no runs"), "%s", f.buf.err);
	/* rows, none usable: the first one's reason */
	out = fopen(path, "a");
	cr_assert(out);
	fputs("r,vllm,nope,llama-3.1-70b,serving,8,1024,128,1,4,1,1,4,90,20\n", out);
	fclose(out);
	snprintf(line, sizeof line, "validate %s", path);
	cr_expect_eq(run(&f, line), -1);
	cr_expect(strstr(f.buf.err, "empty.csv:2: no run can be evaluated (1 rows; the first: no hardware preset named 'nope'"),
		  "%s", f.buf.err);
	cr_expect_null(strstr(f.buf.out, "nan"));
	fixture_close(&f);
}

/* JSON strings escape what the terminal sink would rewrite, so that a
 * string is never changed on its way out: controls, DEL, C1, stray bytes. */
Test(hostile_inputs, json_strings_hold_any_name)
{
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	json_string(&k, "a\"b\\c\x01\x1b\x7f" "d\xC2\x9B" "e\x9F" "f\xC3\xA9");
	cr_expect_str_eq(b.out, "\"a\\\"b\\\\c\\u0001\\u001b\\u007fd\\u009be\\ufffdf\xC3\xA9\"");
	sink_buffer_free(&b);
	/* CSV doubles its quotes */
	sink_buffer_init(&b, &k);
	csv_field(&k, "a,b\"c");
	cr_expect_str_eq(b.out, "\"a,b\"\"c\"");
	sink_buffer_free(&b);
}
