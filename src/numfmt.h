/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Number formatting shared by every output. */
#ifndef MOESCOPE_NUMFMT_H
#define MOESCOPE_NUMFMT_H

#include <stddef.h>

/* The shortest decimal that reads back as exactly the same double. */
void fmt_exact(double v, char *buf, size_t len);
/* Three significant digits with k/M/G suffixes: "1.23M". */
void fmt_si(double v, char *buf, size_t len);
/* A readable figure: about three significant digits, no exponent for
 * everyday magnitudes ("0.421", "11.9", "2048"). */
void fmt_num(double v, char *buf, size_t len);

/* A parameter count the way model cards write it: "46.70B", "176.16M". */
void fmt_params(double v, char *buf, size_t len);

/* The same, returning buf: with the macros below a figure can be formatted
 * inside the argument list of one printf call. */
char *fmt_num_to(double v, char *buf, size_t len);
char *fmt_si_to(double v, char *buf, size_t len);
char *fmt_params_to(double v, char *buf, size_t len);
#define NUM(v) fmt_num_to((v), (char[32]){ 0 }, 32)
/* A percentage with `decimals` decimals (and a sign when signed), or "-"
 * when it is not finite: no inf or nan reaches a report. */
char *fmt_pct_to(double v, int decimals, int sign, char *buf, size_t len);
#define PCT(v, d) fmt_pct_to((v), (d), 0, (char[40]){ 0 }, 40)
#define PCTS(v, d) fmt_pct_to((v), (d), 1, (char[40]){ 0 }, 40)
#define SIN(v) fmt_si_to((v), (char[32]){ 0 }, 32)
#define PARAMS(v) fmt_params_to((v), (char[32]){ 0 }, 32)

/* Greatest common divisor of two positive integers. */
static inline long gcd_long(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

#endif
