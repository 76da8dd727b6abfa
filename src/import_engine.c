/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine launch commands into a scenario (import_engine.h).  The flags and
 * their meaning are those export_engine.c writes (sources there); the
 * spellings each engine also accepts are read too: vLLM and SGLang take
 * underscores for dashes, SGLang takes --tp/--dp/--ep and the long
 * --tensor-parallel-size forms, vLLM takes -tp/-pp/-dp. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <yaml.h>

#include "import_engine.h"
#include "yaml_shape.h"
#include "keys.h"
#include "scenario_resolve.h"
#include "serve.h"
#include "spelling.h"

#define EV (1 << ENGINE_VLLM)
#define ES (1 << ENGINE_SGLANG)
#define ET (1 << ENGINE_TRTLLM)

enum flag_kind {
	F_MODEL, F_TP, F_DP, F_PP, F_EP, F_MOE_DP, F_ATTN_DP, F_EXPERT_PAR, F_EP_MOE, F_MEM, F_SEQS, F_TOKENS,
	F_KV, F_QUANT, F_OPTIONS, F_LEN, F_SWITCH,
	F_OVERLAP,      /* on: the next step is scheduled while one runs */
	F_NO_OVERLAP,   /* on: it is not */
	F_CAPACITY,     /* TensorRT-LLM's capacity scheduler policy */
	F_MIXED_CHUNK,  /* on: SGLang's prefill chunks ride in the decode batch */
	F_GRAPH,        /* the largest decode step replayed as a CUDA graph */
	F_SPEC_JSON,    /* vLLM's --speculative-config: JSON with num_speculative_tokens */
	F_SPEC_STEPS,   /* SGLang's draft steps a verification (topk 1: the draft tokens) */
	F_SPEC_DRAFT,   /* SGLang's tokens a verification checks: the steps and one */
	F_SPEC_TOKENS,  /* TensorRT-LLM's draft tokens (MTP layers, or max_draft_len) */
	F_VALUE,        /* read and left: a flag with a value that does not change the figures */
	F_PREFIX,       /* on: the engine keeps a prefix cache */
	F_NO_PREFIX,    /* on: it does not */
};

struct flag {
	int engines;
	const char *name;   /* dashes, as normalised */
	int kind;
};

