/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "numfmt.h"

void fmt_exact(double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "%s", isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

void fmt_si(double v, char *buf, size_t len)
{
	static const char suffix[] = { 0, 'k', 'M', 'G', 'T', 'P' };
	double a = fabs(v);
	int i = 0;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (a >= 999.5 && i < 5) {
		a /= 1000.0;
		v /= 1000.0;
		i++;
	}
	int decimals = a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
	if (i == 0 && v == floor(v))
		decimals = 0;
	if (suffix[i])
		snprintf(buf, len, "%.*f%c", decimals, v, suffix[i]);
	else
		snprintf(buf, len, "%.*f", decimals, v);
}

void fmt_num(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (v == 0 || (a < 1e12 && v == floor(v))) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	if (a < 1e-3 || a >= 1e12) {
		snprintf(buf, len, "%.3g", v);
		return;
	}
	if (a < 1) {
		snprintf(buf, len, "%.3g", v);
		return;
	}
	int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
	snprintf(buf, len, "%.*f", decimals, v);
}

void fmt_params(double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (fabs(v) >= 1e9)
		snprintf(buf, len, "%.2fB", v / 1e9);
	else if (fabs(v) >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else
		fmt_si(v, buf, len);
}

char *fmt_num_to(double v, char *buf, size_t len)
{
	fmt_num(v, buf, len);
	return buf;
}

char *fmt_si_to(double v, char *buf, size_t len)
{
	fmt_si(v, buf, len);
	return buf;
}

char *fmt_params_to(double v, char *buf, size_t len)
{
	fmt_params(v, buf, len);
	return buf;
}

char *fmt_pct_to(double v, int decimals, int sign, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, sign ? "%+.*f" : "%.*f", decimals, v);
	return buf;
}
