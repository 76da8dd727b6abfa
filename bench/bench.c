/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark: how fast the model, the search and the explorer are.
 * Medians over repeated runs, one line per figure (or JSON with -o json);
 * CPU time of this process, but for the startup (wall time of a child).
 * Not part of `make check`: speed is measured here, never asserted in tests. */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "evaluate.h"
#include "render.h"
#include "scenario_resolve.h"
#include "search.h"
#include "sliders.h"
#include "style.h"

#define MIX 6

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time, for what involves another process (startup). */
static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* The CPU time of this process: on a shared machine it leaves out the time
 * other processes take from this one, which wall time does not. */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A realistic mix: dense, GQA MoE and MLA MoE; static and serving; pp 1-8. */
static void scenario_mix(struct scenario *mix)
{
	for (int i = 0; i < MIX; i++)
		scenario_default(&mix[i]);

	/* 0: the seed MoE, static, pp 1 (expert width solved each time) */
	/* 1: Mixtral-8x7B, GQA MoE, serving, tp 2 */
	struct model *m = &mix[1].model;
	m->layers = 32; m->hidden = 4096; m->heads = 32; m->kv_heads = 8; m->head_dim = 128;
	m->experts = 8; m->top_k = 2; m->expert_ffn = 14336; m->params_b = 46.7;
	mix[1].hw.mem_gib = 80;
	mix[1].strat = (struct strategy){ .dp = 1, .tp = 2, .pp = 1, .ep = 1 };
	mix[1].work.mode = MODE_SERVING;

	/* 2: DeepSeek-V3, MLA MoE, static, pp 4 with microbatches */
	m = &mix[2].model;
	*m = mix[0].model;
	m->layers = 61; m->dense_layers = 3; m->hidden = 7168; m->heads = 128; m->attention = ATTN_MLA;
	m->q_lora_rank = 1536; m->kv_lora_rank = 512; m->qk_rope_dim = 64; m->qk_nope_dim = 128;
	m->v_head_dim = 128; m->experts = 256; m->top_k = 8; m->shared_experts = 1; m->expert_ffn = 2048;
	m->dense_ffn = 18432; m->vocab = 129280; m->params_b = 671; m->weight_bytes = 1;
	mix[2].hw.mem_gib = 141;
	mix[2].strat = (struct strategy){ .dp = 8, .tp = 1, .pp = 4, .ep = 8 };
	mix[2].work.microbatches = 4;

	/* 3: the same model served, pp 2 */
	mix[3] = mix[2];
	mix[3].strat.pp = 2;
	mix[3].work.mode = MODE_SERVING;

	/* 4: Llama-3.1-70B, dense, static, pp 8 */
	m = &mix[4].model;
	m->layers = 80; m->hidden = 8192; m->heads = 64; m->kv_heads = 8; m->head_dim = 128; m->experts = 1;
	m->top_k = 1; m->expert_ffn = 28672; m->vocab = 128256; m->params_b = 70.6;
	mix[4].hw.mem_gib = 80;
	mix[4].strat = (struct strategy){ .dp = 2, .tp = 4, .pp = 8, .ep = 1 };
	mix[4].work.microbatches = 8;

	/* 5: Llama-3.1-70B served, tp 8 */
	mix[5] = mix[4];
	mix[5].strat = (struct strategy){ .dp = 1, .tp = 8, .pp = 1, .ep = 1 };
	mix[5].work.mode = MODE_SERVING;
}

/* BENCH_QUICK=1: a small fixed amount of work, for callgrind, whose
 * instruction counts do not depend on what else the machine is doing. */
static bool quick;

static double bench_evaluations(void)
{
	static struct scenario mix[MIX];
	static struct result r;
	double rates[7], sink = 0;
	const long n = quick ? 12000 : 400000;

	scenario_mix(mix);
	for (int rep = 0; rep < 7; rep++) {
		double t0 = cpu_s();
		for (long i = 0; i < n; i++) {
			struct scenario *s = &mix[i % MIX];
			s->work.batch = 1 + (i & 255);   /* a slider moving */
			cost_evaluate(s, &r);
			sink += r.tpot_ms;
		}
		rates[rep] = (double)n / (cpu_s() - t0);
	}
	if (sink == 42)
		puts("");   /* keeps the loop from being optimised away */
	return median(rates, 7);
}

/* Every valid strategy for up to 1024 GPUs, at batch 1, 2, 4 ... 1024. */
static double bench_search(long *evaluated)
{
	static struct search_result sr;
	struct scenario s;
	double times[3];

	scenario_default(&s);
	struct search_opts o = { .max_gpus = 1024, .objective = OBJ_THROUGHPUT, .top = 10 };
	for (int rep = 0; rep < 3; rep++) {
		double t0 = cpu_s();
		*evaluated = 0;
		for (long b = 1; b <= 1024; b *= 2) {
			s.work.batch = b;
			search_run(&s, &o, &sr);
			*evaluated += sr.evaluated;
		}
		times[rep] = cpu_s() - t0;
	}
	return median(times, 3);
}

/* Keypress to redrawn frame: a slider step, the recompute, the render and
 * the terminal update, on a virtual terminal of the given size. */
