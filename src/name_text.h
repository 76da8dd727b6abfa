/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a name may hold.  Names (of a scenario, a GPU, a model, a Hugging
 * Face id) travel into shell scripts, JSON, CSV, DOT and the terminal; a
 * line break in one would end a comment of an exported script and forge a
 * line of output.  So a name is valid UTF-8 without control characters,
 * checked where it comes in, and shown visibly where it is reported. */
#ifndef MOESCOPE_NAME_TEXT_H
#define MOESCOPE_NAME_TEXT_H

#include <stddef.h>

/* The length of the valid UTF-8 character (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF) at p, controls included, or 0 for a
 * byte that starts none (and for the NUL that ends a string). */
int utf8_char_len(const unsigned char *p);

/* The offset of the first byte that a name may not hold (a C0 control, DEL,
 * a C1 control, or a byte that is not part of valid UTF-8), or -1. */
long name_bad_byte(const char *text);

/* The name with every byte a name may not hold written as \xNN, cut to fit
 * len (at least 1) and always terminated. */
void name_visible(const char *text, char *buf, size_t len);

/* 0 if text is a valid name; else -1 with "WHAT: ..." in err. */
int name_check(const char *what, const char *text, char *err, size_t errlen);

#endif
