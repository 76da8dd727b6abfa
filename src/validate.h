/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured runs: predicted against measured
 * TTFT and TPOT, row by row and summarised per model/hardware/framework. */
#ifndef MOESCOPE_VALIDATE_H
#define MOESCOPE_VALIDATE_H

#include <stdbool.h>
#include <stdio.h>

#include "runs.h"
#include "scenario.h"
#include "sink.h"

/* Read the CSV; rows that cannot be evaluated are kept with their reason.
 * -1 with a message when the file itself is unusable. */
int runs_read(const char *path, struct run_set *rs, char *err, size_t errlen);
/* The same from an open stream, or from memory; label names it in messages. */
int runs_read_stream(FILE *f, const char *label, struct run_set *rs, char *err, size_t errlen);
int runs_read_buffer(const char *label, const char *buf, size_t len, struct run_set *rs, char *err, size_t errlen);

/* The largest file of measured runs, and the longest record in it. */
#define RUNS_FILE_MAX (64 * 1024 * 1024)
#define RUNS_RECORD_MAX (64 * 1024)
/* The hardware preset a benchmark file's GPU name means ("NVIDIA H200",
 * "GB200", "AMD Instinct MI355X"): the name when it is a preset. */
void runs_gpu_preset(const char *in, char *out, size_t len);
/* Keep the loaded presets from one read to the next (default: forget them,
 * since a preset file may change between two reads).  For a caller that
 * reads many in-memory files against presets that cannot change. */
void runs_keep_presets(bool keep);
/* The median of v[0..n-1], which it sorts; NaN when n is 0. */
double runs_median(double *v, int n);
/* The prediction of one row: TTFT and TPOT in ms, or for a throughput
 * row the best output tokens/s per GPU and its concurrency; false when
 * the model cannot evaluate it (r says why). */
struct result;
bool runs_predict(const struct run *run, struct result *r, double pred[2]);
/* Evaluate every row and summarise. */
void runs_evaluate(struct run_set *rs);

void validate_report_text(const struct sink *k, const struct run_set *rs);
void validate_report_json(const struct sink *k, const struct run_set *rs);
void validate_report_csv(const struct sink *k, const struct run_set *rs);

#endif
