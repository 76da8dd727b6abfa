/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where commands write: the batch front end prints, the TUI fills a pane,
 * the tests capture.  Output and errors are separate streams. */
#ifndef MOESCOPE_SINK_H
#define MOESCOPE_SINK_H

#include <stddef.h>
#include <stdio.h>

struct sink {
	void (*out)(void *ctx, const char *text, size_t len);
	void (*err)(void *ctx, const char *text, size_t len);
	void *ctx;
};

__attribute__((format(printf, 2, 3)))
void sink_printf(const struct sink *k, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void sink_errorf(const struct sink *k, const char *fmt, ...);
void sink_puts(const struct sink *k, const char *text);
/* A note beside the output (what a load dropped, which file was written):
 * on the error stream, so that the output stream carries only what was
 * asked for (text, CSV or JSON) and `moescope ... > FILE` is that alone. */
__attribute__((format(printf, 2, 3)))
void sink_notef(const struct sink *k, const char *fmt, ...);

/* A sink that appends to a growing buffer (tests, the TUI). */
struct sink_buffer {
	char *out, *err;
	size_t out_len, err_len, out_cap, err_cap;
};
void sink_buffer_init(struct sink_buffer *b, struct sink *k);
void sink_buffer_free(struct sink_buffer *b);

/* A sink whose output goes to an open FILE and whose errors go to stderr
 * (the commands that write files report their errors as return values). */
void sink_file(struct sink *k, void *file);

/* Write text with the bytes that could steer a terminal (controls, C1)
 * shown as \xNN; what the stdio and file sinks do. */
void sink_write_safe(FILE *f, const char *text, size_t n);

/* A sink on stdout and stderr. */
void sink_stdio(struct sink *k);

#endif
