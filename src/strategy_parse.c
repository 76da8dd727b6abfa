/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numfmt.h"
#include "keys.h"
#include "strategy_parse.h"

static const struct {
	const char *name;
	unsigned bit;
} degrees[] = {
	{ "dp", SP_DP }, { "tp", SP_TP }, { "pp", SP_PP }, { "ep", SP_EP }, { "etp", SP_ETP },
};

static long *slot(struct strategy_spec *sp, unsigned bit)
{
	switch (bit) {
	case SP_DP: return &sp->dp;
	case SP_TP: return &sp->tp;
	case SP_PP: return &sp->pp;
	case SP_EP: return &sp->ep;
	default: return &sp->etp;
	}
}

static unsigned degree_bit(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof degrees / sizeof degrees[0]; i++)
		if (strlen(degrees[i].name) == len && strncasecmp(word, degrees[i].name, len) == 0)
			return degrees[i].bit;
	/* "ep16xtp4": an 'x' glued in front of a name is a separator */
	if (len > 1 && (word[0] == 'x' || word[0] == 'X'))
		return degree_bit(word + 1, len - 1);
	return 0;
}

int strategy_parse(const char *text, struct strategy_spec *out, char *err, size_t errlen,
		   size_t *err_col)
{
	const char *p = text;

	memset(out, 0, sizeof *out);
	*err_col = 0;
	for (;;) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *word = p;
		while (isalpha((unsigned char)*p))
			p++;
		size_t len = (size_t)(p - word);
		unsigned bit = degree_bit(word, len);
		if (len == 0 || !bit) {
			while (isalnum((unsigned char)*p))
				p++;
			*err_col = (size_t)(word - text);
			snprintf(err, errlen, "unknown degree '%.*s'; expected dp, tp, pp, ep or etp followed by a number",
				 (int)(p - word), word);
			return -1;
		}
		while (*p == ' ' || *p == '=' || *p == '-' || *p == ':')
			p++;
		if (!isdigit((unsigned char)*p)) {
			*err_col = (size_t)(word - text);
			snprintf(err, errlen, "'%.*s' needs a number after it", (int)len, word);
			return -1;
		}
		errno = 0;
		char *end;
		long v = strtol(p, &end, 10);
		if (errno || v < 1 || v > 1000000) {
			*err_col = (size_t)(p - text);
			snprintf(err, errlen, "'%.*s': the degree must be from 1 to 1000000",
				 (int)(end - word), word);
			return -1;
		}
		if (out->given & bit) {
			*err_col = (size_t)(word - text);
			snprintf(err, errlen, "'%.*s' is given twice", (int)len, word);
			return -1;
		}
		out->given |= bit;
		*slot(out, bit) = v;
		p = end;
	}
	if (!out->given) {
		snprintf(err, errlen, "no degree found; expected e.g. EP16_TP4_PP1 or \"dp 2 tp 4 ep 8\"");
		return -1;
	}
	return 0;
}

void strategy_apply(const struct strategy_spec *spec, struct strategy *st)
{
	st->tp = (spec->given & SP_TP) ? spec->tp : 1;
	st->pp = (spec->given & SP_PP) ? spec->pp : 1;
	st->ep = (spec->given & SP_EP) ? spec->ep : 1;
	st->etp = (spec->given & SP_ETP) ? spec->etp : 0;
	if (spec->given & SP_DP)
		st->dp = spec->dp;
	else
		st->dp = st->ep / gcd_long(st->ep, st->tp);
}

void strategy_format(const struct strategy *st, char *buf, size_t len)
{
	int n = snprintf(buf, len, "DP%ld_TP%ld_PP%ld_EP%ld", st->dp, st->tp, st->pp, st->ep);
	if (st->etp > 0 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "_ETP%ld", st->etp);
}

int strategy_apply_checked(const struct strategy_spec *spec, struct scenario *s, char *err, size_t errlen)
{
	static const char *const names[] = { "strategy.dp", "strategy.tp", "strategy.pp", "strategy.ep" };
	struct scenario c = *s;
	struct strategy st = s->strat;
	char text[32];

	strategy_apply(spec, &st);
	const long values[] = { st.dp, st.tp, st.pp, st.ep };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(text, sizeof text, "%ld", values[i]);
		if (key_set(&c, key_find(names[i]), text, err, errlen) != 0)
			return -1;
	}
	snprintf(text, sizeof text, "%ld", st.etp);
	if (st.etp > 0 && key_set(&c, key_find("strategy.etp"), text, err, errlen) != 0)
		return -1;
	c.strat.etp = st.etp;
	*s = c;
	return 0;
}
