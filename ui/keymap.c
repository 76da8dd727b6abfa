/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keys of slider mode.  The curses key codes are passed in as plain ints so
 * this table needs no curses header; ui/tui.c hands over KEY_* values. */
#include "config.h"

#include <curses.h>

#include "app.h"

static const struct {
	int key;
	int action;
} bindings[] = {
	{ KEY_UP, ACT_UP }, { 'k', ACT_UP }, { KEY_DOWN, ACT_DOWN }, { 'j', ACT_DOWN }, { '\t', ACT_DOWN },
	{ KEY_BTAB, ACT_UP },
	{ KEY_LEFT, ACT_LEFT }, { 'h', ACT_LEFT }, { '-', ACT_LEFT },
	{ KEY_RIGHT, ACT_RIGHT }, { 'l', ACT_RIGHT }, { '+', ACT_RIGHT }, { '=', ACT_RIGHT },
	{ KEY_HOME, ACT_HOME }, { KEY_END, ACT_END },
	{ KEY_PPAGE, ACT_PAGE_UP }, { KEY_NPAGE, ACT_PAGE_DOWN },
	{ ':', ACT_COMMAND }, { '/', ACT_COMMAND }, { 's', ACT_SAVE }, { 'f', ACT_FIX },
	{ '?', ACT_HELP }, { KEY_F(1), ACT_HELP }, { 27, ACT_ESCAPE },
	{ 'q', ACT_QUIT }, { 3, ACT_QUIT }, { 12, ACT_REDRAW }, { 'p', ACT_PIN },
	{ '\r', ACT_ENTER }, { '\n', ACT_ENTER }, { KEY_ENTER, ACT_ENTER },
	{ 'F', ACT_FRONTIER },
};

int keymap_action(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

const struct key_help keymap_help[] = {
	{ "Up Down  k j  Tab", "select a slider" },
	{ "Left Right  h l  - +", "step through valid values" },
	{ "Home End", "first or last valid value" },
	{ "mouse", "click or drag a slider" },
	{ ": or /", "command line (Tab completes, Up recalls, Ctrl-R searches)" },
	{ "Esc", "leave the command line; back to diagnostics" },
	{ "PgUp PgDn", "scroll the lower pane" },
	{ "f", "apply the suggested fix of the first diagnostic that has one" },
	{ "s", "save the scenario (asks for a file name)" },
	{ "p", "pin the scenario as the baseline (again: unpin); figures show the change" },
	{ ":sweep / :search", "chart a sweep (Left Right: figure) / pick a result (Enter)" },
	{ "F  :frontier", "tokens/s per GPU against per user: Left Right walk the front, Enter applies" },
	{ "? F1", "this help" },
	{ "Ctrl-L", "redraw" },
	{ "q Ctrl-C", "quit" },
	{ NULL, NULL },
};
