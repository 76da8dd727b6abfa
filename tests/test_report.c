/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON and CSV output. */
#include "command.h"
#include "helpers.h"

static char *run(const char *line, int format)
{
	static struct sink_buffer buf;
	struct sink sink;
	struct session ss;
	sink_buffer_free(&buf);
	sink_buffer_init(&buf, &sink);
	session_init(&ss, &sink);
	ss.format = format;
	cr_assert_eq(session_run_line(&ss, line, 1), 0, "%s", buf.err);
	return buf.out;
}

Test(report, json_has_the_schema_and_exact_numbers)
{
	const char *out = run("show", FMT_JSON);
	cr_expect(strncmp(out, "{\"schema\": \"moescope/1\", \"scenario\": {\"name\": \"seed-10b-moe\", \"hardware\": {", 75) == 0, "%s", out);
	cr_expect(strstr(out, "\"gpus\": 64, \"nodes\": 8, \"shards\": 64, \"replication\": 1") != NULL);
	cr_expect(strstr(out, "\"params\": {\"total\": 9990176768, \"active\": 1275854848, \"declared\": 10000000000}") != NULL, "%s", out);
	cr_expect(strstr(out, "\"weights_gib\": 0.3126220703125") != NULL);
	/* resolved inputs: the solved expert width, etp auto as its value */
	cr_expect(strstr(out, "\"expert_ffn\": 25280") != NULL);
	cr_expect(strstr(out, "\"etp\": 4") != NULL);
	cr_expect(strstr(out, "\"imbalance\": \"auto\"") != NULL);
	cr_expect(strstr(out, "\"tpot_ms\": null") != NULL);   /* requirement not given */
	cr_expect(strstr(out, "\"code\": \"E_TARGET_IMPOSSIBLE\", \"severity\": \"error\"") != NULL);
	cr_expect(strstr(out, "nan") == NULL);
}

Test(report, json_of_invalid_strategy_has_nulls)
{
	const char *out = run("set dp 2; show", FMT_JSON);
	cr_expect(strstr(out, "\"gpus\": 8, \"nodes\": 1, \"shards\": null, \"replication\": null") != NULL, "%s", out);
	cr_expect(strstr(out, "\"memory\": {\"devices\": [], \"max_total_gib\": null, \"kv_capacity_seqs\": null, \"kv_capacity_tokens\": null, "
			  "\"kv_seq_bytes_by_kind\": {\"full\": null, \"window\": null, \"chunk\": null, \"linear\": null, "
			  "\"sparse\": null}}") != NULL);
	cr_expect(strstr(out, "\"prefill\": {\"ttft_s\": null, \"ttft_p50_s\": null, \"ttft_p90_s\": null, "
			      "\"ttft_p99_s\": null, \"tokens_per_s\": null, \"compute_s\": null") != NULL, "%s", out);
	cr_expect(strstr(out, "\"bottleneck\": null") != NULL);
	cr_expect(strstr(out, "\"code\": \"E_FOLD\"") != NULL);
	cr_expect(strstr(out, "nan") == NULL && strstr(out, "inf") == NULL);
}

/* The percentiles are printed where they are derived (a closed loop with
 * an engine) and are null elsewhere, never nan. */
Test(report, percentiles_where_derived)
{
	const char *out = run("set workload.mode serving; set workload.engine vllm; show", FMT_TEXT);
	cr_expect(strstr(out, "percentiles TTFT p50 ") != NULL, "%s", out);
	out = run("set workload.mode serving; set workload.engine vllm; show", FMT_JSON);
	cr_expect(strstr(out, "\"ttft_p50_s\": null") == NULL && strstr(out, "\"ttft_p99_s\": 0.") != NULL, "%s", out);
	cr_expect(strstr(out, "\"tpot_p50_ms\": ") != NULL, "%s", out);
	out = run("set workload.mode serving; show", FMT_TEXT);
	cr_expect(strstr(out, "percentiles") == NULL, "%s", out);
	out = run("set workload.mode serving; set workload.engine vllm; set workload.arrival poisson; set workload.rate 1; show",
		  FMT_JSON);
	cr_expect(strstr(out, "\"ttft_p50_s\": null") != NULL, "%s", out);
	cr_expect(strstr(out, "nan") == NULL);
}

Test(report, json_escapes_strings)
{
	const char *out = run("set name 'a \"quoted\" \\\\ name'; show", FMT_JSON);
	cr_expect(strstr(out, "\"name\": \"a \\\"quoted\\\" \\\\\\\\ name\"") != NULL, "%s", out);
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

Test(report, csv_header_and_row_align)
{
	const char *out = run("show", FMT_CSV);
	const char *nl = strchr(out, '\n');
	cr_assert_not_null(nl);
	char header[1024];
	memcpy(header, out, (size_t)(nl - out));
	header[nl - out] = '\0';
	cr_expect_eq(count_char(header, ','), count_char(nl + 1, ',') );
	cr_expect(strncmp(nl + 1, "seed-10b-moe,16,4,1,16,4,128,2048,256,64,8,64,1,", 48) == 0, "%s", nl + 1);
	cr_expect(strstr(nl + 1, ",compute,memory,E_TARGET_IMPOSSIBLE\n") != NULL, "%s", nl + 1);
}

Test(report, text_sections)
{
	const char *out = run("show memory params", FMT_TEXT);
	cr_expect(strstr(out, "memory per device (GiB)") != NULL);
	cr_expect(strstr(out, "active per token") != NULL);
	cr_expect(strstr(out, "diagnostics") == NULL);
	out = run("show all", FMT_TEXT);
	cr_expect(strstr(out, "communication") != NULL);
	cr_expect(strstr(out, "decode: 8 tokens per replica per pass") != NULL, "%s", out);
}

/* RFC 8259 strings: valid UTF-8 whole, controls and C1 controls escaped,
 * a byte of no valid character as U+FFFD, quotes and backslashes escaped. */
Test(report, json_strings_by_hand)
{
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	json_string(&k, "p\xE2\x82\xAC \"q\" \\ \n\x1b \xC2\x85 \xFF \xE2\x82 \xED\xA0\x80 \xF0\x9F\x98\x80");
	cr_expect_str_eq(b.out, "\"p\xE2\x82\xAC \\\"q\\\" \\\\ \\u000a\\u001b \\u0085 \\ufffd \\ufffd\\ufffd "
				"\\ufffd\\ufffd\\ufffd \xF0\x9F\x98\x80\"");
	sink_buffer_free(&b);
}

/* CSV cells: quoted when needed, formulas neutralised, numbers as they are. */
Test(report, csv_fields_by_hand)
{
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	const char *in[] = { "plain", "a,b", "say \"hi\"", "=SUM(A1)", "+cmd|x", "@x", "-0.5", "1e-3", " lead" };
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		csv_field(&k, in[i]);
		sink_puts(&k, "|");
	}
	cr_expect_str_eq(b.out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"'=SUM(A1)\"|\"'+cmd|x\"|\"'@x\"|-0.5|1e-3|\" lead\"|");
	sink_buffer_free(&b);
}
