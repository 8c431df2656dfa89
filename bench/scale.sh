#!/bin/sh
# Builds and runs the big generated topologies of bench/README.md
# ("Scale"): a chain of 1,000,000 hosts and a 1,000 x 1,000 grid of
# routers, each with traffic, and stars of 2,000, 8,000 and 60,000 leaves
# (one hub with that many interfaces), and prints for each the time
# `divertsim gen` takes to write it, the set-up time (parse and build:
# `divertsim lint`), the whole run, and the peak memory of each step.
#
# usage: bench/scale.sh [--build DIR] [--out DIR] [--quick] [--keep]
#                       [--only chain,grid,star]
#
# --quick: a 100,000-host chain, a 300 x 300 grid and stars of 2,000 and
# 8,000 leaves instead.  --keep:
# leave the generated scenarios in DIR (they are hundreds of MB).
# Results go to DIR/scale.csv (default DIR: a fresh /tmp/divertsim-scale.*).
# Run it alone: the million-host runs take 9 GiB (chain) and 13 GiB (grid),
# one after the other,
# at nice 10.  DIVERTSIM=path measures another divertsim binary.
#
# Traffic: gen's default flows with --flows 2 --count 100, i.e. 100 UDP
# datagrams from h0 to h1 and 100 back, 1ms apart.  Neither end is within
# a TTL of the other (64 hops; the chain is a million hops long, the grid's
# corners 1,998 apart), so every datagram dies at the 64th router from its
# sender, which answers with ICMP time exceeded: the run checks gen's
# expectations on that (h0.icmp.timxceed == 100, r64.ip.ttl_exceeded ...).
# In a star the two flows cross the hub and arrive (100 each way).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build="$top/build-bench"
out=""
quick=0
keep=0
only=chain,grid,star
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	--quick) quick=1 ;;
	--keep) keep=1 ;;
	--only) only=$2; shift ;;
	-h|--help) sed -n '2,26p' "$0"; exit 0 ;;
	*) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
ds=${DIVERTSIM:-$build/tools/divertsim}
[ -x "$ds" ] || { echo "scale.sh: no $ds (meson setup $build -Dbuildtype=release -Db_ndebug=true && ninja -C $build)" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d /tmp/divertsim-scale.XXXXXX)
mkdir -p "$out"
csv="$out/scale.csv"
[ -s "$csv" ] || echo "topology,hosts,links,gen_s,gen_kib,scn_bytes,setup_s,setup_kib,run_s,run_kib,setup_cpu_s,run_cpu_s" > "$csv"

# timed STEP CMD...: runs CMD at nice 10 under /usr/bin/time; sets SECS
# (wall), CPU (user + system) and KIB (peak RSS).  Standard output goes to
# $out/STEP.out.  On a shared machine the CPU seconds are the steadier
# measure.
timed() {
	_step=$1; shift
	if ! /usr/bin/time -f "%e %M %U %S" -o "$out/$_step.time" nice -n 10 "$@" \
	    > "$out/$_step.out" 2> "$out/$_step.err"; then
		echo "scale.sh: failed: $*" >&2
		tail -n 5 "$out/$_step.err" "$out/$_step.out" >&2
		exit 1
	fi
	SECS=$(awk '{ print $1 }' "$out/$_step.time")
	KIB=$(awk '{ print $2 }' "$out/$_step.time")
	CPU=$(awk '{ printf "%.2f", $3 + $4 }' "$out/$_step.time")
}

# one NAME HOSTS LINKS GEN-ARGS...: generate, lint (set-up), run.
one() {
	name=$1 hosts=$2 links=$3; shift 3
	scn="$out/$name.scn"
	echo "scale: $name ($hosts hosts, $links links): gen $*" >&2
	timed "$name-gen" "$ds" gen "$@" --flows 2 --count 100 --interval 1ms
	mv "$out/$name-gen.out" "$scn"
	gs=$SECS gk=$KIB
	bytes=$(wc -c < "$scn")
	timed "$name-lint" "$ds" lint "$scn"
	ss=$SECS sk=$KIB sc=$CPU
	echo "  set-up (lint): ${ss}s ${sk} KiB" >&2
	# A failed expectation fails the run (exit status 1), and timed().
	timed "$name-run" "$ds" run -q --no-traces "$scn"
	echo "  run: ${SECS}s ${KIB} KiB; $(grep -c '^PASS' "$out/$name-run.out") expectations held" >&2
	echo "$name,$hosts,$links,$gs,$gk,$bytes,$ss,$sk,$SECS,$KIB,$sc,$CPU" >> "$csv"
	[ $keep = 1 ] || rm -f "$scn"
}

if [ $quick = 1 ]; then cn=99998; gw=300; else cn=999998; gw=1000; fi
case ",$only," in *,chain,*)
	one "chain-$((cn + 2))" $((cn + 2)) $((cn + 1)) chain -n $cn ;;
esac
case ",$only," in *,grid,*)
	one "grid-${gw}x$gw" $((gw * gw + 2)) $((2 * gw * (gw - 1) + 2)) \
	    grid -n "${gw}x$gw" ;;
esac
case ",$only," in *,star,*)
	if [ $quick = 1 ]; then leaves="2000 8000"; else leaves="2000 8000 60000"; fi
	for n in $leaves; do
		one "star-$n" $((n + 1)) $n star -n $n
	done ;;
esac

echo
awk -F, 'NR == 1 { next } {
	printf "%-16s %9d hosts %9d links | gen %7.1fs %7d KiB, %5.0f MB | set-up %7.1fs (cpu %.1fs) %9d KiB (%.2f KiB/host) | run %7.1fs (cpu %.1fs) %9d KiB\n",
	    $1, $2, $3, $4, $5, $6 / 1e6, $7, $11, $8, $8 / $2, $9, $12, $10
}' "$csv"
echo "raw results: $csv"
