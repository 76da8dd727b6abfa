/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"

static const struct figure_info infos[FIG_COUNT] = {
	[FIG_GPUS] = { "GPUs", "gpus", "", false },
	[FIG_MEM] = { "memory", "max_total_gib", "GiB", false },
	[FIG_TTFT] = { "TTFT", "ttft_s", "s", false },
	[FIG_TPOT] = { "TPOT", "tpot_ms", "ms", false },
	[FIG_TOKENS] = { "decode", "tokens_per_ms_per_gpu", "tok/ms/GPU", true },
	[FIG_PREFILL] = { "prefill", "prefill_tokens_per_s", "tok/s", true },
	[FIG_E2E] = { "latency", "e2e_latency_s", "s", false },
};

const struct figure_info *figure_info(int fig)
{
	return fig >= 0 && fig < FIG_COUNT ? &infos[fig] : NULL;
}

double figure_value(const struct result *r, int fig)
{
	switch (fig) {
	case FIG_GPUS: return r->gpus;
	case FIG_MEM: return r->ok ? r->max_total_gib : NAN;
	case FIG_TTFT: return r->ttft_s;
	case FIG_TPOT: return r->tpot_ms;
	case FIG_TOKENS: return r->tokens_per_ms_per_gpu;
	case FIG_PREFILL: return r->prefill_tokens_per_s;
	case FIG_E2E: return r->e2e_latency_s;
	default: return NAN;
	}
}

void fmt_delta(double now, double base, bool utf8, char *buf, size_t len)
{
	if (!isfinite(now) || !isfinite(base) || base == 0) {
		snprintf(buf, len, "%s", now == base ? (utf8 ? "= 0%" : "=0%") : "-");
		return;
	}
	double pct = 100.0 * (now - base) / fabs(base);
	const char *up = utf8 ? "\u25b2 " : "+", *down = utf8 ? "\u25bc " : "-";
	if (fabs(pct) < 0.05)
		snprintf(buf, len, "%s", utf8 ? "= 0%" : "=0%");
	else if (fabs(pct) < 10)
		snprintf(buf, len, "%s%.1f%%", pct > 0 ? up : down, fabs(pct));
	else
		snprintf(buf, len, "%s%.0f%%", pct > 0 ? up : down, fabs(pct));
}

bool output_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
