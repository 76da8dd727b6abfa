/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vLLM and SGLang benchmark results as measured runs.  Field names are the
 * tools' own: vllm/benchmarks/serve.py (--save-result) and SGLang's
 * python/sglang/bench_serving.py (--output-file, one JSON line per run). */
#include "config.h"

#include <errno.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_read.h"
#include "import_bench.h"
#include "serve.h"

#define BENCH_MAX_BYTES (64 << 20)   /* per-request arrays make a result large */
#define BENCH_RUNS_MAX 10000
#define BENCH_VALUES_MAX 2000000 /* some 150-250 MB as parsed: 2,000 requests of 1,000 tokens each */

bool import_bench_wants(const char *path)
{
	size_t n = strlen(path);
	return (n > 5 && !strcmp(path + n - 5, ".json")) || (n > 6 && !strcmp(path + n - 6, ".jsonl"));
}

/* A number field, or NaN when absent, null or not a number. */
static double num(json_object *o, const char *name)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, name, &v))
		return NAN;
	enum json_type t = json_object_get_type(v);
	if (t != json_type_int && t != json_type_double)
		return NAN;
	return json_object_get_double(v);
}

static const char *str(json_object *o, const char *name)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, name, &v) || json_object_get_type(v) != json_type_string)
		return NULL;
	return json_object_get_string(v);
}

/* One result object into one run: what the load was, what was measured. */
static void one_run(json_object *o, long line, const struct scenario *base, struct run *run)
{
	memset(run, 0, sizeof *run);
	run->line = line;
	run->s = *base;
	snprintf(run->hardware, sizeof run->hardware, "%s", base->hw.name);
	snprintf(run->model, sizeof run->model, "%s", base->model.name);
	const char *id = str(o, "model_id");
	snprintf(run->name, sizeof run->name, "%s", id ? (strrchr(id, '/') ? strrchr(id, '/') + 1 : id) : "result");

	if (json_object_get_type(o) != json_type_object) {
		snprintf(run->reason, sizeof run->reason, "not a JSON object of a benchmark result");
		return;
	}
	/* the engine: the file's backend when it names one, else the scenario's */
	const char *backend = str(o, "backend");
	int engine = backend ? serve_engine_find(backend) : ENGINE_NONE;
	if (engine == ENGINE_NONE)
		engine = base->work.engine;
	run->s.work.engine = engine;
	snprintf(run->framework, sizeof run->framework, "%s", serve_engine_name(engine));

	double completed = num(o, "completed"), in = num(o, "total_input_tokens"), out = num(o, "total_output_tokens");
	double conc = num(o, "max_concurrency"), rate = num(o, "request_rate");
	double ttft = num(o, "mean_ttft_ms"), tpot = num(o, "mean_tpot_ms");
	const char *missing = !(completed >= 1) ? "completed (a count above 0)"
			      : !(in > 0) ? "total_input_tokens (above 0)"
			      : !(out > 0) ? "total_output_tokens (above 0)"
			      : !(ttft > 0) ? "mean_ttft_ms (above 0)"
			      : !(tpot > 0) ? "mean_tpot_ms (above 0)"
			      : !(conc >= 1) && !(rate > 0 && isfinite(rate)) ? "max_concurrency, or a finite request_rate"
			      : NULL;
	if (missing) {
		snprintf(run->reason, sizeof run->reason, "the result has no number for %s", missing);
		return;
	}
	/* within what the scenario's keys hold (a count past them is no run,
	 * and would not convert to an integer) */
	const char *huge = completed > 1e9			     ? "completed (at most 1e9)"
			   : in / completed > 1e8		     ? "total_input_tokens / completed (at most 1e8)"
			   : out / completed > 1e8		     ? "total_output_tokens / completed (at most 1e8)"
			   : conc >= 1 && conc > 1e7 ? "max_concurrency (at most 1e7)"
							     : NULL;
	if (huge) {
		snprintf(run->reason, sizeof run->reason, "the result's %s is out of range", huge);
		return;
	}
	run->s.work.mode = MODE_SERVING;
	run->s.work.microbatches = 1;
	run->s.work.prompt_len = lround(in / completed) > 0 ? lround(in / completed) : 1;
	run->s.work.output_len = lround(out / completed) > 0 ? lround(out / completed) : 1;
	run->s.work.requests = (long)completed;
	if (conc >= 1) {
		/* a fixed concurrency: the closed loop the tools run */
		run->s.work.arrival = ARRIVAL_CLOSED;
		run->s.work.batch = lround(conc);
	} else {
		run->s.work.arrival = ARRIVAL_POISSON;
		run->s.work.rate = rate;
	}
	run->s.req.ttft_s = run->s.req.tpot_ms = run->s.req.tokens_per_ms_per_gpu = NAN;
	run->s.req.ttft_p90_s = run->s.req.ttft_p99_s = run->s.req.tpot_p90_ms = run->s.req.tpot_p99_ms = NAN;
	/* SGLang's bench_serving draws random lengths uniformly over [r L, L]
	 * (random_range_ratio r, its "random" dataset) and writes r: about
	 * their mean that is a spread of (1 - r) / (1 + r) */
	const char *dataset = str(o, "dataset_name");
	double r = num(o, "random_range_ratio");
	if (dataset && !strcmp(dataset, "random") && r >= 0 && r <= 1)
		run->s.work.range_ratio = (1.0 - r) / (1.0 + r);
	run->ttft_ms = ttft;
	run->tpot_ms = tpot;
	run->ok = true;
}

