/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command interpreter, one line on a fresh scenario, every command
 * included: files are written in a scratch directory the harness works in
 * (names with a slash or ~ are left out, so nothing lands elsewhere), and
 * the searches, which evaluate thousands of strategies, run alone on a line
 * for one input in 32.  No text output ever shows a bare nan or inf. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A search over thousands of GPUs takes seconds built for speed and
 * minutes under the sanitizers: stop it after two seconds, as a user
 * would with Esc, which puts the stopped path under the fuzzer too. */
static bool deadline(void *ctx, long visited)
{
	double *start = ctx;
	if (visited <= 1024)
		*start = now_s();
	return now_s() - *start > 2.0;
}

/* A word of text output that is nan or inf (with a sign or a % sign). */
static void check_text(const char *text)
{
	const char *p = text;
	while (*p) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		const char *w = p;
		while (isalnum((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - w);
		if ((n == 3 && (!strncmp(w, "nan", 3) || !strncmp(w, "inf", 3))) || (n == 8 && !strncmp(w, "infinity", 8)))
			abort();
	}
}

static int occurrences(const char *text, const char *word)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, word)); p += strlen(word))
		n++;
	return n;
}

/* Work in a scratch directory; empty it now and then. */
static void scratch(void)
{
	static char dir[64];
	static unsigned runs;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/moescope-fuzz-XXXXXX");
		if (!mkdtemp(dir) || chdir(dir) != 0)
			abort();
	}
	if (++runs % 1000)
		return;
	DIR *d = opendir(".");
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' || (e->d_name[1] && (e->d_name[1] != '.' || e->d_name[2])))
			unlink(e->d_name);
	if (d)
		closedir(d);
}

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
	bool writes = strstr(bare, "save") || strstr(bare, "dag") || strstr(bare, "export") || strstr(bare, "import") ||
		      strstr(bare, "load") || strstr(bare, "validate") || strstr(bare, "calibrate") || strstr(bare, "plot") ||
		      strstr(bare, "compare");
	if (writes && (strchr(bare, '/') || strchr(bare, '~')))
		return 0;
	/* A search, frontier or recommend evaluates thousands of strategies
	 * (a frontier under the sanitizers takes most of a second) and adds
	 * little coverage a second: one of them a line, for one input in 32,
	 * so that the fuzzer keeps its pace on the interpreter. */
	int searches = occurrences(bare, "search") + occurrences(bare, "frontier") + occurrences(bare, "recommend") +
		       occurrences(bare, "compare");
	if (searches > 1 || (searches == 1 && size % 32 != 0))
		return 0;
	scratch();
	/* A sweep evaluates and prints up to a thousand points: run one input
	 * in four of them, so the fuzzer keeps its pace on everything else. */
	if (strstr(bare, "sweep") && size % 4 != 0)
		return 0;
	sink_buffer_init(&b, &k);
	session_init(&ss, &k);
	ss.source = "fuzz";
	static double started;
	ss.stop.fn = deadline;
	ss.stop.ctx = &started;
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
	/* no bare nan or inf in text, unless the input wrote one */
	if (ss.format == FMT_TEXT && !strcasestr(bare, "nan") && !strcasestr(bare, "inf"))
		check_text(b.out);
	fuzz_evaluate(&ss.scn, size);
	session_free(&ss);
	sink_buffer_free(&b);
	return 0;
}
