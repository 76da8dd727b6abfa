/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark result files as measured runs: vLLM's `bench serve
 * --save-result` JSON and SGLang's bench_serving JSONL.  The file gives
 * the load (concurrency or request rate, mean prompt and output lengths)
 * and the measured means; the model, GPU, engine and strategy are the
 * scenario's, so a plan is checked against the run that tested it. */
#ifndef MOESCOPE_IMPORT_BENCH_H
#define MOESCOPE_IMPORT_BENCH_H

#include <stdbool.h>

#include "runs.h"
#include "scenario.h"

/* A path validate reads as a benchmark result: .json or .jsonl. */
bool import_bench_wants(const char *path);

/* The runs of the file, each on a copy of base.  -1 with a message when
 * the file is unusable; a result without a field it needs is a run that
 * is reported with its reason. */
int import_bench_read(const char *path, const struct scenario *base, struct run_set *rs, char *err, size_t errlen);
int import_bench_buffer(const char *label, const char *buf, size_t len, const struct scenario *base,
			struct run_set *rs, char *err, size_t errlen);

#endif
