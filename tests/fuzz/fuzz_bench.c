/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark result files (vLLM's JSON, SGLang's JSONL): any bytes are read
 * into runs or refused with a message that leaves no run behind; the runs
 * evaluate, and their report in JSON is one valid JSON document (json-c
 * parses it whole) with no bare nan or inf, as are the CSV and the text. */
#include "config.h"

#include <json-c/json.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "import_bench.h"
#include "scenario_resolve.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The words nan and inf, alone, anywhere in text output. */
static void check_words(const char *text)
{
	for (const char *p = text; *p; p++) {
		bool start = p == text || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
		if (start && (!strncmp(p, "nan", 3) || !strncmp(p, "inf", 3)) &&
		    !((p[3] >= 'a' && p[3] <= 'z') || (p[3] >= 'A' && p[3] <= 'Z')))
			abort();
	}
}

/* Whether the input holds the letters nan or inf (any case): a name of
 * the file may then print them. */
static bool writes_nan_or_inf(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 3 <= size; i++) {
		char a = (char)(data[i] | 0x20), b = (char)(data[i + 1] | 0x20), c = (char)(data[i + 2] | 0x20);
		if ((a == 'n' && b == 'a' && c == 'n') || (a == 'i' && b == 'n' && c == 'f'))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	static struct run_set rs;
	static bool planned;
	char err[600];

	if (size > 1048576)   /* the limit the reader enforces */
		return 0;
	if (!planned) {
		/* the plan a result is checked against: the default scenario
		 * under an engine, as `validate result.json` takes it */
		scenario_default(&s);
		s.work.engine = ENGINE_VLLM;
		planned = true;
	}
	runs_keep_presets(true);
	err[0] = '\0';
	if (import_bench_buffer("fuzz.json", (const char *)data, size, &s, &rs, err, sizeof err) != 0) {
		if (!err[0] || rs.n != 0)
			abort();
		return 0;
	}
	runs_evaluate(&rs);
	for (int i = 0; i < rs.n; i++)
		if (!rs.runs[i].ok && !rs.runs[i].reason[0])
			abort();   /* a run left out always says why */
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	switch (size % 3) {
	case 0: {
		validate_report_json(&k, &rs);
		fuzz_check_json(b.out);
		/* strict JSON, its strings valid UTF-8 */
		json_tokener *tok = json_tokener_new();
		if (tok)
			json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		json_object *o = tok ? json_tokener_parse_ex(tok, b.out, (int)strlen(b.out)) : NULL;
		if (!tok)
			break;
		if (!o || json_tokener_get_error(tok) != json_tokener_success)
			abort();
		/* one document, and nothing after it but white space */
		for (const char *p = b.out + json_tokener_get_parse_end(tok); *p; p++)
			if (*p != ' ' && *p != '\n')
				abort();
		json_object_put(o);
		json_tokener_free(tok);
		break;
	}
	case 1:
		validate_report_csv(&k, &rs);
		if (!writes_nan_or_inf(data, size))
			check_words(b.out);
		break;
	default:
		validate_report_text(&k, &rs);
		if (!writes_nan_or_inf(data, size))
			check_words(b.out);
	}
	sink_buffer_free(&b);
	runs_free(&rs);
	return 0;
}