static const struct flag flags[] = {
	{ EV, "--model", F_MODEL },
	{ ES, "--model-path", F_MODEL },
	{ ES, "--model", F_MODEL },
	{ EV | ES, "--tensor-parallel-size", F_TP },
	{ EV, "-tp", F_TP },
	{ ES | ET, "--tp-size", F_TP },
	{ ES, "--tp", F_TP },
	{ EV | ES, "--data-parallel-size", F_DP },
	{ EV, "-dp", F_DP },
	{ ES, "--dp-size", F_DP },
	{ ES, "--dp", F_DP },
	{ EV | ES, "--pipeline-parallel-size", F_PP },
	{ EV, "-pp", F_PP },
	{ ES | ET, "--pp-size", F_PP },
	{ ES, "--pp", F_PP },
	{ ES | ET, "--ep-size", F_EP },
	{ ES, "--ep", F_EP },
	{ ES, "--expert-parallel-size", F_EP },
	{ ES, "--moe-dp-size", F_MOE_DP },
	{ ES, "--enable-dp-attention", F_ATTN_DP },
	{ ES, "--enable-ep-moe", F_EP_MOE },
	{ EV, "--enable-expert-parallel", F_EXPERT_PAR },
	{ EV, "--gpu-memory-utilization", F_MEM },
	{ ES, "--mem-fraction-static", F_MEM },
	{ ET, "--kv-cache-free-gpu-memory-fraction", F_MEM },
	{ ET, "--free-gpu-memory-fraction", F_MEM },
	{ EV, "--max-num-seqs", F_SEQS },
	{ ES, "--max-running-requests", F_SEQS },
	{ ET, "--max-batch-size", F_SEQS },
	{ EV, "--max-num-batched-tokens", F_TOKENS },
	{ ES, "--chunked-prefill-size", F_TOKENS },
	{ ET, "--max-num-tokens", F_TOKENS },
	{ EV, "--max-cudagraph-capture-size", F_GRAPH },
	{ ES, "--cuda-graph-max-bs", F_GRAPH },
	{ EV | ES, "--kv-cache-dtype", F_KV },
	{ EV | ES, "--quantization", F_QUANT },
	{ EV, "-q", F_QUANT },
	{ ET, "--extra-llm-api-options", F_OPTIONS },
	{ ET, "--config", F_OPTIONS },
	{ EV, "--max-model-len", F_LEN },
	{ ES, "--context-length", F_LEN },
	{ ET, "--max-seq-len", F_LEN },
	/* switches that take no value, so that the word after them is not
	 * taken for theirs */
	{ EV | ES | ET, "--trust-remote-code", F_SWITCH },
	{ EV, "--enforce-eager", F_SWITCH },
	{ EV, "--enable-prefix-caching", F_PREFIX },
	{ EV, "--no-enable-prefix-caching", F_NO_PREFIX },
	{ EV, "--enable-chunked-prefill", F_SWITCH },
	{ EV, "--no-enable-chunked-prefill", F_SWITCH },
	{ EV, "--disable-log-requests", F_SWITCH },
	{ EV, "--disable-log-stats", F_SWITCH },
	{ EV, "--enable-auto-tool-choice", F_SWITCH },
	{ EV, "--async-scheduling", F_OVERLAP },
	{ EV, "--no-async-scheduling", F_NO_OVERLAP },
	{ ES, "--disable-overlap-schedule", F_NO_OVERLAP },
	{ EV, "--enable-eplb", F_SWITCH },
	{ EV, "--enable-dbo", F_SWITCH },
	{ EV | ES, "--disable-custom-all-reduce", F_SWITCH },
	{ ES, "--disable-radix-cache", F_NO_PREFIX },
	{ ES, "--disable-cuda-graph", F_SWITCH },
	{ ES, "--enable-torch-compile", F_SWITCH },
	{ ES, "--enable-dp-lm-head", F_SWITCH },
	{ ES, "--enable-two-batch-overlap", F_SWITCH },
	{ ES, "--enable-mixed-chunk", F_MIXED_CHUNK },
	{ ES, "--enable-metrics", F_SWITCH },
	{ ES, "--enable-eplb", F_SWITCH },
	/* speculative decoding (vLLM docs "Speculative Decoding"; SGLang docs
	 * "Speculative Decoding"; TensorRT-LLM's speculative_config) */
	{ EV, "--speculative-config", F_SPEC_JSON },
	{ ES, "--speculative-algorithm", F_VALUE },
	{ ES, "--speculative-num-steps", F_SPEC_STEPS },
	{ ES, "--speculative-eagle-topk", F_VALUE },
	{ ES, "--speculative-num-draft-tokens", F_SPEC_DRAFT },
	/* several hosts: where each runs and how they meet */
	{ EV, "--data-parallel-size-local", F_VALUE },
	{ EV, "-dpl", F_VALUE },
	{ EV, "--data-parallel-start-rank", F_VALUE },
	{ EV, "-dpr", F_VALUE },
	{ EV, "--data-parallel-address", F_VALUE },
	{ EV, "-dpa", F_VALUE },
	{ EV, "--data-parallel-rpc-port", F_VALUE },
	{ EV, "-dpp", F_VALUE },
	{ EV, "--data-parallel-backend", F_VALUE },
	{ EV, "--distributed-executor-backend", F_VALUE },
	{ EV, "--headless", F_SWITCH },
	{ ES, "--nnodes", F_VALUE },
	{ ES, "--node-rank", F_VALUE },
	{ ES, "--dist-init-addr", F_VALUE },
	/* disaggregated serving: the instance's role and how KV moves */
	{ ES, "--disaggregation-mode", F_VALUE },
	{ ES, "--disaggregation-transfer-backend", F_VALUE },
	{ EV, "--kv-transfer-config", F_VALUE },
	{ EV | ES | ET, "--port", F_VALUE },
	{ EV | ES | ET, "--host", F_VALUE },
};

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- words, as a POSIX shell splits them ---- */

