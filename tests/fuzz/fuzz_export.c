/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exported launch scripts: names and a key's value from any bytes, set as
 * `set` sets them (or refused, changing nothing), then each engine's export
 * of three plans (one host; several hosts with their prelude; prefill and
 * decode pools with a router).  The script holds no control byte but its
 * line breaks, and every byte of a name lands where the shell reads it as
 * data: single-quoted, in a comment, or in a quoted here document, never
 * where it could expand, split a word or end a command. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "command.h"
#include "fuzz_common.h"
#include "keys.h"
#include "preset.h"
#include "scenario_resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the shell is at a byte of a script. */
enum where { CODE, QUOTING, SINGLE, DOUBLE, ESCAPED, COMMENT, BODY_QUOTED, BODY_OPEN };

static bool word_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')';
}

/* Each byte's place, by the POSIX shell's quoting rules as far as a
 * script of moescope's uses them: quotes, backslashes, comments at the
 * start of a word, and here documents (<<'D' or <<D) whose body runs from
 * the next line to a line that is D alone. */
static void places(const char *s, size_t n, unsigned char *at)
{
	enum where w = CODE;
	char delim[32] = "", pending[32] = "";
	bool pending_quoted = false, quoted = false;
	size_t line = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (w == BODY_QUOTED || w == BODY_OPEN) {
			if (i == line) {
				size_t len = strcspn(s + i, "\n");
				if (len == strlen(delim) && !strncmp(s + i, delim, len)) {
					for (size_t j = i; j < i + len; j++)
						at[j] = CODE;
					i += len;
					at[i < n ? i : n - 1] = CODE;
					w = CODE;
					line = i + 1;
					continue;
				}
			}
			at[i] = (unsigned char)w;
			if (c == '\n')
				line = i + 1;
			continue;
		}
		switch (w) {
		case SINGLE:
			at[i] = SINGLE;
			if (c == '\'') {
				at[i] = QUOTING;
				w = CODE;
			}
			continue;
		case DOUBLE:
			at[i] = DOUBLE;
			if (c == '\\' && i + 1 < n) {
				at[i] = QUOTING;
				at[++i] = ESCAPED;
			} else if (c == '"') {
				at[i] = QUOTING;
				w = CODE;
			}
			continue;
		case COMMENT:
			at[i] = COMMENT;
			if (c != '\n')
				continue;
			w = CODE;
			break;
		default:
			break;
		}
		at[i] = CODE;
		if (c == '\\' && i + 1 < n) {
			at[i] = QUOTING;
			at[++i] = ESCAPED;
			continue;
		}
		if (c == '\'') {
			at[i] = QUOTING;
			w = SINGLE;
		} else if (c == '"') {
			at[i] = QUOTING;
			w = DOUBLE;
		}
		else if (c == '#' && (i == 0 || word_end(s[i - 1])))
			w = COMMENT;
		else if (c == '<' && i + 1 < n && s[i + 1] == '<') {
			/* the delimiter word: quoted means a body without expansion */
			size_t j = i + 2;
			while (j < n && s[j] == ' ')
				j++;
			quoted = j < n && (s[j] == '\'' || s[j] == '"');
			size_t k = 0;
			for (; j < n && !word_end(s[j]) && k + 1 < sizeof pending; j++)
				if (s[j] != '\'' && s[j] != '"')
					pending[k++] = s[j];
			pending[k] = '\0';
			pending_quoted = quoted;
		}
		if (c == '\n') {
			line = i + 1;
			if (pending[0]) {
				snprintf(delim, sizeof delim, "%s", pending);
				pending[0] = '\0';
				w = pending_quoted ? BODY_QUOTED : BODY_OPEN;
			}
		}
	}
}

/* A byte the shell reads as itself outside quotes. */
static bool plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_./:=@%+,-", c);
}

#define OPEN "Zq["
#define CLOSE "]qZ"

/* Every name between its marks: where it lands, the shell reads it as
 * data (quotes and escaping backslashes are the quoting itself). */
static void check_script(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
	static unsigned char at[1 << 20];
	if (n > sizeof at)
		abort();
	places(s, n, at);
	for (const char *p = s; (p = strstr(p, OPEN));) {
		const char *end = strstr(p, CLOSE);
		if (!end)
			abort();   /* a name cut short */
		for (const char *q = p; q < end + strlen(CLOSE); q++) {
			enum where w = at[q - s];
			if ((w == CODE && !plain(*q)) || (w == DOUBLE && strchr("$`\\\"", *q)) || w == BODY_OPEN)
				abort();
		}
		p = end + strlen(CLOSE);
	}
}

/* The plans, loaded once: what a user exports. */
static struct scenario plans[3];

static void load_plans(void)
{
	static bool done;
	char err[600];
	if (done)
		return;
	static const char *const docs[3] = {
		"hardware: h200\nmodel: deepseek-r1\nstrategy: {dp: 1, tp: 8, ep: 8}\n",
		"hardware: gb200-nvl72\nmodel: gpt-oss-120b\nstrategy: {dp: 16, tp: 1, ep: 16}\n"
		"workload: {mode: serving, batch: 256}\n",
		"hardware: h100-sxm\nmodel: llama-3.1-70b\nstrategy: {dp: 1, tp: 4}\n"
		"workload: {mode: disagg, batch: 64}\n",
	};
	for (int i = 0; i < 3; i++) {
		scenario_default(&plans[i]);
		if (preset_load_buffer(&plans[i], "plan", docs[i], strlen(docs[i]), err, sizeof err) != 0) {
			fprintf(stderr, "fuzz_export: %s\n", err);
			abort();
		}
	}
	done = true;
}

/* A value set as `set` sets it: taken, or refused with a reason and the
 * scenario as it was. */
static void set_value(struct scenario *s, const char *key, const char *value)
{
	const struct key *k = key_find(key);
	if (!k)
		return;
	static struct scenario before;
	before = *s;
	char err[600] = "";
	if (key_set(s, k, value, err, sizeof err) != 0 && (!err[0] || memcmp(&before, s, sizeof before) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session ss;
	char fields[4][600];
	if (size < 2 || size > 2000)
		return 0;
	load_plans();
	/* the fields after the two choosing bytes, split at NUL */
	int nf = 0;
	size_t at = 2;
	while (nf < 4 && at <= size) {
		size_t len = 0;
		while (at + len < size && data[at + len] && len + 1 < sizeof fields[0])
			len++;
		memcpy(fields[nf], data + at, len);
		fields[nf][len] = '\0';
		if (strstr(fields[nf], "Zq") || strstr(fields[nf], "qZ"))
			return 0;   /* the marks must be the harness's own */
		nf++;
		at += len + 1;
	}
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	session_init(&ss, &k);
	ss.source = "fuzz";
	ss.scn = plans[data[0] % 3];
	static const char *const names[3] = { "model.name", "hardware.name", "model.hf_id" };
	char marked[700];
	for (int i = 0; i < nf && i < 3; i++) {
		snprintf(marked, sizeof marked, OPEN "%s" CLOSE, fields[i]);
		set_value(&ss.scn, names[i], marked);
	}
	/* the fourth field: "key value", any key of the table */
	if (nf == 4) {
		char *sp = strchr(fields[3], ' ');
		if (sp) {
			*sp = '\0';
			set_value(&ss.scn, fields[3], sp + 1);
		}
	}
	static const char *const engines[3] = { "export vllm", "export sglang", "export trtllm" };
	ss.format = FMT_TEXT;
	if (session_run_line(&ss, engines[data[1] % 3], 1) == 0)
		check_script(b.out);
	session_free(&ss);
	sink_buffer_free(&b);
	return 0;
}
