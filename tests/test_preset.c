/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scenario YAML: every shipped preset, round trips, strict errors, atomic saves. */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_id.h"
#include "preset.h"

/* Every key as text: two scenarios are the same when these match. */
static void key_dump(const struct scenario *s, char *buf, size_t len)
{
	size_t n = 0;
	char v[128];
	for (size_t i = 0; i < key_count && n < len; i++) {
		key_get(s, &key_table[i], v, sizeof v);
		n += (size_t)snprintf(buf + n, len - n, "%s=%s\n", key_table[i].name, v);
	}
}

static void expect_same(const struct scenario *a, const struct scenario *b, const char *what)
{
	static char da[8192], db[8192];
	key_dump(a, da, sizeof da);
	key_dump(b, db, sizeof db);
	cr_expect_str_eq(da, db, "%s", what);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/moescope-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

struct walk {
	int count[PK_COUNT];
};

static void check_one(void *ctx, int kind, const char *name, const char *path)
{
	struct walk *w = ctx;
	struct scenario s, back;
	struct result r;
	char err[1024], saved[256];

	w->count[kind]++;
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, name, err, sizeof err), 0, "%s: %s", path, err);
	snprintf(saved, sizeof saved, "%s/%s-%s.yaml", tmpdir, preset_kind_dir(kind), name);
	cr_assert_eq(preset_save_file(&s, saved, err, sizeof err), 0, "%s", err);
	scenario_default(&back);
	back.strat.tp = 2;   /* differs before loading */
	cr_assert_eq(preset_load_file(&back, saved, err, sizeof err), 0, "%s", err);
	expect_same(&s, &back, path);

	cost_evaluate(&s, &r);
	cr_expect(r.params_ok, "%s: the model does not evaluate (%d)", path, r.bad_model);
	if (kind == PK_MODELS) {
		cr_expect_str_eq(s.model.name, name, "%s", path);
		expect_rel(r.params.total, s.model.params_b * 1e9, 0.05);
	}
	if (kind == PK_HARDWARE)
		cr_expect_str_eq(s.hw.name, name, "%s", path);
}

Test(preset, every_shipped_preset_loads_and_round_trips, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct walk w = { { 0 } };
	preset_list(check_one, &w);
	cr_expect_geq(w.count[PK_HARDWARE], 8);
	cr_expect_geq(w.count[PK_MODELS], 15);
	cr_expect_geq(w.count[PK_SCENARIOS], 5);
}

Test(preset, default_scenario_round_trips_exactly, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct scenario s, back;
	char err[1024], path[128];
	scenario_default(&s);
	s.hw.mfu = 0.1 + 0.2;              /* not a short decimal */
	s.req.tpot_ms = 35.5;
	s.claims.ttft_s = 0;
	snprintf(s.name, sizeof s.name, "odd: name # with 'quotes'");
	snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
	cr_assert_eq(preset_save_file(&s, path, err, sizeof err), 0, "%s", err);
	scenario_default(&back);
	cr_assert_eq(preset_load_file(&back, path, err, sizeof err), 0, "%s", err);
	expect_same(&s, &back, "round trip");
	cr_expect_eq(back.hw.mfu, 0.1 + 0.2);
	cr_expect_str_eq(back.name, s.name);
}