struct words {
	int n;
	char *w[IMPORT_WORDS_MAX];
	size_t col[IMPORT_WORDS_MAX];
	char store[IMPORT_COMMAND_MAX + IMPORT_WORDS_MAX];
};

/* Quotes, backslashes and comments as sh reads them.  A backslash before
 * a newline or a blank, or at the end, joins lines: a command pasted from
 * several lines reads as it did there. */
static int split(const char *text, struct words *ws, char *err, size_t errlen)
{
	size_t n = 0, len = strlen(text);
	bool in_word = false;
	ws->n = 0;
	if (len > IMPORT_COMMAND_MAX)
		return fail(err, errlen, "col %d: the command is longer than %d bytes", IMPORT_COMMAND_MAX + 1,
			    IMPORT_COMMAND_MAX);
	for (size_t i = 0; i <= len; i++) {
		char ch = text[i];
		bool blank = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\0';
		if (ch == '\\' && (text[i + 1] == '\0' || strchr(" \t\r\n", text[i + 1]))) {
			continue;
		}
		if (blank) {
			if (in_word)
				ws->store[n++] = '\0';
			in_word = false;
			continue;
		}
		if (!in_word && ch == '#') {
			while (text[i + 1] && text[i + 1] != '\n')
				i++;
			continue;
		}
		if (!in_word) {
			if (ws->n == IMPORT_WORDS_MAX)
				return fail(err, errlen, "col %zu: more than %d words", i + 1, IMPORT_WORDS_MAX);
			ws->col[ws->n] = i + 1;
			ws->w[ws->n++] = ws->store + n;
			in_word = true;
		}
		if (ch == '\'') {
			size_t start = i;
			while (text[++i] != '\'')
				if (!text[i])
					return fail(err, errlen, "col %zu: unterminated quote", start + 1);
				else
					ws->store[n++] = text[i];
		} else if (ch == '"') {
			size_t start = i;
			while (text[++i] != '"') {
				if (!text[i])
					return fail(err, errlen, "col %zu: unterminated quote", start + 1);
				if (text[i] == '\\' && text[i + 1] && strchr("\"\\$`", text[i + 1]))
					i++;
				ws->store[n++] = text[i];
			}
		} else if (ch == '\\') {
			ws->store[n++] = text[++i];
		} else {
			ws->store[n++] = ch;
		}
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The engine and the index of its first argument, or -1. */
static int find_program(const struct words *ws, int *engine)
{
	for (int i = 0; i < ws->n; i++) {
		const char *w = ws->w[i], *next = i + 1 < ws->n ? ws->w[i + 1] : "";
		const char *b = base_name(w);
		if (!strcmp(b, "vllm") && !strcmp(next, "serve")) {
			*engine = ENGINE_VLLM;
			return i + 2;
		}
		if (!strcmp(w, "-m") && !strcmp(next, "vllm.entrypoints.openai.api_server")) {
			*engine = ENGINE_VLLM;
			return i + 2;
		}
		if ((!strcmp(w, "-m") && !strcmp(next, "sglang.launch_server")) ||
		    (!strcmp(b, "sglang") && !strcmp(next, "serve"))) {
			*engine = ENGINE_SGLANG;
			return i + 2;
		}
		if (!strcmp(b, "trtllm-serve")) {
			*engine = ENGINE_TRTLLM;
			return !strcmp(next, "serve") ? i + 2 : i + 1;
		}
	}
	return -1;
}

/* ---- values ---- */

static int parse_count(const char *flag, const char *v, long lo, long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (end == v || *end || errno || x < lo || x > 100000000)
		return fail(err, errlen, "%s '%s': expected a whole number from %ld to 100000000", flag, v, lo);
	*out = x;
	return 0;
}

static int parse_fraction(const char *flag, const char *v, double *out, char *err, size_t errlen)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || *end || !(x > 0 && x <= 1))
		return fail(err, errlen, "%s '%s': expected a fraction above 0 and at most 1", flag, v);
	*out = x;
	return 0;
}

