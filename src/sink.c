/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

__attribute__((format(printf, 3, 0)))
static void vwrite(void (*fn)(void *, const char *, size_t), void *ctx, const char *fmt,
		   va_list ap)
{
	char small[512];
	va_list copy;

	va_copy(copy, ap);
	int n = vsnprintf(small, sizeof small, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		fn(ctx, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big)
		return;
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	fn(ctx, big, (size_t)n);
	free(big);
}

void sink_printf(const struct sink *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwrite(k->out, k->ctx, fmt, ap);
	va_end(ap);
}

void sink_errorf(const struct sink *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwrite(k->err, k->ctx, fmt, ap);
	va_end(ap);
}

void sink_puts(const struct sink *k, const char *text)
{
	k->out(k->ctx, text, strlen(text));
}

static void append(char **buf, size_t *len, size_t *cap, const char *text, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t want = (*cap ? *cap * 2 : 1024);
		while (want < *len + n + 1)
			want *= 2;
		char *p = realloc(*buf, want);
		if (!p)
			return;
		*buf = p;
		*cap = want;
	}
	memcpy(*buf + *len, text, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static void buf_out(void *ctx, const char *text, size_t n)
{
	struct sink_buffer *b = ctx;
	append(&b->out, &b->out_len, &b->out_cap, text, n);
}

static void buf_err(void *ctx, const char *text, size_t n)
{
	struct sink_buffer *b = ctx;
	append(&b->err, &b->err_len, &b->err_cap, text, n);
}

void sink_buffer_init(struct sink_buffer *b, struct sink *k)
{
	memset(b, 0, sizeof *b);
	append(&b->out, &b->out_len, &b->out_cap, "", 0);
	append(&b->err, &b->err_len, &b->err_cap, "", 0);
	k->out = buf_out;
	k->err = buf_err;
	k->ctx = b;
}

void sink_buffer_free(struct sink_buffer *b)
{
	free(b->out);
	free(b->err);
	memset(b, 0, sizeof *b);
}

static void std_out(void *ctx, const char *text, size_t n)
{
	(void)ctx;
	fwrite(text, 1, n, stdout);
}

static void std_err(void *ctx, const char *text, size_t n)
{
	(void)ctx;
	fflush(stdout);
	fwrite(text, 1, n, stderr);
}

static void file_out(void *ctx, const char *text, size_t len)
{
	fwrite(text, 1, len, ctx);
}

void sink_file(struct sink *k, void *file)
{
	k->out = file_out;
	k->err = std_err;
	k->ctx = file;
}

void sink_stdio(struct sink *k)
{
	k->out = std_out;
	k->err = std_err;
	k->ctx = NULL;
}