/* An upper bound on the JSON values in the text: each comma outside a
 * string separates two, each bracket opens one. The parser holds every value
 * as an object of some 70 bytes, so a 64 MiB file of "0," would take gigabytes
 * for per-request arrays that are never read. */
static long values_in(const char *buf, size_t len)
{
	long n = 1;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '"') {
			for (i++; i < len && buf[i] != '"'; i++)
				if (buf[i] == '\\')
					i++;
			continue;
		}
		n += c == ',' || c == '[' || c == '{';
	}
	return n;
}

int import_bench_buffer(const char *label, const char *buf, size_t len, const struct scenario *base,
			struct run_set *rs, char *err, size_t errlen)
{
	memset(rs, 0, sizeof *rs);
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: a NUL byte: not a benchmark result", label);
		return -1;
	}
	long values = values_in(buf, len);
	if (values > BENCH_VALUES_MAX) {
		snprintf(err, errlen,
			 "%s: %ld values, more than the %d a benchmark result is read with: only the summary "
			 "(completed, total_input_tokens, total_output_tokens, mean_ttft_ms, mean_tpot_ms, max_concurrency "
			 "or request_rate) is read; save the result without its per-request detail",
			 label, values, BENCH_VALUES_MAX);
		return -1;
	}
	/* one object (vLLM), or one object a line (SGLang) */
	size_t pos = 0;
	long line = 1;
	int cap = 0;
	json_tokener *tok = json_tokener_new_ex(64);
	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", label);
		return -1;
	}
	while (pos < len) {
		while (pos < len && strchr(" \t\r\n", buf[pos])) {
			if (buf[pos] == '\n')
				line++;
			pos++;
		}
		if (pos >= len)
			break;
		json_tokener_reset(tok);
		json_object *o = json_tokener_parse_ex(tok, buf + pos, (int)(len - pos));
		enum json_tokener_error jerr = json_tokener_get_error(tok);
		if (!o && jerr == json_tokener_success) {
			long col = 1;
			for (size_t i = pos; i > 0 && buf[i - 1] != '\n'; i--)
				col++;
			snprintf(err, errlen, "%s:%ld:%ld: not a benchmark result: null, where a result object was expected",
				 label, line, col);
			json_tokener_free(tok);
			runs_free(rs);
			return -1;
		}
		if (!o || jerr != json_tokener_success) {
			size_t at = pos + json_tokener_get_parse_end(tok);
			long l = line, col = 1;
			for (size_t i = pos; i < at && i < len; i++) {
				if (buf[i] == '\n') {
					l++;
					col = 1;
				} else {
					col++;
				}
			}
			snprintf(err, errlen, "%s:%ld:%ld: not a benchmark result: %s", label, l, col,
				 jerr == json_tokener_continue ? "it ends too early" : json_tokener_error_desc(jerr));
			json_object_put(o);
			json_tokener_free(tok);
			runs_free(rs);
			return -1;
		}
		if (rs->n == BENCH_RUNS_MAX) {
			snprintf(err, errlen, "%s:%ld: more than %d results", label, line, BENCH_RUNS_MAX);
			json_object_put(o);
			json_tokener_free(tok);
			runs_free(rs);
			return -1;
		}
		if (rs->n == cap) {
			int want = cap ? 2 * cap : 4;
			struct run *grown = realloc(rs->runs, (size_t)want * sizeof *grown);
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				json_object_put(o);
				json_tokener_free(tok);
				runs_free(rs);
				return -1;
			}
			rs->runs = grown;
			cap = want;
		}
		one_run(o, line, base, &rs->runs[rs->n++]);
		json_object_put(o);
		size_t end = pos + json_tokener_get_parse_end(tok);
		for (size_t i = pos; i < end; i++)
			line += buf[i] == '\n';
		pos = end;
	}
	json_tokener_free(tok);
	if (rs->n == 0) {
		snprintf(err, errlen, "%s: no result in the file", label);
		return -1;
	}
	return 0;
}

int import_bench_read(const char *path, const struct scenario *base, struct run_set *rs, char *err, size_t errlen)
{
	memset(rs, 0, sizeof *rs);
	/* a regular file of at most 64 MiB: a FIFO or a device would block or never end */
	char *buf;
	size_t n;
	if (file_read_regular(path, BENCH_MAX_BYTES, "not a benchmark result", &buf, &n, err, errlen) != 0)
		return -1;
	int rc = import_bench_buffer(path, buf, n, base, rs, err, errlen);
	free(buf);
	return rc;
}
