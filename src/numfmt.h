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

#endif
