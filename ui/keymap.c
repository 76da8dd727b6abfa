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
	{ 'F', ACT_FRONTIER }, { 'u', ACT_UNDO }, { 'U', ACT_REDO },
};

int keymap_action(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

static const struct {
	int key;
	int action;
} pager_bindings[] = {
	{ KEY_UP, PG_LINE_UP }, { 'k', PG_LINE_UP }, { KEY_DOWN, PG_LINE_DOWN }, { 'j', PG_LINE_DOWN },
	{ '\r', PG_LINE_DOWN }, { KEY_ENTER, PG_LINE_DOWN },
	{ KEY_PPAGE, PG_PAGE_UP }, { 'b', PG_PAGE_UP }, { KEY_NPAGE, PG_PAGE_DOWN }, { ' ', PG_PAGE_DOWN },
	{ KEY_HOME, PG_TOP }, { 'g', PG_TOP }, { '<', PG_TOP }, { KEY_END, PG_BOTTOM }, { 'G', PG_BOTTOM },
	{ '>', PG_BOTTOM },
	{ '/', PG_FIND }, { 'n', PG_NEXT }, { 'N', PG_PREV },
	{ 'q', PG_CLOSE }, { 27, PG_CLOSE }, { ':', PG_COMMAND }, { '?', PG_HELP }, { KEY_F(1), PG_HELP },
	{ 3, PG_QUIT }, { 12, PG_REDRAW },
};

int pager_action(int key)
{
	for (size_t i = 0; i < sizeof pager_bindings / sizeof pager_bindings[0]; i++)
		if (pager_bindings[i].key == key)
			return pager_bindings[i].action;
	return PG_NONE;
}

const struct key_help keymap_help[] = {
	{ "Up Down  k j  Tab", "select a slider" },
	{ "Left Right  h l  - +", "step through valid values" },
	{ "Home End", "first or last valid value" },
	{ "mouse", "click or drag a slider" },
	{ ": or /", "command line (Tab completes, Up recalls, Ctrl-R searches)" },
	{ "Esc", "leave the command line; back to diagnostics" },
	{ "PgUp PgDn  wheel", "scroll the diagnostics; output opens in the pager (below)" },
	{ "f", "the list of fixes, the suggested one chosen: Up Down choose, Enter applies (it says when a fix relaxes a requirement or changes the workload)" },
	{ "u U", "undo, redo: sliders, set, fixes, loads, applied results" },
	{ "s", "save the scenario (asks for a file name)" },
	{ "p", "pin the scenario as the baseline (again: unpin); figures show the change" },
	{ ":sweep / :search", "chart a sweep (Left Right: figure) / pick a result (Enter)" },
	{ "F  :frontier", "tokens/s per GPU against per user: Left Right walk the front, Enter applies" },
	{ "Esc Ctrl-C", "while a search, frontier or recommend runs: stop it (what it saw is shown, marked partial)" },
	{ "? F1", "this help (scrolls; q or Esc closes it)" },
	{ "Ctrl-L", "redraw" },
	{ "q Ctrl-C", "quit" },
	{ NULL, NULL },
};
