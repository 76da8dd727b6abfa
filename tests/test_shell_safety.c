/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nothing from input reaches an exported script as shell: names with line
 * breaks or controls are refused where they come in, and a script made of
 * hostile but valid names runs exactly the engine command, with the
 * arguments as written, under bash with stub engines. */
#include "helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "export_engine.h"
#include "import_hf.h"
#include "name_text.h"
#include "numfmt.h"
#include "preset.h"
#include "serve.h"

Test(shell_safety, a_name_holds_no_control_nor_invalid_utf8)
{
	cr_expect_eq(name_bad_byte("deepseek-ai/DeepSeek-R1"), -1);
	cr_expect_eq(name_bad_byte("p\xE2\x82\xAC"), -1);               /* p€ */
	cr_expect_eq(name_bad_byte("x\ntouch pwned"), 1);
	cr_expect_eq(name_bad_byte("ab\t"), 2);
	cr_expect_eq(name_bad_byte("\x7F"), 0);
	cr_expect_eq(name_bad_byte("a\xC2\x85"), 1);                    /* U+0085, a C1 control */
	cr_expect_eq(name_bad_byte("a\xE2\x82"), 1);                    /* cut sequence */
	cr_expect_eq(name_bad_byte("\xC0\xAF"), 0);                     /* overlong '/' */
	cr_expect_eq(name_bad_byte("\xED\xA0\x80"), 0);                 /* a surrogate */
	cr_expect_eq(name_bad_byte("\xF4\x90\x80\x80"), 0);             /* past U+10FFFF */
	char buf[64];
	name_visible("x\ntouch\x1b[2J", buf, sizeof buf);
	cr_expect_str_eq(buf, "x\\x0Atouch\\x1B[2J");
	name_visible("\n\n\n", buf, 9);   /* cut whole, never mid-escape */
	cr_expect_str_eq(buf, "\\x0A\\x0A");
}

Test(shell_safety, set_refuses_a_line_break_and_an_option_for_an_id)
{
	struct session_fixture f;
	char err[400];
	fixture_open(&f, FMT_TEXT);
	cr_expect_neq(session_set(&f.ss, "model.name", "x\ntouch pwned;#", err, sizeof err), 0);
	cr_expect(strstr(err, "model.name: a name may not hold a line break") != NULL, "%s", err);
	cr_expect(strstr(err, "x\\x0Atouch") != NULL, "the name is shown visibly: %s", err);
	cr_expect(strchr(err, '\n') == NULL, "%s", err);
	cr_expect_str_eq(f.ss.scn.model.name, "seed-10b-moe", "nothing changed");
	cr_expect_neq(session_set(&f.ss, "model.hf_id", "--trust-remote-code", err, sizeof err), 0);
	cr_expect(strstr(err, "may not start with '-'") != NULL, "%s", err);
	cr_expect_eq(session_set(&f.ss, "hardware.name", "H200 \"SXM\" $(x) `y`", err, sizeof err), 0, "%s", err);
	fixture_close(&f);
}

Test(shell_safety, a_preset_with_a_line_break_in_a_name_loads_nothing)
{
	struct scenario s, before;
	char err[600];
	scenario_default(&s);
	before = s;
	const char *doc = "model:\n  name: \"x\\ntouch pwned;#\"\n";
	cr_expect_neq(preset_load_buffer(&s, "e.yaml", doc, strlen(doc), err, sizeof err), 0);
	cr_expect(strstr(err, "e.yaml:2:9: model.name: a name may not hold") != NULL, "%s", err);
	cr_expect(memcmp(&s, &before, sizeof s) == 0, "no half-applied preset");
}

