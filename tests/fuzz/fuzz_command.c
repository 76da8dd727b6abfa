/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command interpreter, one line on a fresh scenario.  Commands that
 * write files or run a full search (search, frontier, recommend) are left
 * out: they have their own tests, and the fuzzer must neither litter the
 * disk nor wait on it. */
#include "config.h"

#include <stdint.h>

#include "command.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session ss;
	struct sink_buffer b;
	struct sink k;
	char line[4096];

	if (size >= sizeof line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	/* the words as the interpreter will join them: quotes and escapes
	 * out ("d""ag" is dag) */
	char bare[sizeof line];
	size_t n = 0;
	for (const char *p = line; *p; p++)
		if (*p != '"' && *p != '\'' && *p != '\\')
			bare[n++] = *p;
	bare[n] = '\0';
	if (strstr(bare, "save") || strstr(bare, "dag") || strstr(bare, "search") || strstr(bare, "load") ||
	    strstr(bare, "frontier") || strstr(bare, "recommend"))
		return 0;
	/* A sweep evaluates and prints up to a thousand points: run one input
	 * in four of them, so the fuzzer keeps its pace on everything else. */
	if (strstr(bare, "sweep") && size % 4 != 0)
		return 0;
	sink_buffer_init(&b, &k);
	session_init(&ss, &k);
	ss.source = "fuzz";
	ss.format = size % 3 == 0 ? FMT_JSON : size % 3 == 1 ? FMT_CSV : FMT_TEXT;
	session_run_line(&ss, line, 1);
	/* in JSON mode every line that opens an object is a JSON document */
	if (ss.format == FMT_JSON)
		for (char *line_start = b.out; line_start && *line_start;) {
			char *nl = strchr(line_start, '\n');
			if (nl)
				*nl = '\0';
			if (*line_start == '{')
				fuzz_check_json(line_start);
			line_start = nl ? nl + 1 : NULL;
		}
	fuzz_evaluate(&ss.scn, size);
	session_free(&ss);
	sink_buffer_free(&b);
	return 0;
}
