#!/bin/sh
# Make the seed corpus of one kind of harness from the tree's scenarios.
#   usage: seeds.sh KIND SOURCE_ROOT DIR
set -eu
kind=$1 root=$2 dir=$3
mkdir -p "$dir"
n=0
for f in "$root"/scenarios/*.scn "$root"/tests/scenarios/*.scn \
    "$root"/tests/scenarios/outcome/*.scn "$root"/tests/tshark/*.scn; do
	[ -f "$f" ] || continue
	case $kind in
	scenario)
		n=$((n + 1))
		cp "$f" "$dir/seed$n"
		;;
	ipfw|ipfw_diff)
		# the words after "ipfw" on host and `at` lines
		sed -n 's/^.*[[:space:]]ipfw[[:space:]]\{1,\}//p' "$f" |
		while IFS= read -r line; do
			n=$((n + 1))
			if [ "$kind" = ipfw ]; then
				printf '%s' "$line" >"$dir/$(basename "$f")-$n"
			else
				# the rule, NUL, flags 0, a UDP datagram
				# 10.0.0.2:1024 > 10.0.0.1:9 with 4 bytes
				{ printf '%s' "$line"
				  printf '\000\000\105\000\000\040\000\001\000\000\100\021\000\000\012\000\000\002\012\000\000\001\004\000\000\011\000\014\000\000abcd'
				} >"$dir/$(basename "$f")-$n"
			fi
		done
		if [ "$kind" = ipfw_diff ]; then
			# every line of the file at once: a whole chain, the
			# same datagram through it
			rules=$(sed -n 's/^.*[[:space:]]ipfw[[:space:]]\{1,\}//p' "$f")
			if [ -n "$rules" ]; then
				{ printf '%s' "$rules"
				  printf '\000\000\105\000\000\040\000\001\000\000\100\021\000\000\012\000\000\002\012\000\000\001\004\000\000\011\000\014\000\000abcd'
				} >"$dir/$(basename "$f")-all"
			fi
		fi
		;;
	div_output)
		;;
	esac
done
if [ "$kind" = div_output ]; then
	# flags 0, 10.0.0.1 port 100 "em0", an ICMP echo request 10.0.0.2 >
	# 10.0.1.2; flags 1 (write()), a UDP datagram 10.0.0.2 > 10.0.1.2:9
	printf '\000\012\000\000\001\000\144em0\000\000\000\000\000\105\000\000\034\000\001\000\000\100\001\000\000\012\000\000\002\012\000\001\002\010\000\367\377\000\000\000\000' >"$dir/seed1"
	printf '\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\105\000\000\040\000\002\000\000\100\021\000\000\012\000\000\002\012\000\001\002\004\000\000\011\000\014\000\000abcd' >"$dir/seed2"
fi
[ -n "$(ls "$dir")" ] || { echo "no seeds for $kind"; exit 1; }