Test(preset, named_sections_replace_and_mappings_merge)
{
	struct scenario s;
	char err[1024];
	scenario_default(&s);
	s.hw.tflops_fp4 = 123;
	const char *doc = "hardware: h100-sxm\n"
			  "model:\n  preset: mixtral-8x7b\n  kv_bytes: fp8\n"
			  "strategy: EP8_TP8\n"
			  "workload: {batch: 32}\n";
	cr_assert_eq(preset_load_buffer(&s, "doc", doc, strlen(doc), err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(s.hw.name, "h100-sxm");
	cr_expect_eq(s.hw.tflops_fp4, 0);            /* replaced, not merged */
	cr_expect_eq(s.hw.mem_gib, 80);
	cr_expect_eq(s.model.experts, 8);
	cr_expect_eq(s.model.kv_bytes, 1);
	cr_expect_eq(s.model.weight_bytes, 2);
	cr_expect_eq(s.strat.tp, 8);
	cr_expect_eq(s.strat.ep, 8);
	cr_expect_eq(s.strat.dp, 1);
	cr_expect_eq(s.work.batch, 32);
	cr_expect_eq(s.work.prompt_len, 2048);       /* untouched keys stay */

	const char *later = "strategy: {tp: 4}\nworkload: {seq: 4096, out: 128, mb: 2}\n";
	cr_assert_eq(preset_load_buffer(&s, "later", later, strlen(later), err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.strat.tp, 4);
	cr_expect_eq(s.strat.ep, 8);
	cr_expect_eq(s.work.prompt_len, 4096);   /* aliases work in files too */
	cr_expect_eq(s.work.output_len, 128);
	cr_expect_eq(s.work.microbatches, 2);
}

Test(preset, load_by_name_finds_each_kind)
{
	struct scenario s;
	char err[1024];
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "b200", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.hw.tflops_fp4, 9000);
	cr_assert_eq(preset_load(&s, "deepseek-v3", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.model.attention, ATTN_MLA);
	cr_assert_eq(preset_load(&s, "seed-report-001", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.strat.pp, 4);
	cr_expect_eq(s.claims.gpus, 128);
	cr_expect_eq(preset_load(&s, "no-such-thing", err, sizeof err), -1);
	cr_expect(strstr(err, "no such file or preset") != NULL, "%s", err);
}

Test(preset, search_path_prefers_the_environment, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct scenario s;
	char err[1024], dir[128], file[160];
	snprintf(dir, sizeof dir, "%s/hardware", tmpdir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(file, sizeof file, "%s/h100-sxm.yaml", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("hardware: {mem_gib: 96}\n", f);
	fclose(f);
	char env[512];
	snprintf(env, sizeof env, "%s:%s", tmpdir, getenv("MOESCOPE_PRESETS"));
	setenv("MOESCOPE_PRESETS", env, 1);
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "h100-sxm", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.hw.mem_gib, 96);
	cr_expect_str_eq(s.hw.name, "h100-sxm");
	cr_assert_eq(preset_load(&s, "h200", err, sizeof err), 0, "%s", err);
	cr_expect_eq(s.hw.mem_gib, 141);
}

/* A model id finds the preset that names it, and finds it no longer once
 * the file says another id: what is remembered between lookups follows
 * the file. */
Test(preset, model_ids_follow_their_files, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char dir[128], file[160], out[NAME_MAX_LEN];
	snprintf(dir, sizeof dir, "%s/models", tmpdir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(file, sizeof file, "%s/house-moe.yaml", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("model:\n  hf_id: acme/Alpha-1\n", f);
	fclose(f);
	char env[512];
	snprintf(env, sizeof env, "%s:%s", tmpdir, getenv("MOESCOPE_PRESETS"));
	setenv("MOESCOPE_PRESETS", env, 1);
	cr_assert_eq(model_id_preset("acme/alpha-1", out, sizeof out), 0);
	cr_expect_str_eq(out, "house-moe");
	cr_expect_eq(model_id_preset("acme/Beta-22", out, sizeof out), -1);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("model:\n  hf_id: acme/Beta-22\n", f);
	fclose(f);
	cr_expect_eq(model_id_preset("acme/Alpha-1", out, sizeof out), -1);
	cr_assert_eq(model_id_preset("acme/Beta-22", out, sizeof out), 0);
	cr_expect_str_eq(out, "house-moe");
	/* a shipped preset by its id, and by its name's beginning */
	cr_assert_eq(model_id_preset("deepseek-ai/DeepSeek-R1", out, sizeof out), 0);
	cr_expect_str_eq(out, "deepseek-r1");
}

struct bad_case {
	const char *yaml;
	const char *expect;   /* a substring of the message, with its line:col */
};

static const struct bad_case bad_cases[] = {
	{ "", "bad.yaml:1:1: empty file: expected a mapping of sections" },
	{ "- a\n- b\n", "bad.yaml:1:1: expected a mapping of sections" },
	{ "strategy:\n  epp: 8\n", "bad.yaml:2:3: unknown key 'epp' in strategy; did you mean 'ep'? valid: dp tp pp ep etp overlap imbalance" },
	{ "hardwre: {}\n", "bad.yaml:1:1: unknown section 'hardwre'; did you mean 'hardware'?" },
	{ "strategy:\n  tp: 4\n  tp: 8\n", "bad.yaml:3:3: duplicate key 'tp' (first at line 2)" },
	{ "strategy:\n  tp: banana\n", "bad.yaml:2:7: strategy.tp: expected an integer from 1 to 4096, got 'banana'" },
	{ "strategy:\n  tp: 2.5\n", "bad.yaml:2:7: strategy.tp: expected an integer" },
	{ "hardware:\n  mfu: 1.5\n", "bad.yaml:2:8: hardware.mfu: expected a number above 0 up to 1" },
	{ "hardware:\n  mfu: [1, 2]\n", "bad.yaml:2:8: hardware.mfu must be a number above 0 up to 1, not a list" },
	{ "strategy: {dp: 2\n", "bad.yaml:2:1: YAML syntax: did not find expected ',' or '}'" },
	{ "name: a\nname: b\n", "bad.yaml:2:1: duplicate key 'name' (first at line 1)" },
	{ "model: no-such-model\n", "bad.yaml:1:8: no model preset named 'no-such-model'" },
	{ "workload: 5\n", "bad.yaml:1:11: workload must be a mapping of its keys, not a scalar" },
	{ "strategy: EP16_XP4\n", "bad.yaml:1:11: strategy: unknown degree 'XP4'" },
	{ "model:\n  attention: mha\n", "bad.yaml:2:14: model.attention: expected one of gqa mla, got 'mha'" },
	{ "requirements:\n  ttft_s: -1\n", "bad.yaml:2:11: requirements.ttft_s: expected a number above 0" },
	{ "hardware:\n  mem_gib:\n", "bad.yaml:2:11: hardware.mem_gib needs a value" },
	{ "strategy:\n  ep: 8\n---\nstrategy:\n  ep: 4\n", "bad.yaml:4:1: a second document: one scenario per file" },
	{ "model:\n  gated: maybe\n", "bad.yaml:2:10: model.gated: expected true or false, got 'maybe'" },
	{ "strategy:\n\ttp: 2\n", "bad.yaml:2:1: YAML syntax: found character that cannot start any token" },
	{ "strategy:\n  [a]: 1\n", "bad.yaml:2:3: a key must be a plain name, not a list" },
	{ "workload:\n  batch: 1e30\n", "bad.yaml:2:10: workload.batch: expected an integer from 1 to 10000000" },
	{ "hardware: {preset: nope}\n", "bad.yaml:1:20: no hardware preset named 'nope'" },
	{ "claims: {valid: maybe}\n", "bad.yaml:1:17: claims.valid: expected one of none true false" },
	{ "strategy: {overlap: .nan}\n", "bad.yaml:1:21: strategy.overlap: expected a number from 0 to 1, got '.nan'" },
	{ "strategy: *nowhere\n", "bad.yaml:1:11: YAML syntax: found undefined alias" },
	{ "workload: {preset: x}\n", "bad.yaml:1:12: only hardware and model can name a preset" },
	{ "strategy: {tp: \"4\\u0000\"}\n", "bad.yaml:1:16: a NUL byte in a value" },
	{ "model: {name: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}\n",
	  "bad.yaml:1:15: model.name: expected a name of at most 63 characters" },
	{ "strategy: {dp: 2}\nworkload: {batch: 0}\n", "bad.yaml:2:19: workload.batch: expected an integer from 1" },
};

Test(preset, malformed_files_report_line_and_column_and_change_nothing)
{
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		struct scenario s, before;
		char err[1024] = "";
		scenario_default(&s);
		s.strat.ep = 8;   /* anything but the defaults */
		before = s;
		int rc = preset_load_buffer(&s, "bad.yaml", bad_cases[i].yaml, strlen(bad_cases[i].yaml),
					    err, sizeof err);
		cr_expect_eq(rc, -1, "case %zu loaded", i);
		cr_expect(strstr(err, bad_cases[i].expect) != NULL, "case %zu:\n  got:  %s\n  want: %s", i, err,
			  bad_cases[i].expect);
		cr_expect_eq(memcmp(&s, &before, sizeof s), 0, "case %zu changed the scenario", i);
	}
}

Test(preset, unreadable_and_oversized_files)
{
	struct scenario s, before;
	char err[1024];
	scenario_default(&s);
	before = s;
	cr_expect_eq(preset_load_file(&s, "/nonexistent/x.yaml", err, sizeof err), -1);
	cr_expect(strstr(err, "/nonexistent/x.yaml: No such file or directory") != NULL, "%s", err);
	cr_expect_eq(preset_load_file(&s, "/tmp", err, sizeof err), -1);
	cr_expect_eq(memcmp(&s, &before, sizeof s), 0);
}

Test(preset, failed_save_leaves_the_old_file_intact, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct scenario s;
	char err[1024], path[128], text[64] = "";
	scenario_default(&s);
	snprintf(path, sizeof path, "%s/plan.yaml", tmpdir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("name: old\n", f);
	fclose(f);

	/* the disk fills up after 100 bytes */
	struct rlimit lim = { 100, 100 };
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	cr_expect_eq(preset_save_file(&s, path, err, sizeof err), -1);
	cr_expect(strstr(err, "plan.yaml") != NULL, "%s", err);

	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_expect_not_null(fgets(text, sizeof text, f));
	fclose(f);
	cr_expect_str_eq(text, "name: old\n");
	/* and no temporary file is left behind */
	char cmd[160];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

Test(preset, save_refuses_directories_and_missing_dirs, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct scenario s;
	char err[1024], path[128];
	scenario_default(&s);
	cr_expect_eq(preset_save_file(&s, tmpdir, err, sizeof err), -1);
	cr_expect(strstr(err, "not a regular file") != NULL, "%s", err);
	snprintf(path, sizeof path, "%s/missing/plan.yaml", tmpdir);
	cr_expect_eq(preset_save_file(&s, path, err, sizeof err), -1);
	cr_expect(strstr(err, "cannot create a file beside it") != NULL, "%s", err);
}