static int parse_kv(const char *flag, const char *v, double *out, char *err, size_t errlen)
{
	static const char *const fp8[] = { "fp8", "fp8_e4m3", "fp8_e5m2", "fp8_inc", "fp8_ds_mla" };
	static const char *const b16[] = { "bfloat16", "bf16", "float16", "fp16", "half" };
	if (!strcmp(v, "auto")) {
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof fp8 / sizeof fp8[0]; i++)
		if (!strcmp(v, fp8[i])) {
			*out = 1;
			return 0;
		}
	for (size_t i = 0; i < sizeof b16 / sizeof b16[0]; i++)
		if (!strcmp(v, b16[i])) {
			*out = 2;
			return 0;
		}
	return fail(err, errlen, "%s '%s': expected auto, fp8, fp8_e4m3, fp8_e5m2, bfloat16 or float16", flag, v);
}

static int parse_quant(const char *flag, const char *v, struct engine_import *imp, char *err, size_t errlen)
{
	if (!strcmp(v, "fp8") || !strcmp(v, "modelopt_fp8") || !strcmp(v, "fbgemm_fp8") || !strcmp(v, "w8a8_fp8")) {
		imp->weight_bytes = imp->expert_weight_bytes = 1;
		return 0;
	}
	/* 4-bit experts with a scale byte per 32 (MXFP4) or per 16 (NVFP4) */
	if (!strcmp(v, "mxfp4")) {
		imp->expert_weight_bytes = 0.53125;
		return 0;
	}
	if (!strcmp(v, "modelopt_fp4") || !strcmp(v, "nvfp4")) {
		imp->expert_weight_bytes = 0.5625;
		return 0;
	}
	return fail(err, errlen,
		    "%s '%s' is not a weight format moescope models; known: fp8, modelopt_fp8, mxfp4, modelopt_fp4 (or leave it out: the checkpoint's own)",
		    flag, v);
}

static void note_ignored(struct engine_import *imp, const char *flag, const char *value)
{
	size_t n = strlen(imp->ignored);
	snprintf(imp->ignored + n, sizeof imp->ignored - n, "%s%s%s%s", n ? ", " : "", flag, value ? " " : "",
		 value ? value : "");
}

/* vLLM's --speculative-config, a JSON object: its num_speculative_tokens
 * (the method, MTP or a draft model, is the scenario's: model.mtp_layers). */
static int parse_spec_json(const char *flag, const char *v, long *out, char *err, size_t errlen)
{
	enum json_tokener_error jerr;
	json_object *o = json_tokener_parse_verbose(v, &jerr), *n = NULL;
	int rc = 0;
	if (!o || json_object_get_type(o) != json_type_object)
		rc = fail(err, errlen, "%s: expected a JSON object such as '{\"method\": \"mtp\", \"num_speculative_tokens\": 1}'",
			  flag);
	else if (!json_object_object_get_ex(o, "num_speculative_tokens", &n) || json_object_get_type(n) != json_type_int ||
		 json_object_get_int64(n) < 1 || json_object_get_int64(n) > 64)
		rc = fail(err, errlen, "%s: num_speculative_tokens is missing or not a whole number from 1 to 64", flag);
	else
		*out = (long)json_object_get_int64(n);
	json_object_put(o);
	return rc;
}

