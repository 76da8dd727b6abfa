/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy strings in the forms reports use. */
#include "helpers.h"
#include "strategy_parse.h"

static struct strategy parse_ok(const char *text)
{
	struct strategy_spec spec;
	struct strategy st = { 0 };
	char err[200];
	size_t col;
	cr_assert_eq(strategy_parse(text, &spec, err, sizeof err, &col), 0, "%s: %s", text, err);
	strategy_apply(&spec, &st);
	return st;
}

Test(strategy, report_forms)
{
	struct strategy st = parse_ok("EP16_TP4_PP1");
	cr_expect_eq(st.ep, 16);
	cr_expect_eq(st.tp, 4);
	cr_expect_eq(st.pp, 1);
	/* dp left out: the fewest replicas that fold ep onto dp*tp */
	cr_expect_eq(st.dp, 4);
	cr_expect_eq(st.etp, 0);

	st = parse_ok("DP2 TP2 PP4 EP16");
	cr_expect_eq(st.dp, 2);
	cr_expect_eq(st.tp, 2);
	cr_expect_eq(st.pp, 4);
	cr_expect_eq(st.ep, 16);

	st = parse_ok("ep16-tp4");
	cr_expect_eq(st.ep, 16);
	cr_expect_eq(st.tp, 4);
	cr_expect_eq(st.pp, 1);

	st = parse_ok("EP-16 \xc3\x97 TP-4 \xc3\x97 PP-1");
	cr_expect_eq(st.ep, 16);
	cr_expect_eq(st.tp, 4);

	st = parse_ok("tp=8, ep=8, dp=1, etp=1");
	cr_expect_eq(st.tp, 8);
	cr_expect_eq(st.etp, 1);
	cr_expect_eq(st.dp, 1);

	st = parse_ok("ep8xtp2");
	cr_expect_eq(st.ep, 8);
	cr_expect_eq(st.tp, 2);
}

Test(strategy, errors_name_the_word)
{
	struct strategy_spec spec;
	char err[200];
	size_t col;
	cr_expect_eq(strategy_parse("EP16_XP4", &spec, err, sizeof err, &col), -1);
	cr_expect(strstr(err, "'XP4'") != NULL, "%s", err);
	cr_expect_eq(col, 5);
	cr_expect_eq(strategy_parse("EP16 EP8", &spec, err, sizeof err, &col), -1);
	cr_expect(strstr(err, "twice") != NULL, "%s", err);
	cr_expect_eq(strategy_parse("tp", &spec, err, sizeof err, &col), -1);
	cr_expect(strstr(err, "needs a number") != NULL, "%s", err);
	cr_expect_eq(strategy_parse("", &spec, err, sizeof err, &col), -1);
	cr_expect_eq(strategy_parse("tp0", &spec, err, sizeof err, &col), -1);
	cr_expect_eq(strategy_parse("tp99999999999999999999", &spec, err, sizeof err, &col), -1);
}

Test(strategy, format)
{
	struct strategy st = { .dp = 16, .tp = 4, .pp = 1, .ep = 16 };
	char buf[64];
	strategy_format(&st, buf, sizeof buf);
	cr_expect_str_eq(buf, "DP16_TP4_PP1_EP16");
	st.etp = 2;
	strategy_format(&st, buf, sizeof buf);
	cr_expect_str_eq(buf, "DP16_TP4_PP1_EP16_ETP2");
}
