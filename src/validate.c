/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evaluate.h"
#include "csv.h"
#include "diag.h"
#include "file_read.h"
#include "keys.h"
#include "model_id.h"
#include "numfmt.h"
#include "preset.h"
#include "report.h"
#include "scenario_resolve.h"
#include "serve.h"
#include "strategy_parse.h"
#include "validate.h"

enum col {
	C_NAME, C_FRAMEWORK, C_HARDWARE, C_MODEL, C_MODE, C_BATCH, C_PROMPT, C_OUTPUT, C_DP, C_TP, C_PP,
	C_EP, C_ETP, C_WB, C_EWB, C_KVB, C_DTYPE, C_SPEC_K, C_SPEC_A, C_P_DP, C_P_TP, C_P_EP, C_P_W, C_D_DP, C_D_TP,
	C_D_EP, C_D_W, C_REQUESTS, C_TTFT, C_TPOT, C_CAMPAIGN, C_TOKS, C_GPUS, C_ATTN_DP, C_WDTYPE, C_FWVER, C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"name", "framework", "hardware", "model", "mode", "batch", "prompt_len", "output_len", "dp", "tp",
	"pp", "ep", "etp", "weight_bytes", "expert_weight_bytes", "kv_bytes", "compute_dtype",
	"spec_tokens", "spec_accepted", "prefill_dp", "prefill_tp", "prefill_ep", "prefill_workers", "decode_dp",
	"decode_tp", "decode_ep", "decode_workers", "requests", "measured_ttft_ms", "measured_tpot_ms",
	"campaign", "measured_output_tok_s_per_gpu", "gpus", "attention_dp", "weight_dtype", "framework_version",
};

/* The key each input column sets (NULL: not a key). */
static const char *const col_keys[C_COUNT] = {
	[C_MODE] = "workload.mode", [C_BATCH] = "workload.batch", [C_PROMPT] = "workload.prompt_len",
	[C_OUTPUT] = "workload.output_len", [C_DP] = "strategy.dp", [C_TP] = "strategy.tp",
	[C_PP] = "strategy.pp", [C_EP] = "strategy.ep", [C_ETP] = "strategy.etp",
	[C_WB] = "model.weight_bytes", [C_EWB] = "model.expert_weight_bytes", [C_KVB] = "model.kv_bytes",
	[C_DTYPE] = "model.compute_dtype", [C_SPEC_K] = "workload.spec_tokens", [C_SPEC_A] = "workload.spec_accepted",
	/* disaggregated runs: the decode pool is the strategy, the prefill pool prefill.* */
	[C_P_DP] = "prefill.dp", [C_P_TP] = "prefill.tp", [C_P_EP] = "prefill.ep", [C_P_W] = "disagg.prefill_workers",
	[C_D_DP] = "strategy.dp", [C_D_TP] = "strategy.tp", [C_D_EP] = "strategy.ep", [C_D_W] = "disagg.decode_workers",
	/* the requests the benchmark sent in all: how much its first wave weighs */
	[C_REQUESTS] = "workload.requests",
};

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	size_t lead = strspn(s, " \t");
	memmove(s, s + lead, strlen(s + lead) + 1);
}

/* A measured figure: a number from 1e-6 to 1e9 (ms, or tokens/s a GPU);
 * past those no error of a prediction is a finite percentage. */
