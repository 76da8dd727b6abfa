/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a name may hold (name_text.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "name_text.h"

int utf8_char_len(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;   /* stray continuations, overlong leads */
	int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* The length of the valid UTF-8 character at p that is no control
 * character (C0, DEL or C1), or 0. */
static int char_len(const unsigned char *p)
{
	int n = utf8_char_len(p);
	if (n == 1 && (p[0] < 0x20 || p[0] == 0x7F))
		return 0;
	if (n == 2 && p[0] == 0xC2 && p[1] <= 0x9F)
		return 0;   /* U+0080-U+009F: the C1 controls */
	return n;
}

long name_bad_byte(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		int n = char_len(p);
		if (!n)
			return (long)(p - (const unsigned char *)text);
		p += n;
	}
	return -1;
}

void name_visible(const char *text, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0;
	while (*p && n + 1 < len) {
		int k = char_len(p);
		if (k == 0) {
			if (n + 5 > len)
				break;
			snprintf(buf + n, len - n, "\\x%02X", *p);
			n += 4;
			p++;
			continue;
		}
		if (n + (size_t)k + 1 > len)
			break;
		memcpy(buf + n, p, (size_t)k);
		n += (size_t)k;
		p += k;
	}
	buf[n] = '\0';
}

int name_check(const char *what, const char *text, char *err, size_t errlen)
{
	long at = name_bad_byte(text);
	if (at < 0)
		return 0;
	char shown[160];
	name_visible(text, shown, sizeof shown);
	snprintf(err, errlen, "%s: a name may not hold a line break, a control character or invalid UTF-8 "
		 "(byte 0x%02X at %ld in '%s')", what, (unsigned char)text[at], at + 1, shown);
	return -1;
}
