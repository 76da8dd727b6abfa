# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for moescope: options, formats, keys for --set, and
# scenario files or preset names as arguments.

_moescope_presets()
{
	# "kind,name,path" rows; the header row is skipped
	"$1" --presets -o csv 2>/dev/null | tail -n +2 | cut -d, -f2
}

_moescope_keys()
{
	# the key table as CSV: the dotted names and their aliases
	"$1" -o csv -e 'help keys' 2>/dev/null | tail -n +2 | cut -d, -f1,2 | tr ',' '\n' | grep .
}

_moescope()
{
	local cur prev words cword
	_init_completion -n = || return

	case $prev in
	-o | --format)
		COMPREPLY=($(compgen -W 'text json csv' -- "$cur"))
		return
		;;
	-f | --script)
		_filedir
		return
		;;
	-e | --exec)
		COMPREPLY=($(compgen -W 'show check search frontier recommend sweep export import dag validate calibrate presets help' -- "$cur"))
		return
		;;
	--set)
		compopt -o nospace
		COMPREPLY=($(compgen -W "$(_moescope_keys "$1" | sed 's/$/=/')" -- "$cur"))
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-e --exec -f --script -o --format --set --presets -h --help -V --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "$(_moescope_presets "$1")" -- "$cur"))
	_filedir '@(yaml|yml)'
} && complete -F _moescope moescope
