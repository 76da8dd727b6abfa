/* SPDX-License-Identifier: GPL-3.0-or-later */
/* validate and calibrate on small CSV fixtures, broken rows included. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "calibrate.h"
#include "serve.h"
#include "command.h"
#include "validate.h"

static const char *fixture(const char *name)
{
	static char path[1024];
	const char *src = getenv("abs_top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/%s", src && *src ? src : MOESCOPE_SRCDIR, name);
	return path;
}

static const struct run *by_name(const struct run_set *rs, const char *name)
{
	for (int i = 0; i < rs->n; i++)
		if (strcmp(rs->runs[i].name, name) == 0)
			return &rs->runs[i];
	cr_assert_fail("no run %s", name);
	return NULL;
}

Test(validate, rows_and_reasons)
{
	static struct run_set rs;
	char err[600];
	cr_assert_eq(runs_read(fixture("runs-small.csv"), &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	cr_expect_eq(rs.n, 9);
	cr_expect_eq(rs.n_ok, 4);
	cr_expect(strstr(by_name(&rs, "no-such-gpu")->reason, "no hardware preset named 'a999'") != NULL,
		  "%s", by_name(&rs, "no-such-gpu")->reason);
	cr_expect(strstr(by_name(&rs, "bad-tp")->reason, "tp 3 does not divide heads (32)") != NULL,
		  "%s", by_name(&rs, "bad-tp")->reason);
	cr_expect(strstr(by_name(&rs, "bad-number")->reason, "column batch: workload.batch: expected an integer") != NULL,
		  "%s", by_name(&rs, "bad-number")->reason);
	cr_expect(strstr(by_name(&rs, "short")->reason, "3 fields, the header has 19") != NULL,
		  "%s", by_name(&rs, "short")->reason);
	cr_expect(strstr(by_name(&rs, "no-measure")->reason, "measured_ttft_ms and measured_tpot_ms") != NULL);
	cr_expect_eq(by_name(&rs, "short")->line, 8);
	/* a quoted field with a comma */
	cr_expect(by_name(&rs, "quoted, name")->ok);
	/* empty cells take the preset's values: Qwen3-32B in bf16 */
	const struct run *c = by_name(&rs, "c");
	cr_assert(c->ok);
	cr_expect_eq(c->s.model.weight_bytes, 2);
	cr_expect_eq(c->s.work.mode, MODE_SERVING);
	cr_expect_eq(c->s.strat.tp, 4);
	runs_free(&rs);
}