static int parse_ms(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !isfinite(v) || v < 1e-6 || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

/* The presets of the last few (hardware, model) pairs: a file has few of
 * them, and its rows interleave them, so each pair is loaded about once. */
#define PRESET_CACHE_SLOTS 8

struct preset_cache {
	char hardware[NAME_MAX_LEN], model[NAME_MAX_LEN];
	bool ok;
	struct scenario s;
	char err[600];
};

static struct preset_cache cache[PRESET_CACHE_SLOTS];
static int cache_next;   /* the slot a new pair replaces */
static bool keep_cache;

/* A name inside YAML single quotes: a quote doubled, nothing else special. */
static void yaml_single(const char *in, char *out, size_t len)
{
	size_t n = 0;
	for (; *in && n + 2 < len; in++) {
		if (*in == '\'')
			out[n++] = '\'';
		out[n++] = *in;
	}
	out[n] = '\0';
}

/* A GPU as benchmark files and engines write it ("NVIDIA H200", "GB200",
 * "H100 80GB HBM3", "AMD Instinct MI355X") to the preset of that silicon:
 * the vendor's words dropped, the first word of the rest looked up.  A
 * name that is a preset already is kept. */
void runs_gpu_preset(const char *in, char *out, size_t len)
{
	static const struct {
		const char *word, *preset;
	} gpus[] = {
		{ "gb200", "gb200-nvl72" }, { "gb300", "gb300-nvl72" }, { "b300", "b300" }, { "b200", "b200" },
		{ "h200", "h200" }, { "h100", "h100-sxm" }, { "h800", "h800" }, { "h20", "h20" },
		{ "a100", "a100-80g" }, { "l40s", "l40s" }, { "mi300x", "mi300x" }, { "mi325x", "mi325x" },
		{ "mi355x", "mi355x" },
	};
	char low[NAME_MAX_LEN], path[4096];
	snprintf(out, len, "%s", in);
	if (preset_find(PK_HARDWARE, in, path, sizeof path) == 0)
		return;
	size_t n = 0;
	for (const char *p = in; *p && n + 1 < sizeof low; p++)
		low[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	low[n] = '\0';
	for (char *w = strtok(low, " -_/"); w; w = strtok(NULL, " -_/")) {
		if (!strcmp(w, "nvidia") || !strcmp(w, "amd") || !strcmp(w, "instinct") || !strcmp(w, "tesla"))
			continue;
		for (size_t i = 0; i < sizeof gpus / sizeof gpus[0]; i++)
			if (!strcmp(w, gpus[i].word)) {
				snprintf(out, len, "%s", gpus[i].preset);
				return;
			}
		return;   /* the first word names the GPU, or nothing does */
	}
}

static const struct preset_cache *load_presets(const char *hardware_as_written, const char *model)
{
	char hardware[NAME_MAX_LEN];
	runs_gpu_preset(hardware_as_written, hardware, sizeof hardware);
	char doc[4 * NAME_MAX_LEN + 64];

	for (int i = 0; i < PRESET_CACHE_SLOTS; i++) {
		const struct preset_cache *c = &cache[i];
		if (c->hardware[0] && !strcmp(c->hardware, hardware_as_written) && !strcmp(c->model, model))
			return c;
	}
	struct preset_cache *pc = &cache[cache_next];
	cache_next = (cache_next + 1) % PRESET_CACHE_SLOTS;
	snprintf(pc->hardware, sizeof pc->hardware, "%s", hardware_as_written);
	snprintf(pc->model, sizeof pc->model, "%s", model);
	scenario_default(&pc->s);
	/* single-quoted: a cell is a name, never YAML escapes to decode */
	char h[2 * NAME_MAX_LEN], m[2 * NAME_MAX_LEN];
	yaml_single(hardware, h, sizeof h);
	yaml_single(model, m, sizeof m);
	snprintf(doc, sizeof doc, "hardware: '%s'\nmodel: '%s'\n", h, m);
	pc->ok = preset_load_buffer(&pc->s, "row", doc, strlen(doc), pc->err, sizeof pc->err) == 0;
	return pc;
}

/* A cell of the row, or "" when the file has no such column. */
static const char *cell(char **f, const int *idx, int c)
{
	return idx[c] >= 0 ? f[idx[c]] : "";
}

/* Bytes per weight of a published checkpoint's dtype, or -1. */
static double dtype_cell_bytes(const char *t)
{
	if (!strcasecmp(t, "fp8"))
		return 1.0;
	if (!strcasecmp(t, "fp4") || !strcasecmp(t, "nvfp4"))
		return 0.5625;
	if (!strcasecmp(t, "bf16") || !strcasecmp(t, "fp16"))
		return 2.0;
	return -1;
}

/* A throughput row's deployment, as trtllm-bench ran it: the mapping of
 * its GPUs (attention_dp true: TP size N with enable_attention_dp, EP N by
 * default; otherwise TP x PP, EP as given or 1), the checkpoint's weights
 * and KV cache (NVIDIA's quantized checkpoints keep an FP8 KV cache:
 * kv_cache_quant_algo FP8 in their hf_quant_config.json), every request
 * queued, and the engine limits trtllm-bench sets (serve_trtllm_bench_limits).
 * 0, or -1 with the reason in run->reason. */
static int throughput_row(struct run *run, struct scenario *s, char **f, const int *idx)
{
	const char *adp = cell(f, idx, C_ATTN_DP), *ep = cell(f, idx, C_EP);
	long n = s->strat.tp;
	s->strat.dp = 1;
	s->strat.etp = 0;
	if (!strcasecmp(adp, "true")) {
		s->strat.dp = n;
		s->strat.tp = 1;
		s->strat.ep = *ep ? s->strat.ep : n;
	} else if (!*ep) {
		s->strat.ep = 1;
	}
	long gpus;
	const char *g = cell(f, idx, C_GPUS);
	if (*g && (sscanf(g, "%ld", &gpus) != 1 || gpus != s->strat.dp * s->strat.tp * s->strat.pp)) {
		snprintf(run->reason, sizeof run->reason, "gpus %s is not the mapping's %ld", g,
			 s->strat.dp * s->strat.tp * s->strat.pp);
		return -1;
	}
	/* a model released quantized (DeepSeek-R1 in FP8, gpt-oss with MXFP4
	 * experts) is served from that checkpoint, whatever section of the
	 * page lists it; a BF16 release from NVIDIA's quantized one */
	const char *wd = cell(f, idx, C_WDTYPE);
	bool released_quantized = s->model.weight_bytes < 2 ||
				  (s->model.expert_weight_bytes > 0 && s->model.expert_weight_bytes < 2);
	if (*wd && !released_quantized) {
		double b = dtype_cell_bytes(wd);
		if (b < 0) {
			snprintf(run->reason, sizeof run->reason, "weight_dtype '%.32s': expected fp8, fp4, nvfp4, bf16 or fp16", wd);
			return -1;
		}
		s->model.weight_bytes = s->model.expert_weight_bytes = b;
		s->model.kv_bytes = b < 2 ? 1.0 : 2.0;
		s->model.head_bytes = 0;
		s->model.compute_dtype = DTYPE_AUTO;
	} else if (*wd && dtype_cell_bytes(wd) < 0) {
		snprintf(run->reason, sizeof run->reason, "weight_dtype '%.32s': expected fp8, fp4, nvfp4, bf16 or fp16", wd);
		return -1;
	}
	s->work.engine = ENGINE_TRTLLM;
	s->work.requests = 1000000000;   /* all queued: no first wave to weigh */
	struct scenario rs;
	struct param_counts pc;
	scenario_resolve(s, &rs);
	params_count(&rs.model, &pc);
	struct trtllm_bench_in in = {
		.params = pc.total, .weight_bytes = rs.model.weight_bytes, .mem_gib = rs.hw.mem_gib,
		.tp = rs.strat.dp * rs.strat.tp, .pp = rs.strat.pp, .layers = rs.model.layers,
		.kv_heads = rs.model.kv_heads, .head_dim = rs.model.head_dim, .kv_bytes = rs.model.kv_bytes,
		.prompt_len = rs.work.prompt_len, .output_len = rs.work.output_len,
	};
	long bs = 2048, tokens = 8192;
	/* trtllm-bench tunes FP8, FP8 block-scaled, NVFP4 and unquantized
	 * checkpoints; others (MXFP4) take TensorRT-LLM's defaults */
	if (rs.model.expert_weight_bytes != 0.53125)
		serve_trtllm_bench_limits(&in, &bs, &tokens);
	if (bs <= 0) {
		snprintf(run->reason, sizeof run->reason, "the weights leave trtllm-bench no room for one request");
		return -1;
	}
	s->engine.max_seqs = bs;
	s->engine.max_batched_tokens = tokens;
	return 0;
}

/* The row's scenario: presets by name, then each cell through the key
 * table, so a cell is checked exactly as `set` would check it. */
static void build_row(struct run *run, char **f, const int *idx, const struct key *const *keys)
{
	char err[600];
	struct scenario s;

	/* a model named as benchmark files name it: the preset of its shapes */
	char path[4096], preset[NAME_MAX_LEN];
	if (preset_find(PK_MODELS, run->model, path, sizeof path) != 0 &&
	    model_id_preset(run->model, preset, sizeof preset) == 0)
		snprintf(run->model, sizeof run->model, "%s", preset);
	const struct preset_cache *pc = load_presets(run->hardware, run->model);
	if (!pc->ok) {
		const char *msg = strstr(pc->err, ": no ");
		snprintf(run->reason, sizeof run->reason, "%s", msg ? msg + 2 : pc->err);
		return;
	}
	s = pc->s;
	s.work.mode = MODE_SERVING;
	s.work.microbatches = 1;
	s.strat.etp = 0;
	s.req.ttft_s = s.req.tpot_ms = s.req.tokens_per_ms_per_gpu = NAN;
	s.req.ttft_p90_s = s.req.ttft_p99_s = s.req.tpot_p90_ms = s.req.tpot_p99_ms = NAN;
	/* the engine that ran it: its memory rule, limits and overheads */
	s.work.engine = serve_engine_find(run->framework);
	s.work.arrival = ARRIVAL_CLOSED;
	for (int c = 0; c < C_COUNT; c++) {
		if (!keys[c] || idx[c] < 0 || !*f[idx[c]])
			continue;
		if (key_set(&s, keys[c], f[idx[c]], err, sizeof err) != 0) {
			snprintf(run->reason, sizeof run->reason, "column %s: %s", col_names[c], err);
			return;
		}
	}
	if (run->throughput) {
		if (parse_ms(cell(f, idx, C_TOKS), &run->tok_s_gpu) != 0) {
			snprintf(run->reason, sizeof run->reason, "measured_output_tok_s_per_gpu must be a number from 1e-06 to 1e+09");
			return;
		}
		if (throughput_row(run, &s, f, idx) != 0)
			return;
	} else if (idx[C_TTFT] < 0 || idx[C_TPOT] < 0 || parse_ms(f[idx[C_TTFT]], &run->ttft_ms) != 0 ||
		   parse_ms(f[idx[C_TPOT]], &run->tpot_ms) != 0) {
		snprintf(run->reason, sizeof run->reason, "measured_ttft_ms and measured_tpot_ms must be numbers from 1e-06 to 1e+09");
		return;
	}
	run->s = s;
	run->ok = true;
}

int runs_read(const char *path, struct run_set *rs, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	memset(rs, 0, sizeof *rs);
	/* a regular file of at most 64 MiB: a FIFO or /dev/zero is refused at once */
	if (file_read_regular(path, RUNS_FILE_MAX, "not a file of measured runs", &buf, &len, err, errlen) != 0)
		return -1;
	int rc = runs_read_buffer(path, buf, len, rs, err, errlen);
	free(buf);
	return rc;
}

void runs_keep_presets(bool keep)
{
	keep_cache = keep;
}

int runs_read_stream(FILE *f, const char *path, struct run_set *rs, char *err, size_t errlen)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	memset(rs, 0, sizeof *rs);
	for (size_t k; buf && (k = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += k;
		if (len < cap)
			continue;
		if (cap > RUNS_FILE_MAX) {
			free(buf);
			snprintf(err, errlen, "%s: larger than %d bytes: not a file of measured runs", path, RUNS_FILE_MAX);
			return -1;
		}
		char *grown = realloc(buf, 2 * cap);
		if (!grown) {
			/* never a silently shorter file: the runs past the cut would be lost */
			free(buf);
			buf = NULL;
			break;
		}
		buf = grown;
		cap *= 2;
	}
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	int rc = runs_read_buffer(path, buf, len, rs, err, errlen);
	free(buf);
	return rc;
}

static bool blank_record(char **f, int nf)
{
	for (int i = 0; i < nf; i++)
		if (f[i][strspn(f[i], " \t")])
			return false;
	return true;
}

int runs_read_buffer(const char *path, const char *buf, size_t len, struct run_set *rs, char *err, size_t errlen)
{
	static char store[RUNS_RECORD_MAX];
	static char *fields[CSV_FIELDS_MAX];
	struct csv_reader rd;
	int idx[C_COUNT];

	memset(rs, 0, sizeof *rs);
	if (!keep_cache) {
		memset(cache, 0, sizeof cache);
		cache_next = 0;
	}
	csv_open(&rd, path, buf, len);
	int nf = csv_record(&rd, store, sizeof store, fields, CSV_FIELDS_MAX, err, errlen);
	if (nf < 0)
		goto fail;
	if (nf == 0) {
		snprintf(err, errlen, "%s:1: empty file: expected a header naming the columns", path);
		goto fail;
	}
	for (int c = 0; c < C_COUNT; c++) {
		idx[c] = -1;
		for (int i = 0; i < nf; i++) {
			trim(fields[i]);
			if (strcmp(fields[i], col_names[c]) == 0)
				idx[c] = i;
		}
	}
	/* the keys of the columns: the table does not change, so they are
	 * looked up once for every file and row */
	static const struct key *keys[C_COUNT];
	static bool keys_found;
	for (int c = 0; !keys_found && c < C_COUNT; c++)
		keys[c] = col_keys[c] ? key_find(col_keys[c]) : NULL;
	keys_found = true;
	/* serving runs need their load and TTFT and TPOT; a file of
	 * throughput rows their tokens/s per GPU instead */
	static const int required[] = { C_HARDWARE, C_MODEL, C_PROMPT, C_OUTPUT, C_BATCH, C_TTFT, C_TPOT };
	size_t n_required = idx[C_TOKS] >= 0 ? 4 : sizeof required / sizeof required[0];
	for (size_t i = 0; i < n_required; i++) {
		if (idx[required[i]] < 0) {
			snprintf(err, errlen, "%s:1: the header lacks the column '%s' (needed: hardware model prompt_len output_len, and batch measured_ttft_ms measured_tpot_ms or measured_output_tok_s_per_gpu)",
				 path, col_names[required[i]]);
			goto fail;
		}
	}
	int cap_runs = 0;
	for (;;) {
		long lineno = rd.line;
		nf = csv_record(&rd, store, sizeof store, fields, CSV_FIELDS_MAX, err, errlen);
		if (nf < 0)
			goto fail;
		if (nf == 0)
			break;
		if (blank_record(fields, nf))
			continue;
		if (rs->n == RUNS_MAX) {
			snprintf(err, errlen, "%s:%ld: more than %d runs", path, lineno, RUNS_MAX);
			goto fail;
		}
		if (rs->n == cap_runs) {
			/* grow as rows come: a file of ten rows needs no room for thousands */
			int want = cap_runs ? 2 * cap_runs : 16;
			struct run *grown = realloc(rs->runs, (size_t)want * sizeof *grown);
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			rs->runs = grown;
			cap_runs = want;
		}
		struct run *run = &rs->runs[rs->n++];
		memset(run, 0, sizeof *run);
		run->line = lineno;
		for (int i = 0; i < nf; i++)
			trim(fields[i]);
		const struct { int col; char *dst; size_t len; } texts[] = {
			{ C_NAME, run->name, sizeof run->name }, { C_FRAMEWORK, run->framework, sizeof run->framework },
			{ C_HARDWARE, run->hardware, sizeof run->hardware }, { C_MODEL, run->model, sizeof run->model },
			{ C_CAMPAIGN, run->campaign, sizeof run->campaign },
		};
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			if (idx[texts[i].col] >= 0 && idx[texts[i].col] < nf)
				snprintf(texts[i].dst, texts[i].len, "%s", fields[idx[texts[i].col]]);
		int need = 0;
		for (int c = 0; c < C_COUNT; c++)
			if (idx[c] >= need)
				need = idx[c] + 1;
		if (nf < need) {
			snprintf(run->reason, sizeof run->reason, "%d fields, the header has %d", nf, need);
			continue;
		}
		/* a row with tokens/s and no concurrency is a throughput row */
		run->throughput = idx[C_TOKS] >= 0 && *fields[idx[C_TOKS]] && (idx[C_BATCH] < 0 || !*fields[idx[C_BATCH]]);
		/* a page of published figures is a campaign of its own */
		if (!run->campaign[0] && idx[C_FWVER] >= 0)
			snprintf(run->campaign, sizeof run->campaign, "%s", fields[idx[C_FWVER]]);
		build_row(run, fields, idx, keys);
	}
	return 0;
fail:
	runs_free(rs);
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double runs_median(double *v, int n)
{
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void stats(double *v, int n, double *median, double *mean)
{
	double sum = 0;
	*median = runs_median(v, n);
	for (int i = 0; i < n; i++)
		sum += v[i];
	*mean = n ? sum / n : NAN;
}

static double pct_error(double pred, double meas)
{
	return 100.0 * fabs(pred - meas) / meas;
}

/* Summarise the rows that match the group (empty fields match all). */
static void summarise(const struct run_set *rs, struct run_group *g)
{
	double *a = malloc((size_t)rs->n * sizeof *a), *b = malloc((size_t)rs->n * sizeof *b);
	double *t = malloc((size_t)rs->n * sizeof *t), *u = malloc((size_t)rs->n * sizeof *u), unused;
	int n = 0, nt = 0;
	for (int i = 0; a && b && t && u && i < rs->n; i++) {
		const struct run *r = &rs->runs[i];
		if (!r->ok || (g->model[0] && strcmp(g->model, r->model)) ||
		    (g->hardware[0] && strcmp(g->hardware, r->hardware)) ||
		    (g->framework[0] && strcmp(g->framework, r->framework)))
			continue;
		if (r->throughput) {
			t[nt] = pct_error(r->pred_tok_s_gpu, r->tok_s_gpu);
			u[nt++] = 100.0 * (r->pred_tok_s_gpu - r->tok_s_gpu) / r->tok_s_gpu;
			continue;
		}
		a[n] = pct_error(r->pred_ttft_ms, r->ttft_ms);
		b[n] = pct_error(r->pred_tpot_ms, r->tpot_ms);
		n++;
	}
	g->n = n;
	stats(a, n, &g->ttft_median, &g->ttft_mean);
	stats(b, n, &g->tpot_median, &g->tpot_mean);
	g->n_tput = nt;
	stats(t, nt, &g->tput_median, &unused);
	stats(u, nt, &g->tput_signed, &unused);
	free(a);
	free(b);
	free(t);
	free(u);
}

/* The best output tokens/s per GPU of a throughput row over the
 * concurrencies that can matter: powers of two up to twice what the
 * engine's limit lets every replica run, and that limit itself (past it
 * requests only wait).  Its concurrency in *batch; the result at it in r. */
static double best_throughput(const struct run *run, struct result *r, long *batch)
{
	static struct scenario s;
	static struct result at;
	s = run->s;
	long cap = s.engine.max_seqs * s.strat.dp;
	double best = NAN;
	*batch = 0;
	for (long b = 1;; b = b < cap && 2 * b > cap ? cap : 2 * b) {
		s.work.batch = b;
		cost_evaluate(&s, &at);
		if (at.ok && isfinite(at.output_tokens_per_s_per_gpu) &&
		    (isnan(best) || at.output_tokens_per_s_per_gpu > best)) {
			best = at.output_tokens_per_s_per_gpu;
			*batch = b;
			*r = at;
		}
		if (!at.ok && b == 1) {
			*r = at;
			return NAN;
		}
		if (b >= 2 * cap)
			break;
	}
	return best;
}

bool runs_predict(const struct run *run, struct result *r, double pred[2])
{
	if (run->throughput) {
		long batch;
		pred[0] = best_throughput(run, r, &batch);
		pred[1] = (double)batch;
		return r->ok && isfinite(pred[0]);
	}
	cost_evaluate(&run->s, r);
	pred[0] = r->ttft_s * 1000.0;
	pred[1] = r->tpot_ms;
	return r->ok;
}

void runs_evaluate(struct run_set *rs)
{
	static struct result r;
	static struct diag_list d;

	rs->n_ok = 0;
	rs->n_groups = 0;
	for (int i = 0; i < rs->n; i++) {
		struct run *run = &rs->runs[i];
		double pred[2];
		if (!run->ok && run->reason[0])
			continue;
		if (!runs_predict(run, &r, pred)) {
			diag_collect_quick(&run->s, &r, &d);
			snprintf(run->reason, sizeof run->reason, "%s", d.n ? d.items[0].message : "invalid");
			run->ok = false;
			continue;
		}
		run->ok = true;
		/* a stream that arrives faster than it is served has no finite
		 * TTFT: said with its cause, not as an infinite error */
		run->overloaded = !run->throughput && r.overloaded;
		if (run->overloaded) {
			diag_collect_quick(&run->s, &r, &d);
			const char *msg = "the queue grows without end";
			for (int j = 0; j < d.n; j++)
				if (d.items[j].code == E_OVERLOAD)
					msg = d.items[j].message;
			snprintf(run->reason, sizeof run->reason, "E_OVERLOAD: %s", msg);
		}
		if (run->throughput) {
			run->pred_tok_s_gpu = pred[0];
			run->pred_batch = (long)pred[1];
		} else {
			run->pred_ttft_ms = pred[0];
			run->pred_tpot_ms = pred[1];
		}
		rs->n_ok++;
		/* groups in order of first appearance */
		int g;
		for (g = 0; g < rs->n_groups; g++)
			if (!strcmp(rs->groups[g].model, run->model) && !strcmp(rs->groups[g].hardware, run->hardware) &&
			    !strcmp(rs->groups[g].framework, run->framework))
				break;
		if (g == rs->n_groups && g < GROUPS_MAX) {
			struct run_group *ng = &rs->groups[rs->n_groups++];
			memset(ng, 0, sizeof *ng);
			snprintf(ng->model, sizeof ng->model, "%s", run->model);
			snprintf(ng->hardware, sizeof ng->hardware, "%s", run->hardware);
			snprintf(ng->framework, sizeof ng->framework, "%s", run->framework);
		}
	}
	for (int g = 0; g < rs->n_groups; g++)
		summarise(rs, &rs->groups[g]);
	memset(&rs->overall, 0, sizeof rs->overall);
	summarise(rs, &rs->overall);
}

static void strategy_text(const struct scenario *s, char *buf, size_t len)
{
	struct strategy st = s->strat;
	strategy_format(&st, buf, len);
}

void validate_report_text(const struct sink *k, const struct run_set *rs)
{
	char strat[64];

	sink_printf(k, "%6s %-10s %-16s %-9s %6s %6s %6s %-22s %9s %9s %6s %8s %8s %6s\n", "line", "name", "model",
		    "hardware", "batch", "prompt", "output", "strategy", "TTFT ms", "pred", "err%", "TPOT ms", "pred",
		    "err%");
	bool serving = rs->overall.n > 0, tput = rs->overall.n_tput > 0;
	for (int i = 0; i < rs->n; i++) {
		const struct run *r = &rs->runs[i];
		if (!r->ok || r->throughput)
			continue;
		strategy_text(&r->s, strat, sizeof strat);
		sink_printf(k, "%6ld %-10.10s %-16.16s %-9.9s %6ld %6ld %6ld %-22s %9s %9s %6s %8s %8s %6s\n", r->line,
			    r->name, r->model, r->hardware, r->s.work.batch, r->s.work.prompt_len, r->s.work.output_len,
			    strat, NUM(r->ttft_ms), NUM(r->pred_ttft_ms),
			    PCT(pct_error(r->pred_ttft_ms, r->ttft_ms), 1),
			    NUM(r->tpot_ms), NUM(r->pred_tpot_ms), PCT(pct_error(r->pred_tpot_ms, r->tpot_ms), 1));
	}
	if (tput) {
		sink_printf(k, "%s%6s %-10s %-16s %-9s %6s %6s %-22s %10s %10s %7s %6s\n", serving ? "\n" : "", "line",
			    "name", "model", "hardware", "prompt", "output", "strategy", "tok/s/GPU", "pred", "err%",
			    "batch");
		for (int i = 0; i < rs->n; i++) {
			const struct run *r = &rs->runs[i];
			if (!r->ok || !r->throughput)
				continue;
			strategy_text(&r->s, strat, sizeof strat);
			sink_printf(k, "%6ld %-10.10s %-16.16s %-9.9s %6ld %6ld %-22s %10s %10s %7s %6ld\n", r->line,
				    r->name, r->model, r->hardware, r->s.work.prompt_len, r->s.work.output_len, strat,
				    NUM(r->tok_s_gpu), NUM(r->pred_tok_s_gpu),
				    PCTS(100.0 * (r->pred_tok_s_gpu - r->tok_s_gpu) / r->tok_s_gpu, 1),
				    r->pred_batch);
		}
	}
	sink_puts(k, "\nabsolute % error by model, hardware and framework\n");
	sink_printf(k, "  %-18s %-9s %-8s %5s  %12s %10s  %12s %10s", "model", "hardware", "framework", "runs",
		    "TPOT median", "TPOT mean", "TTFT median", "TTFT mean");
	sink_puts(k, tput ? "  tok/s/GPU rows median (signed)\n" : "\n");
	for (int g = 0; g <= rs->n_groups; g++) {
		const struct run_group *gr = g < rs->n_groups ? &rs->groups[g] : &rs->overall;
		char who[3 * NAME_MAX_LEN + 8];
		snprintf(who, sizeof who, "%-18s %-9s %-8s", g < rs->n_groups ? gr->model : "overall",
			 g < rs->n_groups ? gr->hardware : "", g < rs->n_groups ? gr->framework : "");
		if (gr->n)
			sink_printf(k, "  %-37s %5d  %11s%% %9s%%  %11s%% %9s%%", who, gr->n, PCT(gr->tpot_median, 1),
				    PCT(gr->tpot_mean, 1), PCT(gr->ttft_median, 1), PCT(gr->ttft_mean, 1));
		else   /* throughput rows alone */
			sink_printf(k, "  %-37s %5d  %12s %10s  %12s %10s", who, 0, "-", "-", "-", "-");
		if (tput && gr->n_tput)
			sink_printf(k, "  %4d %9s%% (%6s%%)", gr->n_tput, PCT(gr->tput_median, 1), PCTS(gr->tput_signed, 1));
		sink_puts(k, "\n");
	}
	for (int i = 0; i < rs->n; i++)
		if (rs->runs[i].ok && rs->runs[i].overloaded)
			sink_printf(k, "  line %ld (%s): no TTFT predicted: %s\n", rs->runs[i].line, rs->runs[i].name,
				    rs->runs[i].reason);
	int skipped = rs->n - rs->n_ok;
	sink_printf(k, "%d of %d runs evaluated", rs->n_ok, rs->n);
	if (skipped)
		sink_printf(k, "; %d could not be:", skipped);
	sink_puts(k, "\n");
	for (int i = 0; i < rs->n; i++)
		if (!rs->runs[i].ok)
			sink_printf(k, "  line %ld (%s): %s\n", rs->runs[i].line, rs->runs[i].name, rs->runs[i].reason);
}

static void group_json(const struct sink *k, const struct run_group *g)
{
	sink_puts(k, "{\"model\": ");
	json_string(k, g->model);
	sink_puts(k, ", \"hardware\": ");
	json_string(k, g->hardware);
	sink_puts(k, ", \"framework\": ");
	json_string(k, g->framework);
	sink_printf(k, ", \"runs\": %d, \"tpot_median_pct\": ", g->n);
	json_number(k, g->tpot_median);
	sink_puts(k, ", \"tpot_mean_pct\": ");
	json_number(k, g->tpot_mean);
	sink_puts(k, ", \"ttft_median_pct\": ");
	json_number(k, g->ttft_median);
	sink_puts(k, ", \"ttft_mean_pct\": ");
	json_number(k, g->ttft_mean);
	if (g->n_tput) {
		sink_printf(k, ", \"throughput_runs\": %d, \"tok_s_gpu_median_pct\": ", g->n_tput);
		json_number(k, g->tput_median);
		sink_puts(k, ", \"tok_s_gpu_signed_pct\": ");
		json_number(k, g->tput_signed);
	}
	sink_puts(k, "}");
}

void validate_report_json(const struct sink *k, const struct run_set *rs)
{
	sink_puts(k, "{\"schema\": \"moescope/1\", \"validate\": {\"runs\": [");
	bool first = true;
	for (int i = 0; i < rs->n; i++) {
		const struct run *r = &rs->runs[i];
		sink_printf(k, "%s{\"line\": %ld, \"name\": ", first ? "" : ", ", r->line);
		first = false;
		json_string(k, r->name);
		if (!r->ok) {
			sink_puts(k, ", \"error\": ");
			json_string(k, r->reason);
			sink_puts(k, "}");
			continue;
		}
		if (r->throughput) {
			sink_puts(k, ", \"measured_output_tok_s_per_gpu\": ");
			json_number(k, r->tok_s_gpu);
			sink_puts(k, ", \"predicted_output_tok_s_per_gpu\": ");
			json_number(k, r->pred_tok_s_gpu);
			sink_printf(k, ", \"predicted_batch\": %ld}", r->pred_batch);
			continue;
		}
		sink_puts(k, ", \"measured_ttft_ms\": ");
		json_number(k, r->ttft_ms);
		sink_puts(k, ", \"predicted_ttft_ms\": ");
		json_number(k, r->pred_ttft_ms);
		sink_puts(k, ", \"measured_tpot_ms\": ");
		json_number(k, r->tpot_ms);
		sink_puts(k, ", \"predicted_tpot_ms\": ");
		json_number(k, r->pred_tpot_ms);
		if (r->overloaded) {
			sink_puts(k, ", \"diagnostic\": \"E_OVERLOAD\", \"message\": ");
			json_string(k, r->reason + strlen("E_OVERLOAD: "));
		}
		sink_puts(k, "}");
	}
	sink_puts(k, "], \"groups\": [");
	for (int g = 0; g < rs->n_groups; g++) {
		if (g)
			sink_puts(k, ", ");
		group_json(k, &rs->groups[g]);
	}
	sink_puts(k, "], \"overall\": ");
	group_json(k, &rs->overall);
	sink_printf(k, ", \"evaluated\": %d, \"skipped\": %d}}\n", rs->n_ok, rs->n - rs->n_ok);
}

/* A number for a CSV cell: empty when not finite. */
static void csv_exact(double v, char *buf, size_t len)
{
	buf[0] = '\0';
	if (isfinite(v))
		fmt_exact(v, buf, len);
}

void validate_report_csv(const struct sink *k, const struct run_set *rs)
{
	char a[40], b[40], c[40], d[40];
	char e[40], f[40];
	sink_puts(k, "line,name,model,hardware,framework,measured_ttft_ms,predicted_ttft_ms,measured_tpot_ms,predicted_tpot_ms,error");
	bool tput = rs->overall.n_tput > 0;
	sink_puts(k, tput ? ",measured_output_tok_s_per_gpu,predicted_output_tok_s_per_gpu\n" : "\n");
	for (int i = 0; i < rs->n; i++) {
		const struct run *r = &rs->runs[i];
		a[0] = b[0] = c[0] = d[0] = e[0] = f[0] = '\0';
		if (r->ok && r->throughput) {
			csv_exact(r->tok_s_gpu, e, sizeof e);
			csv_exact(r->pred_tok_s_gpu, f, sizeof f);
		} else if (r->ok) {
			csv_exact(r->ttft_ms, a, sizeof a);
			csv_exact(r->pred_ttft_ms, b, sizeof b);
			csv_exact(r->tpot_ms, c, sizeof c);
			csv_exact(r->pred_tpot_ms, d, sizeof d);
		}
		sink_printf(k, "%ld", r->line);
		const char *texts[] = { r->name, r->model, r->hardware, r->framework };
		for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
			sink_puts(k, ",");
			csv_field(k, texts[t]);
		}
		sink_printf(k, ",%s,%s,%s,%s,", a, b, c, d);
		csv_field(k, r->ok && !r->overloaded ? "" : r->reason);
		if (tput)
			sink_printf(k, ",%s,%s", e, f);
		sink_puts(k, "\n");
	}
}
