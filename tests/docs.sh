#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every example of the README and of docs/ still runs and still prints what
# the text says.  An example is an indented line "$ moescope ..." (joined
# with the next lines while a quote is open); the indented lines after it,
# up to the next example or the end of the block, are its output, stdout
# and stderr together.  A line "..." in the output stands for any lines;
# without one the output must be exactly what is written.  Run from the
# source tree, so that paths in examples are those of a checkout.  TAP.
set -u
root=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
: "${MOESCOPE:=$root/moescope}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$MOESCOPE" "$tmp/bin/moescope"
export PATH="$tmp/bin:$PATH" LC_ALL=C.UTF-8 NO_COLOR=1
: "${MOESCOPE_PRESETS:=$root/data/presets}"
export MOESCOPE_PRESETS

# Split the examples into $tmp/N.where, N.cmd and N.exp.
n=0
for md in "$root/README.md" "$root"/docs/*.md; do
	awk -v dir="$tmp" -v md="${md#"$root"/}" -v start="$n" '
	function flush() { if (cur) { close(dir "/" cur ".exp") } cur = 0 }
	function quotes(s,   t) { t = s; return gsub(/'\''/, "", t) }
	BEGIN { k = start }
	{
		if (cont) {           # a command whose quote is still open
			line = $0; sub(/^ +/, "", line)
			cmd = cmd " " line
			if (quotes(cmd) % 2 == 0) { cont = 0; print cmd > (dir "/" cur ".cmd"); close(dir "/" cur ".cmd") }
			next
		}
		if ($0 ~ /^    \$ moescope/) {
			flush()
			cur = ++k
			print md ":" NR > (dir "/" cur ".where"); close(dir "/" cur ".where")
			printf "" > (dir "/" cur ".exp")
			cmd = substr($0, 7)
			if (quotes(cmd) % 2) { cont = 1; next }
			print cmd > (dir "/" cur ".cmd"); close(dir "/" cur ".cmd")
			blank = 0
			next
		}
		if (!cur) next
		if ($0 ~ /^    / || $0 == "") {
			if ($0 == "") { blank++; next }
			for (; blank > 0; blank--) print "" > (dir "/" cur ".exp")
			print substr($0, 5) > (dir "/" cur ".exp")
			next
		}
		flush(); blank = 0
	}
	END { flush(); print k > (dir "/count") }' "$md"
	n=$(cat "$tmp/count")
done

# Whether the output (file 2) is what the text says (file 1).
matches() {
	awk '
	FNR == NR { e[++ne] = $0; next }
	{ sub(/[ \t]+$/, ""); o[++no] = $0 }
	END {
		for (i = 1; i <= ne; i++) sub(/[ \t]+$/, "", e[i])
		oi = 1; i = 1; anchored = 1
		while (i <= ne) {
			if (e[i] == "...") { anchored = 0; i++; continue }
			# the run of lines up to the next "..." or the end
			j = i; while (j <= ne && e[j] != "...") j++
			len = j - i; found = 0
			last = (j > ne)
			for (p = oi; p + len - 1 <= no; p++) {
				if (anchored && p != oi) break
				if (last && p + len - 1 != no) continue
				ok = 1
				for (q = 0; q < len; q++) if (o[p + q] != e[i + q]) { ok = 0; break }
				if (ok) { found = 1; break }
			}
			if (!found) { print "# no match for: " e[i]; exit 1 }
			oi = p + len; i = j; anchored = 1
		}
		if (ne > 0 && e[ne] != "..." && oi != no + 1) { print "# output goes on after: " e[ne]; exit 1 }
	}' "$1" "$2"
}

echo "1..$n"
failed=0
for i in $(seq 1 "$n"); do
	where=$(cat "$tmp/$i.where")
	(cd "$root" && timeout 120 bash -c "$(cat "$tmp/$i.cmd")") >"$tmp/$i.out" 2>&1 </dev/null
	if why=$(matches "$tmp/$i.exp" "$tmp/$i.out"); then
		echo "ok $i - $where"
	else
		echo "not ok $i - $where: $(cat "$tmp/$i.cmd")"
		echo "$why"
		sed 's/^/#   got: /' "$tmp/$i.out" | head -40
		failed=1
	fi
done
exit $failed
