#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The explorer end to end, as a user sees it: started in tmux at 80x24,
# driven with send-keys, read with capture-pane.  Speaks TAP.
: "${MOESCOPE:=./moescope}"
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
sock="moescope-test-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
n=0
failed=0

screen() { tm capture-pane -p -t "${1:-t}" 2>/dev/null; }

# wait_for REGEX: poll the screen (never a fixed sleep), up to 10 s
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		if screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "# timed out waiting for: $1"
	screen | sed 's/^/# | /'
	return 1
}

# wait_for_in TARGET REGEX: the same in another window
wait_for_in() {
	i=0
	while [ $i -lt 200 ]; do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# timed out waiting in $1 for: $2"
	screen "$1" | sed 's/^/# | /'
	return 1
}

ok() {   # ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

tm new-session -d -s t -x 80 -y 24 \
	"env INPUTRC=/dev/null NO_COLOR=1 LANG=C.UTF-8 TERM=screen XDG_STATE_HOME='$tmp/state' '$MOESCOPE'; echo \"EXITED \$?\"; sleep 600"

t_opens() {
	wait_for '64 GPUs' && wait_for 'TTFT' && wait_for 'memory per device' &&
		wait_for 'diagnostics' && wait_for 'q quit' && wait_for '^.>EP ' && wait_for '^. seq '
}
t_ep_left() {
	tm send-keys -t t Left
	wait_for '^.>EP .* 8 .' && wait_for 'per GPU +1143 tok/s out' && wait_for 'per user +648 tok/s'
}
t_ep_right() {
	tm send-keys -t t Right
	wait_for '^.>EP .* 16 .' && wait_for 'per GPU +1301 tok/s out'
}
t_set_tp() {
	tm send-keys -t t : 'set tp 2' Enter
	wait_for '^. TP .* 2 .' && wait_for '32 GPUs'
}
t_bad_command() {
	tm send-keys -t t : 'set tp 3' Enter
	wait_for 'set: heads \(16\) must be divisible by tp; valid: 1 2 4 8 16' && wait_for '^. TP .* 2 .'
}
t_fix_key() {
	tm send-keys -t t : 'set dp 2' Enter
	wait_for 'E_FOLD' || return 1
	tm send-keys -t t f
	wait_for 'fixes \(Up Down choose, Enter applies, Esc closes\)' || return 1
	tm send-keys -t t Enter
	wait_for "applied 'set dp 8'" || return 1
	# u takes it back, U puts it again
	tm send-keys -t t u
	wait_for 'undo: set dp 8' || return 1
	tm send-keys -t t U
	wait_for 'redo: set dp 8'
}
t_wide() {
	# 200x60: the time per phase beside the diagnostics, the context line,
	# and after a frontier its chart in the same pane
	tm resize-window -t t -x 200 -y 60
	wait_for 'where the time goes' && wait_for 'TP all-reduce' && wait_for 'ETP[0-9]+ · bf16 · static' || return 1
	tm send-keys -t t : 'frontier max-gpus 8' Enter
	wait_for 'walk, Enter applies' || return 1
	tm send-keys -t t Escape
	wait_for 'output \(j k' || return 1
	tm send-keys -t t q
	wait_for 'frontier \(F: walk it\)' || return 1
	# 60x16: a requirement is shown whole or not at all
	tm resize-window -t t -x 60 -y 16
	wait_for 'per user +[0-9.]+ tok/s' || return 1
	! screen | grep -Eq '(≥|>=) 1 *│$'
	tm resize-window -t t -x 80 -y 24
	wait_for '^.>EP '
}
t_resize() {
	tm resize-window -t t -x 40 -y 10
	wait_for 'terminal too small' || return 1
	tm resize-window -t t -x 80 -y 24
	wait_for 'memory per device'
}
t_resize_storm() {
	for size in 1x1 200x60 10x4 60x16 33x7 120x40 2x2 80x24; do
		tm resize-window -t t -x "${size%x*}" -y "${size#*x}"
	done
	wait_for 'memory per device' && wait_for '^.>EP '
}
t_help() {
	tm send-keys -t t '?'
	wait_for 'help \(j k PgUp PgDn Home End; q Esc: close\)' || return 1
	# other keys leave it open; it scrolls to its end; q closes it
	tm send-keys -t t x Left End
	wait_for 'stop reading commands' || return 1
	tm send-keys -t t q
	wait_for '^.>EP '
}
t_pager() {
	tm send-keys -t t : 'help keys' Enter
	wait_for 'output \(j k PgUp PgDn / search, q Esc: back\)' || return 1
	tm send-keys -t t Home End k j Left
	wait_for 'claims.tolerance' || return 1
	tm send-keys -t t / 'hbm_util' Enter
	wait_for 'hardware.hbm_util' || return 1
	# no key reached a slider: TP is 2 as :set left it, the selection on EP
	screen | grep -Eq '^.>EP ' && screen | grep -Eq '^. TP .* 2 .' || return 1
	tm send-keys -t t q
	wait_for '─ diagnostics ─'
}
t_pin() {
	tm send-keys -t t p
	wait_for 'pinned DP8_TP2_PP1_EP16' || return 1
	tm send-keys -t t Left
	wait_for 'TTFT .*(▲|▼) [0-9.]+%'
}
t_sweep_chart() {
	tm send-keys -t t : 'sweep batch 1 256 x2' Enter
	wait_for 'sweep batch: decode \(tok/ms/GPU\)' || return 1
	tm send-keys -t t Right
	wait_for 'sweep batch: prefill' || return 1
	tm send-keys -t t Escape
	wait_for '^.>EP '
}
t_search_apply() {
	tm send-keys -t t : 'search max-gpus 16' Enter
	wait_for 'search results' || return 1
	tm send-keys -t t Enter
	wait_for 'applied DP.* \(search rank 1\)'
}
moescope_pid() {
	shell=$(tm display-message -p -t t '#{pane_pid}')
	pgrep -P "$shell" -f moescope | head -1
}
# Job control needs an interactive shell: ^Z, the shell reports the job
# stopped, fg brings the explorer back and it redraws.
t_suspend() {
	tm new-window -d -n js -t t "env -i PATH='$PATH' HOME='$tmp' TERM=screen LANG=C.UTF-8 INPUTRC=/dev/null PS1='$ ' bash --norc --noprofile -i" || return 1
	tm send-keys -t t:js "XDG_STATE_HOME='$tmp/state' NO_COLOR=1 '$MOESCOPE'" Enter
	wait_for_in t:js 'memory per device' || return 1
	tm send-keys -t t:js C-z
	wait_for_in t:js 'Stopped' || return 1
	tm send-keys -t t:js 'fg' Enter
	wait_for_in t:js 'memory per device' && wait_for_in t:js '^.>EP ' || return 1
	# from the command line too: it comes back with what was typed
	tm send-keys -t t:js : 'set tp 2'
	wait_for_in t:js '> set tp 2' || return 1
	tm send-keys -t t:js C-z
	wait_for_in t:js 'Stopped' || return 1
	tm send-keys -t t:js 'clear; fg' Enter
	wait_for_in t:js '> set tp 2' || return 1
	tm send-keys -t t:js Escape q
	wait_for_in t:js '^[$] ?$'
}
t_paste() {
	# 10,000 characters pasted into the command line are taken at once
	tm send-keys -t t :
	tm send-keys -t t -l "set name $(printf '%10000s' '' | tr ' ' x)"
	wait_for '> x{60}' || return 1
	tm send-keys -t t Enter
	wait_for 'word too long' || return 1
	# a bracketed paste is commands, line by line, never keys: its q quits nothing
	tm set-buffer "$(printf 'set tp 2\nq\nset batch 64')"
	tm paste-buffer -p -t t
	wait_for '> set batch 64 ' || return 1
	screen | grep -Eq '^. TP .* 2 .' || return 1
	tm send-keys -t t Escape
	wait_for "unknown command 'q'" && wait_for '^.>EP '
}
t_completion() {
	tm send-keys -t t : 'stra' Tab
	wait_for '> strategy +│' || return 1
	tm send-keys -t t C-u 'load mixtral-8x' Tab Tab
	wait_for 'mixtral-8x22b' && wait_for 'mixtral-8x7b-2xh100' || return 1
	tm send-keys -t t Escape Escape
	wait_for 'select .* change'
}
t_quit() {
	tm send-keys -t t q
	wait_for '^EXITED 0$' || return 1
	# the explorer's screen is gone: the terminal is back as it was
	! screen | grep -q 'memory per device'
}
t_history() { grep -qx 'set tp 2' "$tmp/state/moescope/history"; }

ok "opens on the default scenario with every pane at 80x24" t_opens
ok "Left on the EP slider changes EP and the figures" t_ep_left
ok "Right on the EP slider changes it back" t_ep_right
ok ":set tp 2 updates TP" t_set_tp
ok "a refused command shows its error and changes nothing" t_bad_command
ok "f lists the fixes, Enter applies one; u undoes it, U redoes it" t_fix_key
ok "200x60 shows the time per phase and the frontier; 60x16 never cuts a requirement" t_wide
ok "resizing to 40x10 and back" t_resize
ok "a resize storm down to 1x1" t_resize_storm
ok "? opens the help: it scrolls, only q Esc ? close it" t_help
ok "output opens a pager whose keys never reach the sliders" t_pager
t_save_asks() {
	tm send-keys -t t : "save $tmp/ask.yaml" Enter
	wait_for "saved $tmp/ask.yaml" || return 1
	tm send-keys -t t : "save $tmp/ask.yaml" Enter
	wait_for 'ask.yaml exists: overwrite it\? y: yes' || return 1
	tm send-keys -t t n
	wait_for 'not saved' || return 1
	tm send-keys -t t : "save $tmp/ask.yaml" Enter
	wait_for 'overwrite it\?' || return 1
	tm send-keys -t t y
	wait_for "saved $tmp/ask.yaml"
}
ok "save asks before it overwrites a file, and says where it wrote" t_save_asks
ok "p pins a baseline and the figures show the change" t_pin
ok ":sweep opens a chart, Right changes the figure" t_sweep_chart
ok ":search lists results, Enter applies one" t_search_apply
ok "Tab completes commands and preset names" t_completion
ok "Ctrl-Z suspends to the shell, fg redraws (also from the command line)" t_suspend
ok "a 10,000-character paste is taken at once; a bracketed paste is commands, never keys" t_paste
ok "q exits 0 and restores the terminal" t_quit
ok "the command history is saved" t_history

# A second explorer, stopped with SIGTERM: terminal restored, status 143.
tm respawn-pane -k -t t \
	"env INPUTRC=/dev/null NO_COLOR=1 LANG=C.UTF-8 TERM=screen XDG_STATE_HOME='$tmp/state' '$MOESCOPE'; echo \"EXITED \$?\"; sleep 600"
t_sigterm() {
	wait_for 'memory per device' || return 1
	pid=$(moescope_pid)
	[ -n "$pid" ] && kill -TERM "$pid"
	wait_for '^EXITED 143$' && ! screen | grep -q 'memory per device'
}
ok "SIGTERM restores the terminal and exits 143" t_sigterm

# A third explorer under a decimal-comma locale (built here: the system
# may have none): numbers still read and print with a point, files too.
t_decimal_comma() {
	mkdir -p "$tmp/loc" &&
		localedef -i de_DE -f UTF-8 "$tmp/loc/de_DE.UTF-8" >/dev/null 2>&1 ||
		{ echo "# localedef could not build de_DE.UTF-8 (Debian: the locales package)"; return 1; }
	tm respawn-pane -k -t t \
		"env INPUTRC=/dev/null NO_COLOR=1 LOCPATH='$tmp/loc' LC_ALL=de_DE.UTF-8 TERM=screen XDG_STATE_HOME='$tmp/state' '$MOESCOPE'; echo \"EXITED \$?\"; sleep 600"
	wait_for 'memory per device' || return 1
	tm send-keys -t t : 'load h200' Enter
	tm send-keys -t t : 'set hardware.mfu 0.5' Enter
	tm send-keys -t t : "save $tmp/comma.yaml" Enter
	i=0
	while [ ! -f "$tmp/comma.yaml" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	wait_for 'h200' && ! screen | grep -q 'not a number' &&
		grep -q '^  mfu: 0.5$' "$tmp/comma.yaml" && ! grep -q '[0-9],[0-9]' "$tmp/comma.yaml" ||
		{ screen | sed 's/^/# | /'; sed 's/^/# file: /' "$tmp/comma.yaml"; return 1; }
	tm send-keys -t t : 'set mfu 0.4' Enter
	tm send-keys -t t : "load $tmp/comma.yaml" Enter
	tm send-keys -t t : 'get hardware.mfu' Enter
	wait_for '│ 0\.5 +│' && ! screen | grep -q '0,5'
}
ok "under a decimal-comma locale numbers read, print and save with a point" t_decimal_comma

echo "1..$n"
[ "$failed" -eq 0 ]