static const struct flag *find_flag(int engine, const char *name)
{
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if ((flags[i].engines & (1 << engine)) && !strcmp(flags[i].name, name))
			return &flags[i];
	return NULL;
}

static int set_flag(struct engine_import *imp, const struct flag *f, const char *name, const char *v, char *err,
		    size_t errlen)
{
	struct engine_layout *l = &imp->l;
	long dummy;
	switch (f->kind) {
	case F_MODEL:
		snprintf(imp->model, sizeof imp->model, "%s", v);
		return 0;
	case F_TP: return parse_count(name, v, 1, &l->tp, err, errlen);
	case F_DP: return parse_count(name, v, 1, &l->dp, err, errlen);
	case F_PP: return parse_count(name, v, 1, &l->pp, err, errlen);
	case F_EP: return parse_count(name, v, 1, &l->ep, err, errlen);
	case F_MOE_DP: return parse_count(name, v, 1, &l->moe_dp, err, errlen);
	case F_MEM: return parse_fraction(name, v, &imp->mem_fraction, err, errlen);
	case F_SEQS: return parse_count(name, v, 1, &imp->max_seqs, err, errlen);
	case F_TOKENS:
		/* SGLang: -1 turns chunking off, so one step takes any prompt */
		if (imp->engine == ENGINE_SGLANG && !strcmp(v, "-1")) {
			imp->max_batched_tokens = 100000000;
			return 0;
		}
		return parse_count(name, v, 1, &imp->max_batched_tokens, err, errlen);
	case F_GRAPH: return parse_count(name, v, 1, &imp->graph_max, err, errlen);
	case F_KV: return parse_kv(name, v, &imp->kv_bytes, err, errlen);
	case F_QUANT: return parse_quant(name, v, imp, err, errlen);
	case F_OPTIONS:
		snprintf(imp->options_file, sizeof imp->options_file, "%s", v);
		return 0;
	case F_CAPACITY:
		/* what a request holds when it is admitted: its whole output
		 * (the default), or the blocks it has, paused when they run out */
		if (!strcmp(v, "GUARANTEED_NO_EVICT"))
			imp->admit = ADMIT_RULE_WHOLE;
		else if (!strcmp(v, "MAX_UTILIZATION"))
			imp->admit = ADMIT_RULE_PAGED;
		else if (!strcmp(v, "STATIC_BATCH"))
			note_ignored(imp, name, v);
		else
			return fail(err, errlen, "%s '%s': expected GUARANTEED_NO_EVICT, MAX_UTILIZATION or STATIC_BATCH",
				    name, v);
		return 0;
	case F_SPEC_JSON: return parse_spec_json(name, v, &imp->spec_tokens, err, errlen);
	case F_SPEC_STEPS: return parse_count(name, v, 1, &imp->spec_steps, err, errlen);
	case F_SPEC_DRAFT: return parse_count(name, v, 1, &imp->spec_draft, err, errlen);
	case F_SPEC_TOKENS: return parse_count(name, v, 1, &imp->spec_tokens, err, errlen);
	case F_VALUE:
		note_ignored(imp, name, v);
		return 0;
	case F_LEN:
		/* the longest request: checked, not used (the workload says the lengths) */
		if (parse_count(name, v, 1, &dummy, err, errlen) != 0)
			return -1;
		note_ignored(imp, name, v);
		return 0;
	default:
		return 0;
	}
}

static bool switch_kind(int kind)
{
	return kind == F_ATTN_DP || kind == F_EXPERT_PAR || kind == F_EP_MOE || kind == F_SWITCH || kind == F_OVERLAP ||
	       kind == F_NO_OVERLAP || kind == F_MIXED_CHUNK || kind == F_PREFIX || kind == F_NO_PREFIX;
}