Test(shell_safety, a_config_json_id_with_a_line_break_or_a_dash_is_refused)
{
	struct model m;
	char ignored[200], err[600];
	const char *base = "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
			   "\"num_attention_heads\": 32, \"num_key_value_heads\": 8, \"intermediate_size\": 14336, "
			   "\"vocab_size\": 128256, \"_name_or_path\": ";
	char doc[600];
	snprintf(doc, sizeof doc, "%s\"a/b\\ntouch pwned\"}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "c.json: '_name_or_path': a name may not hold a line break") != NULL, "%s", err);
	snprintf(doc, sizeof doc, "%s\"--trust-remote-code\"}", base);
	cr_expect_neq(import_hf_buffer("c.json", doc, strlen(doc), &m, ignored, sizeof ignored, err, sizeof err), 0);
	cr_expect(strstr(err, "may not start with '-'") != NULL, "%s", err);
	/* without an id the name comes from the path, made safe */
	snprintf(doc, sizeof doc, "%snull}", base);
	cr_expect_eq(import_hf_buffer("--x\n;y/config.json", doc, strlen(doc), &m, ignored, sizeof ignored, err,
				      sizeof err), 0, "%s", err);
	cr_expect_str_eq(m.name, "x-;y");   /* the directory, made safe */
	cr_expect_eq(import_hf_buffer("--my\nmodel.json", doc, strlen(doc), &m, ignored, sizeof ignored, err,
				      sizeof err), 0, "%s", err);
	cr_expect_str_eq(m.name, "my-model");
}

Test(shell_safety, export_refuses_an_id_that_would_be_an_option)
{
	static struct scenario s;
	static struct engine_command c;
	char err[600];
	scenario_default(&s);
	s.strat.dp = 1;
	s.strat.tp = 8;
	s.strat.ep = 8;
	strcpy(s.model.hf_id, "--trust-remote-code");   /* built in code, past the key table */
	for (int e = ENGINE_VLLM; e < ENGINE_COUNT; e++) {
		cr_expect_neq(engine_export(e, &s, &c, err, sizeof err), 0);
		cr_expect(strstr(err, "model.hf_id '--trust-remote-code' starts with '-'") != NULL, "%s", err);
	}
	strcpy(s.model.hf_id, "a\nb");
	cr_expect_neq(engine_export(ENGINE_VLLM, &s, &c, err, sizeof err), 0);
}

/* ---- the property: a script of hostile names runs exactly the command ---- */

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Pieces a careless user or an attacker puts in a name. */
static const char *const pieces[] = {
	"'", "\"", "$", "`", "\\", ";", "|", "&", "<", ">", "(", ")", "*", "?", "[", "]", "{", "}", "~", "#",
	"!", " ", "-", "--", "=", "%", ",", ":", "/", ".", "a", "Z", "0", "$(touch pwned)", "`touch pwned`",
	"'; touch pwned; '", "EOF", "\nEOF\n", "\n", "\r", "\t", "\x1b[2J", "\x7f", "\xE2\x82\xAC", "\xC3\xA9",
	"\xC2\x85", "\xFF", "\xE2\x82", "${IFS}", "!!", "\\\n", "*/", "-e", "--help",
};

static void random_name(char *out, size_t len)
{
	size_t n = 0;
	unsigned k = 1 + rnd(6);
	out[0] = '\0';
	for (unsigned i = 0; i < k; i++) {
		const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
		if (n + strlen(p) + 1 >= len)
			break;
		strcpy(out + n, p);
		n += strlen(p);
	}
}

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	cr_assert(f != NULL, "%s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

/* Run bash SCRIPT in dir with the stubs first on PATH; its exit status. */
static int run_script(const char *dir, const char *stubs)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char path[1200];
		snprintf(path, sizeof path, "%s:%s", stubs, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
		setenv("PATH", path, 1);
		if (chdir(dir) != 0)
			_exit(126);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		/* nothing of the test runner's (its pipes, make's jobserver)
		 * reaches the script */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execlp("bash", "bash", "l.sh", (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Remove a directory of plain files (and one level of directories). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char path[1200];
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			remove_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

/* The files in dir other than the script, the stub's record and the
 * options file: what a script must not make. */
static int stray_files(const char *dir, const char *options_file)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		const char *f = e->d_name;
		if (!strcmp(f, ".") || !strcmp(f, "..") || !strcmp(f, "l.sh") || !strcmp(f, "argv.out") ||
		    (options_file[0] && !strcmp(f, options_file)))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

Test(shell_safety, a_script_of_hostile_names_runs_exactly_the_engine_command, .timeout = 120)
{
	static struct engine_command c;
	static char got[ENGINE_ARGS_MAX * ENGINE_ARG_LEN];
	struct session_fixture f;
	char root[] = "/tmp/moescope-shell-XXXXXX", stubs[600], dir[600], err[600], line[800], name[160];
	cr_assert(mkdtemp(root) != NULL);
	snprintf(stubs, sizeof stubs, "%s/bin", root);
	snprintf(dir, sizeof dir, "%s/run", root);
	mkdir(stubs, 0700);
	/* each stub records its name and its arguments, each ended by a NUL */
	const char *stub = "#!/bin/sh\n{ printf '%s\\0' \"${0##*/}\"; for a in \"$@\"; do printf '%s\\0' \"$a\"; "
			   "done; } > argv.out\n";
	for (const char *const *e = (const char *const[]){ "vllm", "python3", "trtllm-serve", NULL }; *e; e++) {
		char p[700];
		snprintf(p, sizeof p, "%s/%s", stubs, *e);
		write_file(p, stub, 0755);
	}
	fixture_open(&f, FMT_TEXT);
	cr_assert_eq(session_run_line(&f.ss, "load h200 deepseek-r1; strategy TP8 EP8", 1), 0);
	int ran = 0, refused = 0;
	const char *keys[] = { "model.name", "hardware.name", "model.hf_id" };
	for (int round = 0; round < 120; round++) {
		const char *key = keys[rnd(3)];
		random_name(name, sizeof name);
		bool valid = name_bad_byte(name) < 0 && name[0] != '-' && strlen(name) < NAME_MAX_LEN;
		int rc = session_set(&f.ss, key, name, err, sizeof err);
		cr_expect_eq(rc == 0, valid, "%s '%s': %s", key, name, err);
		if (rc != 0) {
			refused++;
			continue;
		}
		int engine = ENGINE_VLLM + round % 3;
		mkdir(dir, 0700);
		snprintf(line, sizeof line, "export %s %s/l.sh", serve_engine_name(engine), dir);
		cr_assert_eq(session_run_line(&f.ss, line, 1), 0, "%s", f.buf.err ? f.buf.err : "");
		cr_assert_eq(engine_export(engine, &f.ss.scn, &c, err, sizeof err), 0, "%s", err);
		cr_expect_eq(run_script(dir, stubs), 0, "%s '%s' under %s", key, name, line);
		/* the record is exactly the command's words */
		snprintf(line, sizeof line, "%s/argv.out", dir);
		FILE *in = fopen(line, "rb");
		cr_assert(in != NULL, "the engine did not run: %s '%s'", key, name);
		size_t n = fread(got, 1, sizeof got, in);
		fclose(in);
		size_t at = 0;
		for (int i = 0; i < c.argc; i++) {
			size_t w = strlen(c.argv[i]);
			cr_assert(at + w < n && !memcmp(got + at, c.argv[i], w) && got[at + w] == '\0',
				  "word %d '%s' for %s '%s'", i, c.argv[i], key, name);
			at += w + 1;
		}
		cr_expect_eq(at, n, "no word more than the command's, %s '%s'", key, name);
		cr_expect_eq(stray_files(dir, c.options_file), 0, "the script made a file: %s '%s'", key, name);
		remove_tree(dir);
		ran++;
	}
	cr_expect_gt(ran, 30);
	cr_expect_gt(refused, 30);
	fixture_close(&f);
	remove_tree(root);
}

/* Round trips: every key at its bounds, its special words and, for names,
 * hostile values goes set -> save -> load -> get and reads back the same;
 * what set refuses changes nothing. */
Test(shell_safety, every_key_round_trips_through_a_saved_file, .timeout = 120)
{
	char dir[] = "/tmp/moescope-trip-XXXXXX", path[128], err[600], written[256];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s.yaml", dir);
	const char *names[] = { "a b", "'x'", "\"q\"", "#c", ": y", "p\xE2\x82\xAC", "null", "~", "true", "123",
				"yes", "[a]", "{b}", "x: y", "&anchor", "*alias", "!tag", "%d", "@at", "`tick`", "a,b" };
	const char *words[] = { "auto", "default", "none", "<= 1", ">= 2" };
	int trips = 0;
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->flags & KF_NOSAVE)
			continue;
		char vals[32][128];
		int nv = 0;
		if (k->type == KT_STRING) {
			for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
				snprintf(vals[nv++], sizeof vals[0], "%s", names[j]);
		} else if (k->type == KT_ENUM) {
			for (const char *const *c = k->choices; *c && nv < 30; c++)
				snprintf(vals[nv++], sizeof vals[0], "%s", *c);
		} else if (k->type == KT_BOOL) {
			snprintf(vals[nv++], sizeof vals[0], "true");
			snprintf(vals[nv++], sizeof vals[0], "false");
		} else if (k->type == KT_DTYPE) {
			snprintf(vals[nv++], sizeof vals[0], "fp8");
		} else {
			fmt_exact(k->min, vals[nv++], sizeof vals[0]);
			fmt_exact(k->max, vals[nv++], sizeof vals[0]);
			for (size_t j = 0; j < sizeof words / sizeof words[0]; j++)
				snprintf(vals[nv++], sizeof vals[0], "%s", words[j]);
		}
		for (int v = 0; v < nv; v++) {
			struct session_fixture a, b;
			fixture_open(&a, FMT_TEXT);
			fixture_open(&b, FMT_TEXT);
			static struct scenario before;
			before = a.ss.scn;
			if (session_set(&a.ss, k->name, vals[v], err, sizeof err) != 0) {
				cr_expect(memcmp(&before, &a.ss.scn, sizeof before) == 0, "%s '%s' refused but changed", k->name,
					  vals[v]);
				fixture_close(&a);
				fixture_close(&b);
				continue;
			}
			cr_assert_eq(session_save(&a.ss, path, true, written, sizeof written, err, sizeof err), 0, "%s '%s': %s",
				     k->name, vals[v], err);
			cr_expect_eq(session_load(&b.ss, path, err, sizeof err), 0, "%s '%s' saved but does not load: %s",
				     k->name, vals[v], err);
			char got_a[256], got_b[256];
			key_get(&a.ss.scn, k, got_a, sizeof got_a);
			key_get(&b.ss.scn, k, got_b, sizeof got_b);
			cr_expect_str_eq(got_b, got_a, "%s '%s'", k->name, vals[v]);
			trips++;
			fixture_close(&a);
			fixture_close(&b);
		}
	}
	cr_expect_gt(trips, 300);
	remove(path);
	rmdir(dir);
}
