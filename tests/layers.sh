#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers of LAYERS hold: no include runs up (the rule of
# ../shared/tools/layers.sh, checked by CI with that tool), and no two
# modules include each other, directly or through others.  A module is the
# files of one stem (x.c and x.h); a cycle among them is a tangle even
# inside one layer.  Speaks TAP.
set -u
root=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "1..3"

# 1: every .c and .h of src/ and ui/ is in exactly one layer of LAYERS
declare -A layer_of rank_of
rank=0
bad=0
while IFS= read -r line; do
	line=${line%%#*}
	[[ $line =~ ^[[:space:]]*$ ]] && continue
	name=${line%%:*}; name=${name// /}
	rank=$((rank + 1)); rank_of[$name]=$rank
	for g in ${line#*:}; do
		for f in $g; do
			[[ -e $f ]] || continue
			[[ -n ${layer_of[$f]:-} ]] && { echo "# $f is in two layers"; bad=1; }
			layer_of[$f]=$name
		done
	done
done < LAYERS
while IFS= read -r f; do
	[[ -n ${layer_of[$f]:-} ]] || { echo "# $f belongs to no layer"; bad=1; }
done < <(find src ui -name '*.[ch]' | sort)
if (( bad )); then echo "not ok 1 - every file in one layer"; else echo "ok 1 - every file in one layer"; fi

# 2: every include runs down the layers
bad=0
for f in "${!layer_of[@]}"; do
	while IFS= read -r h; do
		for cand in "$(dirname "$f")/$h" "src/$h" "ui/$h"; do
			[[ -f $cand ]] || continue
			theirs=${layer_of[${cand#./}]:-}
			[[ -z $theirs ]] && break
			if (( ${rank_of[$theirs]} > ${rank_of[${layer_of[$f]}]} )); then
				echo "# $f includes $h (layer $theirs above ${layer_of[$f]})"
				bad=1
			fi
			break
		done
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
if (( bad )); then echo "not ok 2 - every include runs down"; else echo "ok 2 - every include runs down"; fi

# 3: no circle among modules
for f in src/*.[ch] ui/*.[ch]; do
	m=$(basename "${f%.*}")
	sed -n 's/^#include "\(.*\)\.h".*/\1/p' "$f" | while read -r h; do
		[[ $h != config && $h != "$m" ]] && echo "$m $h"
	done
done | sort -u >"$tmp/edges"
if tsort "$tmp/edges" >/dev/null 2>"$tmp/loops"; then
	echo "ok 3 - no include circle between modules ($(wc -l <"$tmp/edges") edges)"
else
	echo "not ok 3 - no include circle between modules"
	sed 's/^/# /' "$tmp/loops"
fi