static int set_switch(struct engine_import *imp, const struct flag *f, const char *name, const char *v, char *err,
		      size_t errlen)
{
	bool on = true;
	if (v) {
		if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"))
			on = true;
		else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0"))
			on = false;
		else
			return fail(err, errlen, "%s '%s': expected true or false", name, v);
	}
	switch (f->kind) {
	case F_ATTN_DP: imp->l.attn_dp = on; break;
	case F_EXPERT_PAR: imp->l.expert_parallel = on; break;
	case F_EP_MOE: imp->ep_moe = on; break;
	case F_OVERLAP: imp->scheduler = on ? SCHED_OVERLAP : SCHED_SYNC; break;
	case F_NO_OVERLAP: imp->scheduler = on ? SCHED_SYNC : SCHED_OVERLAP; break;
	case F_MIXED_CHUNK: imp->prefill = on ? PREFILL_MIXED : PREFILL_SEPARATE; break;
	case F_PREFIX: imp->prefix_cache = on ? PREFIX_ON : PREFIX_OFF; break;
	case F_NO_PREFIX: imp->prefix_cache = on ? PREFIX_OFF : PREFIX_ON; break;
	default: note_ignored(imp, name, v); break;
	}
	return 0;
}

/* A flag moescope does not read that is within two edits of one it reads
 * for this engine: most likely a misspelling, which the engine itself
 * would refuse (vLLM's, SGLang's and trtllm-serve's parsers reject an
 * unknown option), not a flag to pass over. */
static const char *misspelt(int engine, const char *name)
{
	const char *best = NULL;
	int best_d = 3;
	if (strlen(name) < 6)
		return NULL;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (!(flags[i].engines & (1 << engine)))
			continue;
		int d = spelling_distance(name, flags[i].name, best_d - 1);
		if (d < best_d) {
			best_d = d;
			best = flags[i].name;
		}
	}
	return best;
}

int engine_import_parse(const char *text, struct engine_import *imp, char *err, size_t errlen)
{
	return engine_import_parse_as(text, false, imp, err, errlen);
}

int engine_import_parse_as(const char *text, bool lenient, struct engine_import *imp, char *err, size_t errlen)
{
	static struct words ws;   /* large: not on the stack */
	char ferr[400];

	memset(imp, 0, sizeof *imp);
	imp->l = (struct engine_layout){ .tp = 1, .dp = 1, .pp = 1, .ep = 1, .moe_dp = 1 };
	imp->spec_tokens = -1;
	if (split(text, &ws, err, errlen) != 0)
		return -1;
	int i = find_program(&ws, &imp->engine);
	if (i < 0)
		return fail(err, errlen,
			    "col 1: no engine command: expected `vllm serve MODEL`, `python3 -m sglang.launch_server --model-path MODEL`, `sglang serve` or `trtllm-serve MODEL`");
	for (; i < ws.n; i++) {
		char name[128];
		const char *w = ws.w[i], *eq = strchr(w, '=');
		/* a variable of the script's prelude (a per-host flag) */
		if (w[0] == '$')
			continue;
		if (w[0] != '-' || !w[1]) {
			if (!imp->model[0])
				snprintf(imp->model, sizeof imp->model, "%s", w);
			else
				note_ignored(imp, w, NULL);
			continue;
		}
		size_t nl = eq ? (size_t)(eq - w) : strlen(w);
		if (nl >= sizeof name)
			nl = sizeof name - 1;
		memcpy(name, w, nl);
		name[nl] = '\0';
		char as_written[128];
		memcpy(as_written, name, nl + 1);
		/* after the leading dashes ("-=x" has one and nothing after it) */
		for (char *p = name + (nl > 2 ? 2 : nl); *p; p++)
			if (*p == '_')
				*p = '-';
		const char *v = eq ? eq + 1 : NULL;
		const struct flag *f = find_flag(imp->engine, name);
		int rc;
		if (f && switch_kind(f->kind)) {
			rc = set_switch(imp, f, as_written, v, ferr, sizeof ferr);
		} else {
			if (!v && i + 1 < ws.n && (f || ws.w[i + 1][0] != '-'))
				v = ws.w[++i];
			if (!f) {
				const char *near = lenient ? NULL : misspelt(imp->engine, name);
				if (near)
					return fail(err, errlen,
						    "col %zu: %s is no %s flag; did you mean %s? (import --lenient passes over it)",
						    ws.col[i - (v && !eq ? 1 : 0)], as_written, serve_engine_display_name(imp->engine),
						    near);
				note_ignored(imp, w, eq ? NULL : v);
				continue;
			}
			if (!v)
				return fail(err, errlen, "col %zu: %s needs a value", ws.col[i], as_written);
			rc = set_flag(imp, f, as_written, v, ferr, sizeof ferr);
		}
		if (rc != 0)
			return fail(err, errlen, "col %zu: %s", ws.col[i], ferr);
	}
	if (!imp->model[0])
		return fail(err, errlen, "col 1: the command names no model");
	return 0;
}

