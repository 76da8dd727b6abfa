/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Options, then the explorer on a terminal or the batch interpreter. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "main_stop.h"
#include "preset.h"
#include "sink.h"
#include "tui.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };
enum { OPT_SET = 256, OPT_PRESETS };

/* One -e or -f, kept in command-line order. */
struct action {
	bool is_file;
	const char *text;
};

static void usage(FILE *to)
{
	fputs("usage: moescope [OPTION]... [SCENARIO.yaml]...\n"
	      "Explore expert, tensor, pipeline and data parallelism for serving a\n"
	      "Mixture-of-Experts model: memory per GPU, TTFT, TPOT, throughput.\n"
	      "\n"
	      "  -e, --exec 'CMD; CMD'   run commands and exit (repeatable)\n"
	      "  -f, --script FILE       run a command file and exit ('-' = standard input)\n"
	      "  -o, --format FMT        output of show: text (default), json or csv\n"
	      "      --set KEY=VALUE     set an input after the files (repeatable)\n"
	      "      --presets           list the presets on the search path and exit\n"
	      "  -h, --help              print this help and exit\n"
	      "  -V, --version           print the version and exit\n"
	      "\n"
	      "Scenario files are merged left to right; a name instead of a path loads a\n"
	      "preset.  With no -e or -f, commands are read from standard input when it is not a\n"
	      "terminal; otherwise the default scenario is shown.  'help' lists the\n"
	      "commands, 'help keys' the inputs.\n"
	      "Exit status: 0 ok, 1 a command failed, 2 bad usage or unreadable input.\n",
	      to);
}

static void version(void)
{
	printf("moescope %s\n"
	       "Copyright (C) 2026 the moescope authors.\n"
	       "License GPL-3.0-or-later <https://gnu.org/licenses/gpl.html>.\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n",
	       PACKAGE_VERSION);
}

/* "moescope: ..." on stderr, what came from input made visible. */
__attribute__((format(printf, 1, 2)))
static void say_error(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fputs("moescope: ", stderr);
	sink_write_safe(stderr, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Each line of the error stream starts "moescope: ", however many writes
 * make it up. */
static void err_prefixed(void *ctx, const char *text, size_t len)
{
	static bool at_line_start = true;
	(void)ctx;
	fflush(stdout);
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) + 1 : len;
		if (at_line_start)
			fputs("moescope: ", stderr);
		sink_write_safe(stderr, text, n);
		at_line_start = nl != NULL;
		text += n;
		len -= n;
	}
}

/* The longest command line a script or standard input may hold. */
#define SCRIPT_LINE_MAX (1024 * 1024)

/* One line of a script, at most SCRIPT_LINE_MAX bytes: 1, 0 at the end, -1
 * for a line too long or one holding a NUL byte (which would cut it). */