static double bench_frame(int cols, int rows)
{
	static struct app a;
	struct style st;
	struct layout L;
	char buf[16];
	double times[201];

	setlocale(LC_ALL, "C.UTF-8");
	snprintf(buf, sizeof buf, "%d", cols);
	setenv("COLUMNS", buf, 1);
	snprintf(buf, sizeof buf, "%d", rows);
	setenv("LINES", buf, 1);
	use_env(TRUE);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm("xterm-256color", out, in);
	if (!scr)
		scr = newterm("xterm", out, in);
	if (!scr)
		return NAN;
	set_term(scr);
	style_init(&st);
	app_init(&a);
	render(stdscr, &a, &st, &L);
	doupdate();
	for (int i = 0; i < 201; i++) {
		double t0 = cpu_s();
		app_apply(&a, i % 2 ? ACT_LEFT : ACT_RIGHT);   /* EP 16 -> 8 -> 16 ... */
		render(stdscr, &a, &st, &L);
		wnoutrefresh(stdscr);
		doupdate();
		times[i] = cpu_s() - t0;
	}
	app_free(&a);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return median(times, 201);
}

/* The program itself: from exec to exit of `moescope -e show`, and its peak
 * resident memory. */
static double bench_startup(const char *program, long *rss_kib)
{
	double times[9];
	for (int rep = 0; rep < 9; rep++) {
		double t0 = now_s();
		pid_t pid = fork();
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execl(program, program, "-e", "show", (char *)NULL);
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return NAN;
		times[rep] = now_s() - t0;
		*rss_kib = ru.ru_maxrss;
	}
	return median(times, 9);
}

/* The whole process of a frontier of DeepSeek-R1 on H200 served by
 * TensorRT-LLM, concurrency 1 to 4096, up to max_gpus GPUs: wall time,
 * median of 3. */
static double bench_frontier(const char *program, const char *gpu, long max_gpus, const char *mode)
{
	char line[320];
	double times[3];
	snprintf(line, sizeof line,
		 "set workload.engine trtllm; set seq 1024; set out 1024; set requirements.tokens_per_ms_per_gpu none; "
		 "frontier max-gpus %ld batch 1..4096 mode %s", max_gpus, mode);
	for (int rep = 0; rep < 3; rep++) {
		double t0 = now_s();
		pid_t pid = fork();
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execl(program, program, gpu, "deepseek-r1", "-e", line, (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return NAN;
		times[rep] = now_s() - t0;
	}
	return median(times, 3);
}

int main(int argc, char **argv)
{
	bool json = argc > 2 && strcmp(argv[1], "-o") == 0 && strcmp(argv[2], "json") == 0;
	const char *program = getenv("MOESCOPE");
	long evaluated = 0, rss = 0;

	if (!program)
		program = "./moescope";
	quick = getenv("BENCH_QUICK") != NULL;
	double evals = bench_evaluations();
	if (quick) {
		static struct search_result sr;
		struct scenario s;
		scenario_default(&s);
		struct search_opts o = { .max_gpus = 256, .objective = OBJ_THROUGHPUT, .top = 10 };
		search_run(&s, &o, &sr);
		printf("quick run: %.0f evaluations/s, %ld search evaluations\n", evals, sr.evaluated);
		return 0;
	}
	double search = bench_search(&evaluated);
	double frame80 = bench_frame(80, 24);
	double frame200 = bench_frame(200, 60);
	double startup = bench_startup(program, &rss);
	double frontier64 = bench_frontier(program, "h200", 64, "agg");
	double frontier1024 = bench_frontier(program, "h200", 1024, "agg");
	double frontier_both = bench_frontier(program, "gb200-nvl72", 72, "both");

	if (json) {
		printf("{\"evaluations_per_s\": %.0f, \"us_per_evaluation\": %.3f, \"search_1024_gpus_11_batches_s\": %.3f, "
		       "\"search_evaluations\": %ld, \"frame_80x24_ms\": %.3f, \"frame_200x60_ms\": %.3f, "
		       "\"startup_ms\": %.1f, \"peak_rss_kib\": %ld, \"frontier_64_gpus_s\": %.3f, "
		       "\"frontier_1024_gpus_s\": %.3f, \"frontier_both_gb200_nvl72_s\": %.3f}\n",
		       evals, 1e6 / evals, search, evaluated, frame80 * 1e3, frame200 * 1e3, startup * 1e3, rss,
		       frontier64, frontier1024, frontier_both);
		return 0;
	}
	printf("evaluations per second        %12.0f   (%.3f us each; median of 7 runs over a mix of 6 scenarios)\n",
	       evals, 1e6 / evals);
	printf("search, 1024 GPUs x 11 batches %11.3f s (%ld strategies evaluated; median of 3)\n", search, evaluated);
	printf("keypress to frame, 80x24       %11.3f ms (median of 201)\n", frame80 * 1e3);
	printf("keypress to frame, 200x60      %11.3f ms (median of 201)\n", frame200 * 1e3);
	printf("startup to exit, -e show       %11.1f ms (median of 9)\n", startup * 1e3);
	printf("peak RSS of moescope -e show   %11ld KiB\n", rss);
	printf("frontier, R1 on H200, 64 GPUs  %11.3f s (whole process, concurrency 1..4096; median of 3)\n", frontier64);
	printf("frontier, R1 on H200, 1024 GPUs %10.3f s (whole process; median of 3)\n", frontier1024);
	printf("frontier mode both, R1 on GB200 NVL72, 72 GPUs %6.3f s (aggregated and disaggregated; median of 3)\n",
	       frontier_both);
	return 0;
}