Test(validate, predictions_match_single_evaluations)
{
	static struct run_set rs;
	struct result r;
	char err[600];
	cr_assert_eq(runs_read(fixture("runs-small.csv"), &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	const struct run *a = by_name(&rs, "a");
	cost_evaluate(&a->s, &r);
	cr_expect_eq(a->pred_tpot_ms, r.tpot_ms);
	cr_expect_eq(a->pred_ttft_ms, r.ttft_s * 1000);
	/* the groups: two models on one GPU with two frameworks */
	cr_expect_eq(rs.n_groups, 2);
	cr_expect_eq(rs.groups[0].n, 3);
	cr_expect_eq(rs.overall.n, 4);
	double e = 100.0 * fabs(a->pred_tpot_ms - a->tpot_ms) / a->tpot_ms;
	cr_expect_geq(rs.overall.tpot_mean, 0);
	cr_expect(isfinite(e));
	runs_free(&rs);
}

Test(validate, unusable_files)
{
	static struct run_set rs;
	char err[600];
	cr_expect_eq(runs_read("/nonexistent.csv", &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "No such file") != NULL, "%s", err);
	cr_expect_eq(runs_read(fixture("runs-noheader.csv"), &rs, err, sizeof err), -1);
	cr_expect(strstr(err, ":1: the header lacks the column 'prompt_len'") != NULL, "%s", err);
	/* a device is refused before it is read (/dev/zero would never end) */
	cr_expect_eq(runs_read("/dev/null", &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "/dev/null: not a regular file") != NULL, "%s", err);
	cr_expect_eq(runs_read_buffer("e.csv", "", 0, &rs, err, sizeof err), -1);
	cr_expect(strstr(err, "e.csv:1: empty file") != NULL, "%s", err);
}

Test(calibrate, lowers_the_error_deterministically)
{
	static struct run_set rs1, rs2;
	struct sink_buffer b1, b2;
	struct sink k1, k2;
	char err[600];
	cr_assert_eq(runs_read(fixture("runs-small.csv"), &rs1, err, sizeof err), 0);
	cr_assert_eq(runs_read(fixture("runs-small.csv"), &rs2, err, sizeof err), 0);
	runs_evaluate(&rs1);
	double before = rs1.overall.tpot_median;
	sink_buffer_init(&b1, &k1);
	sink_buffer_init(&b2, &k2);
	calibrate_runs(&rs1, &k1, "runs-small.csv");
	calibrate_runs(&rs2, &k2, "runs-small.csv");
	cr_expect_str_eq(b1.out, b2.out);   /* no randomness */
	cr_expect_leq(rs1.overall.tpot_median, before);
	cr_expect(strstr(b1.out, "# fitted by calibrate on runs-small.csv") != NULL, "%s", b1.out);
	cr_expect(strstr(b1.out, "hardware:\n  mfu: ") != NULL, "%s", b1.out);
	cr_expect(strstr(b1.out, "# workload.engine trtllm\nengine:\n  step_us: ") != NULL, "%s", b1.out);
	/* in-sample is not all it prints */
	cr_expect(strstr(b1.out, "held out by gpu") != NULL);
	cr_expect(strstr(b1.out, "held out by engine") != NULL);
	/* the fitted values stay within the bounds */
	const struct run *a = by_name(&rs1, "a");
	cr_expect_leq(a->s.hw.mfu, 0.85);
	cr_expect_geq(a->s.hw.hbm_util, 0.2);
	cr_expect_leq(a->s.hw.hbm_util, 0.95);
	sink_buffer_free(&b1);
	sink_buffer_free(&b2);
	runs_free(&rs1);
	runs_free(&rs2);
}

/* The fit starts from the middle of each range, not from the constants the
 * runs carry (a preset's, which are a fit's output): runs that carry other
 * efficiencies give the same fit. */
Test(calibrate, the_fit_does_not_depend_on_the_constants_carried)
{
	static struct run_set rs;
	struct fit a, b;
	char err[600];
	cr_assert_eq(runs_read(fixture("runs-small.csv"), &rs, err, sizeof err), 0);
	fit_runs(&rs, NULL, &a);
	for (int i = 0; i < rs.n; i++) {
		rs.runs[i].s.hw.mfu = 0.3;
		rs.runs[i].s.hw.kernel_us = 40;
		rs.runs[i].s.hw.expert_us = 9;
	}
	fit_runs(&rs, NULL, &b);
	cr_assert(a.ok && b.ok);
	for (int q = 0; q < FIT_SILICON; q++)
		cr_expect_eq(a.silicon[q], b.silicon[q], "knob %d: %g against %g", q, a.silicon[q], b.silicon[q]);
	runs_free(&rs);
}

/* `validate` on the small runs file, its output in the given format. */
static void run_validate(struct session_fixture *f, int format)
{
	char line[1200];
	fixture_open(f, format);
	snprintf(line, sizeof line, "validate %s", fixture("runs-small.csv"));
	cr_assert_eq(session_run_line(&f->ss, line, 1), 0, "%s", f->buf.err);
}

/* The MFU is what compute-bound work shows: all of a prefill, and of a
 * decode only its largest batches.  Runs of long outputs at small
 * batches have a memory-bound decode whose TPOT hardly moves with the
 * MFU, and a TTFT that is the prefill: here the TPOT was made at MFU 0.8
 * and the TTFT at 0.4, and the fit believes the TTFT. */
Test(calibrate, mfu_is_found_from_the_prefill)
{
	static struct run_set rs;
	struct fit f;
	struct result r;
	char err[600], csv[2048];
	int n = snprintf(csv, sizeof csv, "name,framework,hardware,model,mode,batch,prompt_len,output_len,dp,tp,pp,ep,etp,"
					  "measured_ttft_ms,measured_tpot_ms\n");
	const int batch[] = { 1, 2, 4, 1, 2, 4 }, prompt[] = { 2048, 2048, 2048, 8192, 8192, 8192 };
	for (int i = 0; i < 6; i++)
		n += snprintf(csv + n, sizeof csv - (size_t)n,
			      "r%d,trtllm,h100-sxm,llama-3.1-8b,serving,%d,%d,4096,1,1,1,1,1,1,1\n", i, batch[i],
			      prompt[i]);
	cr_assert_eq(runs_read_buffer("mfu.csv", csv, (size_t)n, &rs, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rs.n, 6);
	for (int i = 0; i < rs.n; i++) {
		struct scenario s = rs.runs[i].s;
		cr_assert(rs.runs[i].ok, "%s", rs.runs[i].reason);
		s.hw.mfu = 0.40;
		cost_evaluate(&s, &r);
		cr_assert(r.ok);
		rs.runs[i].ttft_ms = r.ttft_s * 1000.0;
		s.hw.mfu = 0.80;
		cost_evaluate(&s, &r);
		cr_assert(r.ok);
		rs.runs[i].tpot_ms = r.tpot_ms;
	}
	fit_runs(&rs, NULL, &f);
	cr_assert(f.ok);
	cr_expect(fabs(f.silicon[0] - 0.40) < 0.03, "mfu fitted %g", f.silicon[0]);
	runs_free(&rs);
}

Test(validate, command_output)
{
	struct session_fixture f;
	run_validate(&f, FMT_TEXT);
	cr_expect(strstr(f.buf.out, "4 of 9 runs evaluated; 5 could not be:") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "  line 5 (no-such-gpu): no hardware preset named 'a999'") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "  llama-3.1-8b       h100-sxm  trtllm       3") != NULL, "%s", f.buf.out);
	fixture_close(&f);
}

Test(validate, csv_output_quotes_fields)
{
	struct session_fixture f;
	run_validate(&f, FMT_CSV);
	cr_expect(strstr(f.buf.out, "\n10,\"quoted, name\",llama-3.1-8b,h100-sxm,trtllm,61,") != NULL, "%s", f.buf.out);
	cr_expect(strstr(f.buf.out, "\n5,no-such-gpu,llama-3.1-8b,a999,trtllm,,,,,no hardware preset named 'a999'") != NULL, "%s", f.buf.out);
	fixture_close(&f);
}

/* The same runs on two GPUs of one silicon (tp 1: the links do not
 * matter): each fold fits to the other GPU's identical runs, so its
 * held-out error is the in-sample error, and the two folds agree. */
Test(holdout, twin_gpus_predict_each_other)
{
	static struct run_set rs;
	struct sink_buffer b;
	struct sink k;
	char err[600];
	cr_assert_eq(runs_read(fixture("runs-twin-gpus.csv"), &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	cr_assert_eq(rs.n_ok, 6);
	sink_buffer_init(&b, &k);
	holdout_report(&rs, HOLD_GPU, &k, 0);
	cr_expect(strstr(b.out, "held out by gpu") != NULL, "%s", b.out);
	for (int i = 0; i < 3; i++) {
		const struct run *a = &rs.runs[i], *c = &rs.runs[i + 3];
		expect_rel(a->pred_tpot_ms, c->pred_tpot_ms, 1e-9);
		expect_rel(a->pred_ttft_ms, c->pred_ttft_ms, 1e-9);
		cr_expect(isfinite(a->pred_tpot_ms));
	}
	sink_buffer_free(&b);
	/* by engine: vllm is held out and takes what trtllm's runs gave */
	sink_buffer_init(&b, &k);
	holdout_report(&rs, HOLD_ENGINE, &k, 1);
	const char *head = "{\"schema\": \"moescope/1\", \"holdout\": {\"by\": \"engine\", \"folds\": [{\"held_out\": \"trtllm\", \"runs\": 4,";
	cr_expect(strncmp(b.out, head, strlen(head)) == 0, "%s", b.out);
	cr_expect(strstr(b.out, "nan") == NULL && strstr(b.out, "inf") == NULL, "%s", b.out);
	sink_buffer_free(&b);
	cr_expect_eq(holdout_dim_find("gpu"), HOLD_GPU);
	cr_expect_eq(holdout_dim_find("engine"), HOLD_ENGINE);
	cr_expect_eq(holdout_dim_find("gpus"), -1);
	runs_free(&rs);
}

/* Held out by measurement campaign: a run that names none could be of the
 * campaign held out, so it is neither fitted to nor predicted; changing
 * its measurements changes no fold. */
static void campaign_folds(double c2_ttft, struct run_set *rs, char *json, size_t len)
{
	char csv[1200], err[600];
	int n = snprintf(csv, sizeof csv,
			 "name,framework,hardware,model,mode,batch,prompt_len,output_len,dp,tp,pp,ep,etp,"
			 "measured_ttft_ms,measured_tpot_ms,campaign\n"
			 "a,trtllm,h100-sxm,llama-3.1-8b,serving,8,1024,128,1,1,1,1,1,60.5,6.2,one\n"
			 "b,trtllm,h100-sxm,llama-3.1-8b,serving,32,1024,128,1,1,1,1,1,70.1,8.1,one\n"
			 "c,vllm,h100-sxm,llama-3.1-8b,serving,16,2048,256,1,1,1,1,1,120.0,7.8,one\n"
			 "a2,trtllm,h200,llama-3.1-8b,serving,8,1024,128,1,1,1,1,1,55,5.5,two\n"
			 "b2,vllm,h200,llama-3.1-8b,serving,32,1024,128,1,1,1,1,1,66,7.0,two\n"
			 "c2,trtllm,h200,llama-3.1-8b,serving,16,2048,256,1,1,1,1,1,%g,3.0,\n",
			 c2_ttft);
	cr_assert_eq(runs_read_buffer("campaigns.csv", csv, (size_t)n, rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(rs);
	cr_assert_eq(rs->n_ok, 6);
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	holdout_report(rs, HOLD_CAMPAIGN, &k, 1);
	snprintf(json, len, "%s", b.out);
	sink_buffer_free(&b);
}

Test(holdout, by_campaign_leaves_out_runs_without_one)
{
	static struct run_set rs;
	static char json[8192], again[8192];
	campaign_folds(120.0, &rs, json, sizeof json);
	const char *head = "{\"schema\": \"moescope/1\", \"holdout\": {\"by\": \"campaign\", \"folds\": "
			   "[{\"held_out\": \"one\", \"runs\": 3,";
	cr_expect(strncmp(json, head, strlen(head)) == 0, "%s", json);
	cr_expect(strstr(json, "{\"held_out\": \"two\", \"runs\": 2,") != NULL, "%s", json);
	cr_expect(strstr(json, "\"overall\": {\"held_out\": \"all\", \"runs\": 5,") != NULL, "%s", json);
	cr_expect(isnan(rs.runs[5].pred_ttft_ms) && isnan(rs.runs[5].pred_tpot_ms));
	double a_ttft = rs.runs[0].pred_ttft_ms, a_tpot = rs.runs[0].pred_tpot_ms;
	cr_expect(isfinite(a_ttft) && isfinite(a_tpot));
	runs_free(&rs);
	campaign_folds(9000.0, &rs, again, sizeof again);
	cr_expect_eq(rs.runs[0].pred_ttft_ms, a_ttft);
	cr_expect_eq(rs.runs[0].pred_tpot_ms, a_tpot);
	cr_expect_eq(holdout_dim_find("campaign"), HOLD_CAMPAIGN);
	runs_free(&rs);
}

Test(holdout, command_refuses_a_bad_dimension)
{
	struct session_fixture f;
	char line[1200];
	fixture_open(&f, FMT_TEXT);
	snprintf(line, sizeof line, "validate %s holdout gpus", fixture("runs-twin-gpus.csv"));
	cr_expect_neq(session_run_line(&f.ss, line, 1), 0);
	cr_expect(strstr(f.buf.err, "expected 'holdout gpu|model|engine|campaign' after the file") != NULL, "%s", f.buf.err);
	fixture_close(&f);
}

/* The names benchmark files and engines give GPUs, to the presets. */
Test(validate, gpu_names_as_files_write_them)
{
	static const struct {
		const char *in, *preset;
	} names[] = {
		{ "NVIDIA H200", "h200" }, { "H100 80GB HBM3", "h100-sxm" }, { "NVIDIA H100-SXM5-80GB", "h100-sxm" },
		{ "GB200", "gb200-nvl72" }, { "NVIDIA GB300 NVL72", "gb300-nvl72" }, { "B300", "b300" },
		{ "AMD Instinct MI355X", "mi355x" }, { "MI325X", "mi325x" }, { "NVIDIA H20", "h20" },
		{ "h200", "h200" }, { "gb200-nvl72", "gb200-nvl72" }, { "TPU v5e", "TPU v5e" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		runs_gpu_preset(names[i].in, out, sizeof out);
		cr_expect_str_eq(out, names[i].preset, "%s", names[i].in);
	}
	/* and a row written so is evaluated on that preset */
	static struct run_set rs;
	char err[600];
	static const char csv[] = "hardware,model,framework,batch,prompt_len,output_len,tp,measured_ttft_ms,measured_tpot_ms\n"
				  "NVIDIA GB200,llama-3.1-70b,vllm,8,1024,128,4,90,20\n";
	cr_assert_eq(runs_read_buffer("g.csv", csv, sizeof csv - 1, &rs, err, sizeof err), 0, "%s", err);
	cr_expect(rs.runs[0].ok, "%s", rs.runs[0].reason);
	cr_expect_str_eq(rs.runs[0].s.hw.name, "gb200-nvl72");
	runs_free(&rs);
}

/* A disaggregated run: the decode pool in decode_*, the prefill pool in
 * prefill_*, each with its workers; speculative runs give spec_*. */
Test(validate, disaggregated_and_speculative_runs)
{
	static struct run_set rs;
	char err[600];
	static const char csv[] =
		"hardware,model,framework,mode,batch,prompt_len,output_len,prefill_dp,prefill_tp,prefill_ep,prefill_workers,"
		"decode_dp,decode_tp,decode_ep,decode_workers,spec_tokens,spec_accepted,measured_ttft_ms,measured_tpot_ms\n"
		"GB200,deepseek-r1,sglang,disagg,512,1024,1024,4,1,4,2,16,1,16,1,1,0.7,900,25\n";
	cr_assert_eq(runs_read_buffer("d.csv", csv, sizeof csv - 1, &rs, err, sizeof err), 0, "%s", err);
	cr_assert(rs.runs[0].ok, "%s", rs.runs[0].reason);
	const struct scenario *s = &rs.runs[0].s;
	cr_expect_eq(s->work.mode, MODE_DISAGG);
	cr_expect(s->disagg.dp == 4 && s->disagg.tp == 1 && s->disagg.ep == 4 && s->disagg.prefill_workers == 2);
	cr_expect(s->strat.dp == 16 && s->strat.tp == 1 && s->strat.ep == 16 && s->disagg.decode_workers == 1);
	cr_expect(s->work.spec_tokens == 1 && s->work.spec_accepted == 0.7);
	runs_evaluate(&rs);
	cr_expect(isfinite(rs.runs[0].pred_ttft_ms) && isfinite(rs.runs[0].pred_tpot_ms));
	runs_free(&rs);
}

/* A benchmark that sends few requests weighs its first wave more: the
 * requests column says how many it sent, as workload.requests would. */
Test(validate, requests_weigh_the_first_wave)
{
	static struct run_set rs;
	struct result r;
	char err[600];
	static const char csv[] =
		"name,hardware,model,framework,mode,batch,prompt_len,output_len,dp,tp,pp,ep,requests,measured_ttft_ms,"
		"measured_tpot_ms\n"
		"short,h200,llama-3.1-70b,vllm,serving,64,4096,256,1,4,1,1,64,900,25\n"
		"ten,h200,llama-3.1-70b,vllm,serving,64,4096,256,1,4,1,1,640,900,25\n"
		"none,h200,llama-3.1-70b,vllm,serving,64,4096,256,1,4,1,1,,900,25\n"
		"bad,h200,llama-3.1-70b,vllm,serving,64,4096,256,1,4,1,1,0,900,25\n";
	cr_assert_eq(runs_read_buffer("r.csv", csv, sizeof csv - 1, &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	const struct run *one = by_name(&rs, "short"), *ten = by_name(&rs, "ten"), *none = by_name(&rs, "none");
	cr_assert(one->ok && ten->ok && none->ok);
	cr_expect_eq(one->s.work.requests, 64);
	cr_expect_eq(ten->s.work.requests, 640);
	/* an empty cell: the scenario's 1000 */
	cr_expect_eq(none->s.work.requests, 1000);
	cr_expect_gt(one->pred_ttft_ms, ten->pred_ttft_ms);
	cr_expect_gt(ten->pred_ttft_ms, none->pred_ttft_ms);
	/* the same figures as the scenario with workload.requests set */
	struct scenario s = none->s;
	s.work.requests = 640;
	cost_evaluate(&s, &r);
	cr_expect_eq(ten->pred_ttft_ms, r.ttft_s * 1000);
	cr_expect_eq(ten->pred_tpot_ms, none->pred_tpot_ms);
	cr_expect(strstr(by_name(&rs, "bad")->reason, "column requests: workload.requests"), "%s",
		  by_name(&rs, "bad")->reason);
	runs_free(&rs);
}

/* trtllm-bench's engine settings by hand.  Llama-3.1-70B in FP8 on one
 * 141 GiB H200, 1024 + 1024 tokens: 70.55B parameters of one byte; a token
 * of KV 2 x 80 layers x 8 heads x 128 x 1 byte = 163,840 bytes; 0.95 of what
 * the weights leave, in requests of 2048 tokens: 228 requests, a batch of
 * 32 x ceil(228/32) = 256 and 2 x 228 = 457 tokens, at least 2048. */
Test(validate, trtllm_bench_settings_by_hand)
{
	const double gib = 1073741824.0;
	struct trtllm_bench_in in = { .params = 70553706496.0, .weight_bytes = 1, .mem_gib = 141, .tp = 1, .pp = 1,
				      .layers = 80, .kv_heads = 8, .head_dim = 128, .kv_bytes = 1,
				      .prompt_len = 1024, .output_len = 1024 };
	double requests = (141.0 - 70553706496.0 / gib) * 0.95 / (163840.0 / gib * 2048.0);
	cr_assert(requests > 224 && requests < 256, "%g", requests);
	long bs, tokens;
	serve_trtllm_bench_limits(&in, &bs, &tokens);
	cr_expect_eq(bs, 256);
	cr_expect_eq(tokens, 2048);
	/* on 8 GPUs: 8 x 141 GiB less 65.71 GiB of weights, 0.95 of it, in
	 * requests of 163,840 x 2048 bytes (0.3125 GiB): 3229 requests, a batch
	 * of 256 x ceil(3229/256) = 3328 and 2 x 3229 = 6459 tokens, rounded up
	 * to 512: 6656 */
	in.tp = 8;
	serve_trtllm_bench_limits(&in, &bs, &tokens);
	cr_expect_eq(bs, 3328);
	cr_expect_eq(tokens, 6656);
	/* 1024 + 8192: requests of 1.40625 GiB, 717 of them: a batch of
	 * 128 x 6 = 768 and 717 x 1.125 = 807 tokens, at least 2048 */
	in.output_len = 8192;
	serve_trtllm_bench_limits(&in, &bs, &tokens);
	cr_expect_eq(bs, 768);
	cr_expect_eq(tokens, 2048);
	/* weights past the GPUs: no room */
	in.tp = 1;
	in.mem_gib = 40;
	serve_trtllm_bench_limits(&in, &bs, &tokens);
	cr_expect_eq(bs, 0);
}

/* Throughput rows: the mapping as trtllm-bench ran it, the checkpoint's
 * weights, the engine's settings, and the best over concurrency. */
Test(validate, throughput_rows)
{
	static struct run_set rs;
	char err[600];
	cr_assert_eq(runs_read(fixture("throughput-small.csv"), &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	cr_expect_eq(rs.n, 7);
	cr_expect_eq(rs.n_ok, 4);
	const struct run *d = by_name(&rs, "dense");
	cr_expect(d->throughput);
	cr_expect_str_eq(d->model, "llama-3.1-70b");
	cr_expect_str_eq(d->campaign, "v1.0");   /* the page's version */
	cr_expect_eq(d->s.model.weight_bytes, 1.0);
	cr_expect_eq(d->s.model.kv_bytes, 1.0);
	cr_expect_eq(d->s.work.engine, ENGINE_TRTLLM);
	cr_expect_eq(d->s.engine.max_seqs, 256);
	cr_expect_eq(d->s.engine.max_batched_tokens, 2048);
	/* Llama 3.3 70B has 3.1's shapes */
	cr_expect_str_eq(by_name(&rs, "llama33")->model, "llama-3.1-70b");
	cr_expect_eq(by_name(&rs, "llama33")->s.strat.tp, 2);
	/* DEP8: attention data parallel over the 8 GPUs, the experts over them */
	const struct run *dep = by_name(&rs, "dep");
	cr_expect_eq(dep->s.strat.dp, 8);
	cr_expect_eq(dep->s.strat.tp, 1);
	cr_expect_eq(dep->s.strat.ep, 8);
	/* gpt-oss is served from its MXFP4 release, with TensorRT-LLM's
	 * default limits (trtllm-bench does not tune MXFP4) */
	const struct run *mx = by_name(&rs, "mxfp4");
	cr_expect_eq(mx->s.model.expert_weight_bytes, 0.53125);
	cr_expect_eq(mx->s.engine.max_seqs, 2048);
	cr_expect_eq(mx->s.engine.max_batched_tokens, 8192);
	cr_expect(strstr(by_name(&rs, "bad-gpus")->reason, "gpus 4 is not the mapping's 2") != NULL, "%s",
		  by_name(&rs, "bad-gpus")->reason);
	cr_expect(strstr(by_name(&rs, "bad-dtype")->reason, "weight_dtype 'int3'") != NULL, "%s",
		  by_name(&rs, "bad-dtype")->reason);
	cr_expect(strstr(by_name(&rs, "no-preset")->reason, "no model preset") != NULL, "%s",
		  by_name(&rs, "no-preset")->reason);
	/* the prediction is the best over concurrency: no concurrency does
	 * better, and it is what one evaluation at its concurrency gives */
	static struct scenario s;
	static struct result r;
	s = d->s;
	s.work.batch = d->pred_batch;
	cost_evaluate(&s, &r);
	cr_expect_eq(r.output_tokens_per_s_per_gpu, d->pred_tok_s_gpu);
	for (long b = 1; b <= 1024; b *= 2) {
		s.work.batch = b;
		cost_evaluate(&s, &r);
		cr_expect_leq(r.output_tokens_per_s_per_gpu, d->pred_tok_s_gpu, "batch %ld", b);
	}
	cr_expect_eq(rs.overall.n, 0);
	cr_expect_eq(rs.overall.n_tput, 4);
	runs_free(&rs);
}

/* Finite figures only: absurd measurements are refused with their range,
 * and no report prints inf or nan, whatever the predictions are. */
Test(validate, no_inf_nor_nan_in_any_report)
{
	static struct run_set rs;
	char err[600];
	const char *csv = "name,framework,hardware,model,batch,prompt_len,output_len,dp,tp,ep,measured_ttft_ms,measured_tpot_ms\n"
			  "tiny,vllm,h200,llama-3.1-8b,8,1024,128,1,1,1,5e-324,10\n"
			  "huge,vllm,h200,llama-3.1-8b,8,1024,128,1,1,1,1e308,10\n"
			  "ok,vllm,h200,llama-3.1-8b,8,1024,128,1,1,1,100,10\n";
	cr_assert_eq(runs_read_buffer("r.csv", csv, strlen(csv), &rs, err, sizeof err), 0, "%s", err);
	runs_evaluate(&rs);
	cr_expect(strstr(by_name(&rs, "tiny")->reason, "from 1e-06 to 1e+09") != NULL, "%s", by_name(&rs, "tiny")->reason);
	cr_expect(strstr(by_name(&rs, "huge")->reason, "from 1e-06 to 1e+09") != NULL, "%s", by_name(&rs, "huge")->reason);
	cr_expect_eq(rs.n_ok, 1);
	/* a prediction that is not finite (an overloaded stream) prints "-" */
	rs.runs[2].pred_ttft_ms = INFINITY;
	struct sink_buffer b;
	struct sink k;
	sink_buffer_init(&b, &k);
	validate_report_text(&k, &rs);
	validate_report_csv(&k, &rs);
	cr_expect(strstr(b.out, "inf") == NULL && strstr(b.out, "nan") == NULL, "%s", b.out);
	sink_buffer_free(&b);
	runs_free(&rs);
}