static int read_line(FILE *in, char *buf, size_t *len)
{
	size_t n = 0;
	bool nul = false;
	int c;
	while ((c = getc(in)) != EOF && c != '\n') {
		if (n + 1 >= SCRIPT_LINE_MAX)
			return -2;
		if (c == '\0')
			nul = true;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*len = n;
	if (nul)
		return -1;
	return c == EOF && n == 0 ? 0 : 1;
}

static int run_stream(struct session *ss, FILE *in, const char *name)
{
	char *line = malloc(SCRIPT_LINE_MAX);
	long lineno = 0;
	int status = 0;
	size_t len;

	if (!line) {
		say_error("%s: out of memory\n", name);
		return EXIT_FAILED;
	}
	ss->source = name;
	while (!ss->quit) {
		int rc = read_line(in, line, &len);
		if (rc == 0)
			break;
		lineno++;
		if (rc < 0) {
			say_error("%s:%ld:%zu: %s\n", name, lineno, rc == -1 ? strlen(line) + 1 : (size_t)1,
				rc == -1 ? "a NUL byte: not a text line" : "a line longer than 1 MiB");
			status = EXIT_FAILED;
			break;
		}
		if (session_run_line(ss, line, lineno) != 0 || main_stop_interrupted()) {
			status = EXIT_FAILED;
			break;
		}
	}
	free(line);
	return status;
}

static int run_file(struct session *ss, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0)
		return run_stream(ss, stdin, "stdin");
	/* a pipe is a script too (moescope -f <(...)); a directory is not */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		say_error("%s: a directory, not a script\n", path);
		return EXIT_USAGE;
	}
	FILE *in = fopen(path, "r");
	if (!in) {
		say_error("%s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	int status = run_stream(ss, in, path);
	fclose(in);
	return status;
}

/* -e TEXT: each of its lines a command line (a newline inside it does not
 * end it silently). */
static int run_exec(struct session *ss, const char *text, long index)
{
	ss->source = "-e";
	for (const char *p = text;;) {
		size_t n = strcspn(p, "\n");
		char *line = strndup(p, n);
		if (!line)
			return EXIT_FAILED;
		int rc = session_run_line(ss, line, index);
		free(line);
		if (rc != 0 || main_stop_interrupted())
			return EXIT_FAILED;
		if (!p[n] || ss->quit)
			return 0;
		p += n + 1;
	}
}

static int parse_format(const char *name)
{
	if (strcmp(name, "text") == 0)
		return FMT_TEXT;
	if (strcmp(name, "json") == 0)
		return FMT_JSON;
	if (strcmp(name, "csv") == 0)
		return FMT_CSV;
	return -1;
}

static int apply_set(struct session *ss, const char *arg)
{
	char key[128], err[400];
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key) {
		say_error("--set %s: expected KEY=VALUE\n", arg);
		return -1;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	if (session_set(ss, key, eq + 1, err, sizeof err) != 0) {
		say_error("--set %s: %s\n", arg, err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "exec", required_argument, NULL, 'e' },
		{ "script", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "presets", no_argument, NULL, OPT_PRESETS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct action *actions = calloc((size_t)argc, sizeof *actions);
	const char **sets = calloc((size_t)argc, sizeof *sets);
	int n_actions = 0, n_sets = 0, format = FMT_TEXT, opt, status = 0;
	bool list_presets = false, session_ready = false;
	struct sink out;
	struct session ss;

	if (!actions || !sets) {
		fputs("moescope: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	while ((opt = getopt_long(argc, argv, "e:f:o:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
		case 'f':
			actions[n_actions].is_file = opt == 'f';
			actions[n_actions++].text = optarg;
			break;
		case 'o':
			format = parse_format(optarg);
			if (format < 0) {
				say_error("-o %s: expected text, json or csv\n", optarg);
				status = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_SET:
			sets[n_sets++] = optarg;
			break;
		case OPT_PRESETS:
			list_presets = true;
			break;
		case 'h':
			usage(stdout);
			goto out;
		case 'V':
			version();
			goto out;
		default:
			usage(stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	sink_stdio(&out);
	out.err = err_prefixed;
	session_init(&ss, &out);
	session_ready = true;
	ss.format = format;
	if (list_presets) {
		ss.source = "--presets";
		status = session_run_line(&ss, "presets", 1) ? EXIT_FAILED : 0;
		goto out;
	}
	session_load_begin(&ss);
	for (int i = optind; i < argc; i++) {
		char err[1024];
		if (session_load_next(&ss, argv[i], err, sizeof err) != 0) {
			say_error("%s\n", err);
			status = EXIT_USAGE;
			goto out;
		}
	}
	session_load_end(&ss);
	for (int i = 0; i < n_sets; i++) {
		if (apply_set(&ss, sets[i]) != 0) {
			status = EXIT_USAGE;
			goto out;
		}
	}

	if (n_actions > 0 || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		main_stop_install(&ss.stop);   /* the explorer has its own */
	if (n_actions == 0) {
		if (!isatty(STDIN_FILENO)) {
			status = run_stream(&ss, stdin, "stdin");
		} else if (isatty(STDOUT_FILENO)) {
			status = tui_main(&ss.scn);
			goto out;
		} else {
			/* a terminal to read from but not to draw on: print */
			ss.source = "default";
			status = session_run_line(&ss, "show", 1) ? EXIT_FAILED : 0;
		}
	}
	for (int i = 0; i < n_actions && !status && !ss.quit; i++) {
		if (actions[i].is_file) {
			status = run_file(&ss, actions[i].text);
		} else {
			status = run_exec(&ss, actions[i].text, i + 1);
		}
	}
	if (!status && ss.contradicted)
		status = EXIT_FAILED;
	if (fflush(stdout) != 0 && !status) {
		say_error("writing output: %s\n", strerror(errno));
		status = EXIT_FAILED;
	}
out:
	if (session_ready)
		session_free(&ss);
	free(actions);
	free(sets);
	if (main_stop_interrupted())
		main_stop_exit();
	return status;
}
