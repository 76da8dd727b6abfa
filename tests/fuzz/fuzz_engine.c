/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engine launch commands: any bytes are read as a command (and as a
 * TensorRT-LLM options file) or refused with a message that changes
 * nothing; a command that applies and that moescope can model is exported
 * again, and that export reads back to the same strategy. */
#include "config.h"

#include <stdint.h>

#include "export_engine.h"
#include "fuzz_common.h"
#include "import_engine.h"
#include "scenario_resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct scenario *s, int engine)
{
	static struct engine_command c;
	static struct engine_import imp;
	static struct scenario back, a, b;
	static char text[ENGINE_ARGS_MAX * (ENGINE_ARG_LEN + 8)];
	char err[600];
	if (engine_export(engine, s, &c, err, sizeof err) != 0)
		return;
	engine_command_text(&c, 1, text, sizeof text);
	if (engine_import_parse(text, &imp, err, sizeof err) != 0)
		abort();
	if (c.options_file[0] && engine_import_options(&imp, "o", c.options, strlen(c.options), err, sizeof err) != 0)
		abort();
	back = *s;
	if (engine_import_apply(&imp, &back, err, sizeof err) != 0)
		abort();
	scenario_resolve(s, &a);
	scenario_resolve(&back, &b);
	if (a.strat.dp != b.strat.dp || a.strat.tp != b.strat.tp || a.strat.pp != b.strat.pp ||
	    a.strat.ep != b.strat.ep || a.strat.etp != b.strat.etp)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s, before;
	static struct engine_import imp;
	static char text[IMPORT_COMMAND_MAX + 1];
	static struct result r;
	char err[600];

	if (size > IMPORT_COMMAND_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	scenario_default(&s);
	before = s;
	err[0] = '\0';
	if (engine_import_parse(text, &imp, err, sizeof err) != 0) {
		if (!err[0])
			abort();
	} else {
		err[0] = '\0';
		if (engine_import_apply(&imp, &s, err, sizeof err) != 0) {
			if (!err[0] || memcmp(&before, &s, sizeof s) != 0)
				abort();
		} else {
			cost_evaluate(&s, &r);
			if (r.ok)
				round_trip(&s, imp.engine);
		}
	}
	/* the same bytes as an options file onto a plain command */
	if (engine_import_parse("trtllm-serve m", &imp, err, sizeof err) != 0)
		abort();
	struct engine_import was = imp;
	err[0] = '\0';
	if (engine_import_options(&imp, "fuzz.yml", text, size, err, sizeof err) != 0 &&
	    (!err[0] || memcmp(&was, &imp, sizeof imp) != 0))
		abort();
	return 0;
}
