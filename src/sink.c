/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
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

void sink_notef(const struct sink *k, const char *fmt, ...)
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

/* Text to a terminal or a file, with what could steer a terminal made
 * visible: C0 controls but newline and tab, DEL, and the C1 controls
 * (U+0080-U+009F, and such bytes outside a UTF-8 sequence) are written as
 * \xNN.  A name with an escape sequence in it prints as its characters. */
void sink_write_safe(FILE *f, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + n, *run = p;
	int cont = 0;   /* continuation bytes still due in a UTF-8 sequence */
	while (p < end) {
		unsigned char c = *p;
		bool bad;
		if (cont > 0 && c >= 0x80 && c <= 0xBF) {
			cont--;
			p++;
			continue;
		}
		cont = 0;
		if (c == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F) {
			fwrite(run, 1, (size_t)(p - run), f);
			fprintf(f, "\\x%02X", p[1]);
			p += 2;
			run = p;
			continue;
		}
		bad = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || (c >= 0x80 && c <= 0x9F);
		if (bad) {
			fwrite(run, 1, (size_t)(p - run), f);
			fprintf(f, "\\x%02X", c);
			run = ++p;
			continue;
		}
		cont = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		p++;
	}
	fwrite(run, 1, (size_t)(p - run), f);
}

static void std_out(void *ctx, const char *text, size_t n)
{
	(void)ctx;
	sink_write_safe(stdout, text, n);
}

static void std_err(void *ctx, const char *text, size_t n)
{
	(void)ctx;
	fflush(stdout);
	sink_write_safe(stderr, text, n);
}

static void file_out(void *ctx, const char *text, size_t len)
{
	sink_write_safe(ctx, text, len);
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