/* ---- TensorRT-LLM's extra options ---- */

struct options_reader {
	yaml_document_t *doc;
	const char *label;
	struct engine_import *imp;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int option_fail(struct options_reader *r, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[500];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return fail(r->err, r->errlen, "%s:%zu:%zu: %s", r->label, n->start_mark.line + 1, n->start_mark.column + 1,
		    msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int option_value(struct options_reader *r, const char *key, const yaml_node_t *vn)
{
	static const struct {
		const char *key;
		int kind;
	} known[] = {
		{ "tensor_parallel_size", F_TP }, { "pipeline_parallel_size", F_PP },
		{ "moe_expert_parallel_size", F_EP }, { "max_batch_size", F_SEQS },
		{ "max_num_tokens", F_TOKENS }, { "max_seq_len", F_LEN },
		{ "enable_attention_dp", F_ATTN_DP }, { "kv_cache_config.free_gpu_memory_fraction", F_MEM },
		{ "kv_cache_config.dtype", F_KV }, { "disable_overlap_scheduler", F_NO_OVERLAP },
		{ "scheduler_config.capacity_scheduler_policy", F_CAPACITY },
		{ "cuda_graph_config.max_batch_size", F_GRAPH },
		{ "speculative_config.num_nextn_predict_layers", F_SPEC_TOKENS },
		{ "kv_cache_config.enable_block_reuse", F_PREFIX },
		{ "speculative_config.max_draft_len", F_SPEC_TOKENS },
	};
	char ferr[400];
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(known[i].key, key))
			continue;
		const char *v = scalar(vn);
		if (!v)
			return option_fail(r, vn, "%s: expected a value", key);
		struct flag f = { ET, key, known[i].kind };
		int rc = switch_kind(f.kind) ? set_switch(r->imp, &f, key, v, ferr, sizeof ferr)
					     : set_flag(r->imp, &f, key, v, ferr, sizeof ferr);
		if (rc != 0)
			return option_fail(r, vn, "%s", ferr);
		return 0;
	}
	note_ignored(r->imp, key, NULL);
	return 0;
}

static int option_map(struct options_reader *r, const yaml_node_t *map, const char *prefix)
{
	if (map->type != YAML_MAPPING_NODE)
		return option_fail(r, map, "expected a mapping of LLM API options");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(r->doc, p->key), *vn = yaml_document_get_node(r->doc, p->value);
		const char *k = scalar(kn);
		if (!k)
			return option_fail(r, kn, "expected a key");
		char key[160];
		snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", k);
		/* the sections that hold options moescope reads; other
		 * sections are listed whole as not read */
		bool section = !*prefix && (!strcmp(k, "kv_cache_config") || !strcmp(k, "scheduler_config") ||
					    !strcmp(k, "cuda_graph_config") || !strcmp(k, "speculative_config"));
		int rc = section && vn && vn->type == YAML_MAPPING_NODE ? option_map(r, vn, k) : option_value(r, key, vn);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* TensorRT-LLM's LLM API options: a mapping of sections, a few levels. */
#define OPTIONS_DEPTH_MAX 8
#define OPTIONS_NODES_MAX 4096

int engine_import_options(struct engine_import *imp, const char *label, const char *yaml, size_t len, char *err,
			  size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct engine_import next = *imp;
	struct options_reader r = { .doc = &doc, .label = label, .imp = &next, .err = err, .errlen = errlen };

	/* an options file is a mapping a few levels deep: its shape first, in
	 * one linear pass, before a document is built of it */
	if (yaml_check_shape(label, yaml, len, OPTIONS_DEPTH_MAX, OPTIONS_NODES_MAX, "an engine's options", err, errlen))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return fail(err, errlen, "%s: out of memory", label);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fail(err, errlen, "%s:%zu:%zu: %s", label, parser.problem_mark.line + 1,
		     parser.problem_mark.column + 1, parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	int rc = root ? option_map(&r, root, "") : 0;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc == 0)
		*imp = next;
	return rc;
}

/* ---- into the scenario ---- */

int engine_import_apply(const struct engine_import *imp, struct scenario *s, char *err, size_t errlen)
{
	static struct scenario next, resolved;   /* large: not on the stack */
	next = *s;
	struct model *m = &next.model;
	if (imp->weight_bytes > 0)
		m->weight_bytes = imp->weight_bytes;
	if (imp->expert_weight_bytes > 0)
		m->expert_weight_bytes = imp->expert_weight_bytes;
	if (imp->kv_bytes > 0)
		m->kv_bytes = imp->kv_bytes;
	scenario_resolve(&next, &resolved);

	struct engine_layout l = imp->l;
	if (imp->engine == ENGINE_SGLANG && imp->ep_moe)
		l.ep = l.tp;
	if (engine_layout_to_strategy(imp->engine, &resolved.model, &l, &next.strat, err, errlen) != 0)
		return -1;

	/* SGLang with DP attention: the flags are the instance's, shared by its DP ranks */
	long per = imp->engine == ENGINE_SGLANG && l.attn_dp && l.dp > 1 ? l.dp : 1;
	next.work.engine = imp->engine;
	/* a server runs requests as they come: the serving model */
	next.work.mode = MODE_SERVING;
	next.engine.mem_fraction = imp->mem_fraction;
	next.engine.max_seqs = imp->max_seqs > 0 ? (imp->max_seqs + per - 1) / per : 0;
	next.engine.max_batched_tokens = imp->max_batched_tokens > 0 ? (imp->max_batched_tokens + per - 1) / per : 0;
	/* speculative decoding: SGLang's steps, or its draft tokens less the
	 * one verified token (topk 1), are the draft tokens a step */
	long spec = imp->spec_tokens;
	if (imp->engine == ENGINE_SGLANG && imp->spec_steps > 0)
		spec = imp->spec_steps;
	else if (imp->engine == ENGINE_SGLANG && imp->spec_draft > 1)
		spec = imp->spec_draft - 1;
	if (spec >= 0)
		next.work.spec_tokens = spec;
	/* vLLM's capture size counts tokens: 1 + the draft tokens a sequence */
	long graph = imp->engine == ENGINE_VLLM ? imp->graph_max / (1 + next.work.spec_tokens) : imp->graph_max;
	next.engine.graph_max_seqs = imp->graph_max <= 0 ? 0 : graph > 1 ? graph : 1;
	next.engine.scheduler = imp->scheduler;
	next.engine.admit = imp->admit;
	next.engine.prefill = imp->prefill;
	next.engine.prefix_cache = imp->prefix_cache;
	/* what the command sets is what `set` and `load` would take, so that a
	 * save of it loads back */
	char why[300];
	if (keys_check_all(&next, why, sizeof why) != 0) {
		snprintf(err, errlen, "the command sets what moescope cannot hold: %s", why);
		return -1;
	}
	*s = next;
	return 0;
}
