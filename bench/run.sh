#!/bin/sh
# Runs divertsim, ns-3's own IPv4 stack (bench/ns3_ipv4_baseline.cc) and
# the raw ns-3 floor (bench/ns3_raw_floor.cc) on one matrix of chain
# topologies and prints, per pair, packet-hops per second, the ratio,
# peak memory and instructions per packet-hop.  See bench/README.md.
#
# usage: bench/run.sh [--quick] [--build DIR] [--out DIR] [--no-scaling]
#                     [--no-callgrind] [--only SECTIONS] [--before PATH]
#        bench/run.sh --report DIR    (tables again from DIR's CSV files)
#
# SECTIONS, comma-separated (default all): matrix (the K x size x pcap
# matrix), scaling, shapes (100 rules of each realistic shape against
# ns-3 plain forwarding, callgrind), traces (traced-run cost per
# packet-hop, callgrind), memory (memory per idle host on `divertsim gen
# chain` topologies), scale (bench/scale.sh: a million-host chain and a
# 1,000 x 1,000 grid, set-up, run and peak memory; not in the default set,
# as it needs up to 13 GiB: name it).  --quick:
# fewer packets and sizes everywhere.
# --before PATH: a divertsim binary built from an earlier commit, measured
# beside the current one in the shapes, traces and memory sections.
#
# A packet-hop is one UDP datagram crossing one link (a datagram sent as
# three fragments is one packet-hop per link).  Wall time is the whole
# process (parse, set-up, run, tear-down) for every program, measured the
# same way (the ns-3 programs also print their Simulator::Run time).
# Instructions per packet-hop come from two callgrind runs of N and 2N
# packets: (I(2N) - I(N)) / (hops(2N) - hops(N)), so set-up cost cancels.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
quick=0
build="$top/build-bench"
out=""
scaling=1
callgrind=1
report_only=""
sections=matrix,scaling,shapes,traces,memory
before=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	--no-scaling) scaling=0 ;;
	--no-callgrind) callgrind=0 ;;
	--report) report_only=$2; shift ;;
	--only) sections=$2; shift ;;
	--before) before=$2; shift ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
# --- tables -----------------------------------------------------------------
# report DIR: the tables, from DIR/results.csv and DIR/scaling.csv.
report() {
	csv="$1/results.csv"
	scsv="$1/scaling.csv"
	[ -s "$csv" ] && [ "$(wc -l < "$csv")" -gt 1 ] && awk -F, '
	NR == 1 { next }
	{
		key = $3 "," $4 "," $5
		if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
		id = $1 "/" $2
		hps[id, key] = $9; rss[id, key] = $10; ipc[id, key] = $11
	}
	# The goal is checked on both measures: wall-clock hops/s (noisy on a
	# shared machine) and instructions per hop (repeatable), B over A.
	function row(a, b, goal, key,   kk, r, ri, ok, oki) {
		split(key, kk, ",")
		r = hps[a, key] / hps[b, key]
		ok = (goal > 0) ? (r >= goal ? "yes" : "NO") : "-"
		ri = ""; oki = ""
		if (ipc[a, key] != "" && ipc[b, key] != "") {
			ri = sprintf("%.2fx", ipc[b, key] / ipc[a, key])
			oki = (goal > 0) ? (ipc[b, key] / ipc[a, key] >= goal ? "yes" : "NO") : "-"
		}
		printf "%3d %4d %4d| %9d %9d %6.2fx %4s | %6d %6d | %7s %7s %6s %4s\n", kk[1], kk[2], kk[3],
		    hps[a, key], hps[b, key], r, ok, rss[a, key], rss[b, key], ipc[a, key], ipc[b, key], ri, oki
	}
	function table(a, b, goal, title,   i) {
		printf "\n%s (goal: %s)\n", title, (goal > 0 ? sprintf("A at least %.1fx B", goal) : "none")
		printf "             |       hops/s (wall clock)      | RSS KiB       | instructions/hop\n"
		printf "  K size pcap| %9s %9s %7s %4s | %6s %6s | %7s %7s %6s %4s\n", "A", "B", "A/B", "goal", "A", "B", "A", "B", "B/A", "goal"
		for (i = 1; i <= nk; i++) row(a, b, goal, keys[i])
	}
	END {
		table("ds/plain", "ns3/plain", 2.5, "A = divertsim plain forwarding, B = ns-3 InternetStack")
		table("ds/rules", "ns3/plain", 2.0, "A = divertsim, 100 ipfw rules per router, B = ns-3 InternetStack")
		table("ds/divert", "ns3/plain", 1.0, "A = divertsim, one divert round trip per router, B = ns-3 InternetStack")
		table("floor/plain", "ns3/plain", 0, "A = raw ns-3 floor (no IP), B = ns-3 InternetStack")
		table("floor/plain", "ds/plain", 0, "A = raw ns-3 floor (no IP), B = divertsim plain")
	}' "$csv"

	if [ -s "$scsv" ] && [ "$(wc -l < "$scsv")" -gt 1 ]; then
		printf "\nscaling (wall s, peak RSS KiB)\n"
		awk -F, 'NR > 1 { printf "  %-6s %-17s hosts=%-6s packets=%-8s rules=%-5s %9.3fs %9d KiB\n", $1, $2, $3, $4, $5, $6, $7 }' "$scsv"
		awk -F, '
		$2 == "hosts" && $4 == 0 { r[$1, $3] = $7; h[$3] = 1 }
		END {
			for (p in r) ;
			n = split("ds ns3 floor", progs, " ")
			for (i = 1; i <= n; i++)
				if ((progs[i], 1000) in r && (progs[i], 10000) in r)
					printf "  idle memory per host, %-5s: %.2f KiB (RSS(10000) - RSS(1000)) / 9000\n",
					    progs[i], (r[progs[i], 10000] - r[progs[i], 1000]) / 9000
		}' "$scsv"
	fi
	if [ -s "$1/shapes.csv" ] && [ "$(wc -l < "$1/shapes.csv")" -gt 1 ]; then
		printf "\nrule shapes, K=4, 512 B, 100 rules per router, instructions per packet-hop\n"
		printf "(goal: ns-3 plain / divertsim >= 2x)\n"
		awk -F, 'NR == 1 { next } $1 == "ns3-plain" { b = $2; next } { v[++n] = $1; i[n] = $2; o[n] = $3 }
		END {
			printf "  %-10s %10s %7s %10s %7s %10s %4s\n", "shape", "before", "x", "after", "x", "ns-3", "goal"
			for (j = 1; j <= n; j++)
				printf "  %-10s %10s %7s %10d %6.2fx %10d %4s\n", v[j],
				    (o[j] != "" ? o[j] : "-"), (o[j] != "" ? sprintf("%.2fx", b / o[j]) : "-"),
				    i[j], b / i[j], b, (b / i[j] >= 2 ? "yes" : "NO")
		}' "$1/shapes.csv"
	fi
	if [ -s "$1/traces.csv" ] && [ "$(wc -l < "$1/traces.csv")" -gt 1 ]; then
		printf "\ntraced runs, K=4, 512 B, instructions per packet-hop (x: over the untraced run)\n"
		printf "(goals: pcap+events <= 1.5x none; run+pcapng, the default run, < ns3-pcap)\n"
		awk -F, 'NR == 1 { next } { m[++n] = $1; i[n] = $2; o[n] = $3; by[$1] = $2; bo[$1] = $3 }
		END {
			printf "  %-20s %10s %7s %10s %7s\n", "mode", "before", "x", "after", "x"
			for (j = 1; j <= n; j++) {
				base = (m[j] ~ /^divert-/) ? "divert-none" : "none"
				printf "  %-20s %10s %7s %10d %6.2fx\n", m[j],
				    (o[j] != "" ? o[j] : "-"),
				    (o[j] != "" && bo[base] != "" ? sprintf("%.2fx", o[j] / bo[base]) : "-"),
				    i[j], i[j] / by[base]
			}
		}' "$1/traces.csv"
	fi
	if [ -s "$1/memory.csv" ] && [ "$(wc -l < "$1/memory.csv")" -gt 2 ]; then
		printf "\nmemory per idle host (divertsim gen chain, peak RSS; goal <= 6 KiB)\n"
		awk -F, 'NR == 1 { next } { h[++n] = $1; r[n] = $3; br[n] = $5
			printf "  %7d hosts: %8.3fs %9d KiB   before: %s s %s KiB\n", $1, $2, $3, $4, $5 }
		END {
			printf "  per host: %.2f KiB ((RSS(%d) - RSS(%d)) / %d)", (r[n] - r[1]) / (h[n] - h[1]), h[n], h[1], h[n] - h[1]
			if (br[n] != "") printf ", before %.2f KiB", (br[n] - br[1]) / (h[n] - h[1])
			printf "\n"
		}' "$1/memory.csv"
	fi
}

if [ -n "$report_only" ]; then
	report "$report_only"
	exit 0
fi
[ -n "$out" ] || out=$(mktemp -d /tmp/divertsim-bench.XXXXXX)
mkdir -p "$out/scn" "$out/traces"

# --- programs -------------------------------------------------------------
ds="${DIVERTSIM:-$build/tools/divertsim}"
[ -x "$ds" ] || { echo "run.sh: no divertsim at $ds (build it, or set DIVERTSIM)" >&2; exit 2; }
ns3="$build/bench/ns3_ipv4_baseline"
floor="$build/bench/ns3_raw_floor"
if [ ! -x "$ns3" ] || [ ! -x "$floor" ]; then
	# bench/ is not (yet) a subdir of the build: compile the two directly.
	ns3="$out/ns3_ipv4_baseline"
	floor="$out/ns3_raw_floor"
	libs=$(pkg-config --libs ns3-core ns3-network ns3-point-to-point \
	    ns3-internet ns3-applications)
	echo "building the ns-3 programs into $out ..." >&2
	# shellcheck disable=SC2086
	c++ -std=c++17 -O2 -DNDEBUG -o "$ns3" "$here/ns3_ipv4_baseline.cc" $libs
	# shellcheck disable=SC2086
	c++ -std=c++17 -O2 -DNDEBUG -o "$floor" "$here/ns3_raw_floor.cc" $libs
fi
for t in /usr/bin/time valgrind awk; do
	command -v $t >/dev/null || { echo "run.sh: $t is needed" >&2; exit 2; }
done

# --- matrix -----------------------------------------------------------------
if [ $quick = 1 ]; then
	KS="1 4 16"; SIZES="512 3000"; PCAPS="0 1"
	N512=10000; N3000=4000; CGN=50; CGKS="4"
else
	KS="1 4 16"; SIZES="512 3000"; PCAPS="0 1"
	N512=50000; N3000=20000; CGN=100; CGKS="1 4 16"
fi
# Intervals that a 100Mbps link keeps up with (542 bytes take 43us on the
# wire, three fragments of a 3000-byte datagram 246us): no queue drops, so
# every program forwards every datagram.
interval() { [ "$1" = 512 ] && echo 50us || echo 300us; }
npkts() { [ "$1" = 512 ] && echo $N512 || echo $N3000; }

csv="$out/results.csv"
echo "program,variant,k,s,pcap,n,hops,wall_s,hops_per_s,maxrss_kib,instr_per_hop,cpu_s,hops_per_cpu_s" > "$csv"

now_ns() { date +%s%N; }
in_list() { il_x=$1; shift; for il_y; do [ "$il_x" = "$il_y" ] && return 0; done; return 1; }
# section NAME: whether --only (or the default) asks for section NAME.
section() { case ",$sections," in *",$1,"*) return 0 ;; esac; return 1; }

# measure CMD...: runs CMD under /usr/bin/time -v; sets WALL (s), CPU
# (user + system s) and RSS (KiB).  Fails the script when CMD fails (a wrong count is a bug).
measure() {
	_t0=$(now_ns)
	if ! /usr/bin/time -v -o "$out/time.txt" "$@" > "$out/stdout.txt" 2>&1; then
		echo "run.sh: failed: $*" >&2
		tail -5 "$out/stdout.txt" >&2
		exit 1
	fi
	_t1=$(now_ns)
	WALL=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
	RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/time.txt")
	CPU=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$out/time.txt")
}

# instructions CMD...: total instructions callgrind counts for CMD.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
	    > /dev/null 2> "$out/cg.txt" || { echo "run.sh: callgrind failed: $*" >&2; tail -5 "$out/cg.txt" >&2; exit 1; }
	awk '/Collected :/ { print $NF }' "$out/cg.txt"
}

# scn VARIANT K S N: the scenario's path (generated once).
scn() {
	sc_f="$out/scn/chain-$1-k$2-s$3-n$4.scn"
	[ -f "$sc_f" ] || "$here/gen_chain.sh" -v "$1" -k "$2" -s "$3" -n "$4" \
	    -i "$(interval "$3")" > "$sc_f"
	echo "$sc_f"
}
# run_cmd PROGRAM VARIANT K S N PCAP: prints the command line.
run_cmd() {
	case $1 in
	ns3)	echo "$ns3 --k=$3 --n=$5 --s=$4 --i=$(interval "$4") --pcap=$6 --pcapdir=$out/traces" ;;
	floor)	echo "$floor --k=$3 --n=$5 --s=$4 --i=$(interval "$4") --pcap=$6 --pcapdir=$out/traces" ;;
	ds)	rc_f=$(scn "$2" "$3" "$4" "$5")
		if [ "$6" = 1 ]; then
			# pcaps only, as ns-3 writes (events.jsonl is divertsim's
			# extra and is measured in the scaling part).
			echo "$ds run -q --no-events --no-pcapng --trace-dir $out/traces $rc_f"
		else
			echo "$ds run -q --no-traces $rc_f"
		fi ;;
	esac
}

# one PROGRAM VARIANT K S PCAP: time, memory, instructions; appends to CSV.
# Instructions are counted with pcap off only (pcap adds the same writes
# per frame in every program and callgrind time is the budget).
one() {
	on_n=$(npkts "$4")
	on_cmd=$(run_cmd "$1" "$2" "$3" "$4" "$on_n" "$5")
	# shellcheck disable=SC2086
	measure $on_cmd
	rm -rf "${out:?}/traces"/*
	on_hops=$((on_n * ($3 + 1)))
	on_ipc=""
	if [ $callgrind = 1 ] && [ "$5" = 0 ] && in_list "$3" $CGKS; then
		on_c1=$(run_cmd "$1" "$2" "$3" "$4" "$CGN" "$5")
		on_c2=$(run_cmd "$1" "$2" "$3" "$4" $((CGN * 2)) "$5")
		# shellcheck disable=SC2086
		on_i1=$(instructions $on_c1)
		# shellcheck disable=SC2086
		on_i2=$(instructions $on_c2)
		on_ipc=$(awk -v a="$on_i1" -v b="$on_i2" -v h=$((CGN * ($3 + 1))) \
		    'BEGIN { printf "%.0f", (b - a) / h }')
	fi
	on_hps=$(awk -v h=$on_hops -v w="$WALL" 'BEGIN { printf "%.0f", h / w }')
	on_hpc=$(awk -v h=$on_hops -v c="$CPU" 'BEGIN { printf "%.0f", (c > 0 ? h / c : 0) }')
	echo "$1,$2,$3,$4,$5,$on_n,$on_hops,$WALL,$on_hps,$RSS,$on_ipc,$CPU,$on_hpc" >> "$csv"
	echo "  $1 $2 k=$3 s=$4 pcap=$5: ${WALL}s (cpu ${CPU}s) $on_hps hops/s ${RSS}KiB ${on_ipc:--} instr/hop" >&2
}

if section matrix; then
echo "matrix: K in {$KS}, payload in {$SIZES}, pcap in {$PCAPS}; N=$N512 (512B), $N3000 (3000B); callgrind N=$CGN,$((CGN * 2)) for K in {$CGKS}, pcap off" >&2
for k in $KS; do
	for s in $SIZES; do
		for pc in $PCAPS; do
			one ns3 plain "$k" "$s" "$pc"
			one floor plain "$k" "$s" "$pc"
			for v in plain rules divert; do
				one ds "$v" "$k" "$s" "$pc"
			done
		done
	done
done
fi

# --- scaling ----------------------------------------------------------------
scsv="$out/scaling.csv"
echo "program,what,hosts,packets,rules,wall_s,maxrss_kib" > "$scsv"
if [ $scaling = 1 ] && section scaling; then
	echo "scaling: hosts, packets, rules" >&2
	if [ $quick = 1 ]; then HOSTS="1000 10000"; HOSTPKTS="0"; PKTS="10000 100000"; RULES="1 100 1000"
	else HOSTS="1000 10000"; HOSTPKTS="0 10000"; PKTS="10000 100000 1000000"; RULES="1 10 100 1000"; fi
	# Hosts: a chain of H hosts, idle, and with 10^4 datagrams crossing its
	# first 50 routers (a TTL cannot cross 10^4 hops).
	for h in $HOSTS; do
		k=$((h - 2))
		for n in $HOSTPKTS; do
			f="$out/scn/hosts-$h-n$n.scn"
			"$here/gen_chain.sh" -k $k -n $n -d 50 > "$f"
			measure "$ds" run -q --no-traces "$f"
			echo "ds,hosts,$h,$n,0,$WALL,$RSS" >> "$scsv"
			measure "$ns3" --k=$k --n=$n --dst=50
			echo "ns3,hosts,$h,$n,0,$WALL,$RSS" >> "$scsv"
			measure "$floor" --k=$k --n=$n --dst=50
			echo "floor,hosts,$h,$n,0,$WALL,$RSS" >> "$scsv"
			echo "  hosts=$h n=$n done" >&2
		done
	done
	# Packets: K=1, 512 bytes, 10^4 .. 10^6 datagrams.
	for n in $PKTS; do
		f=$(scn plain 1 512 $n)
		measure "$ds" run -q --no-traces "$f"
		echo "ds,packets,3,$n,0,$WALL,$RSS" >> "$scsv"
		measure "$ns3" --k=1 --n=$n --s=512 --i=50us
		echo "ns3,packets,3,$n,0,$WALL,$RSS" >> "$scsv"
		echo "  packets=$n done" >&2
	done
	# Rules: K=4, 512 bytes, 10^4 datagrams, R rules on every router.
	for r in $RULES; do
		f="$out/scn/rules-$r.scn"
		"$here/gen_chain.sh" -v rules -r $r -k 4 -n 10000 > "$f"
		measure "$ds" run -q --no-traces "$f"
		echo "ds,rules,6,10000,$r,$WALL,$RSS" >> "$scsv"
		echo "  rules=$r done" >&2
	done
	# Traces: K=4, 512 bytes, 10^5 datagrams with none, pcaps only, and
	# pcaps plus events.jsonl (the what column names the mode).
	f=$(scn plain 4 512 100000)
	measure "$ds" run -q --no-traces "$f"
	echo "ds,traces-none,6,100000,0,$WALL,$RSS" >> "$scsv"
	measure "$ds" run -q --no-events --no-pcapng --trace-dir "$out/traces" "$f"
	echo "ds,traces-pcap,6,100000,0,$WALL,$RSS" >> "$scsv"
	measure "$ds" run -q --no-pcapng --trace-dir "$out/traces" "$f"
	echo "ds,traces-pcap+jsonl,6,100000,0,$WALL,$RSS" >> "$scsv"
	echo "  traces done" >&2
fi

# ipc CMD_N CMD_2N HOPS: instructions per packet-hop from two callgrind
# runs whose packet-hops differ by HOPS.
ipc() {
	# shellcheck disable=SC2086
	ipc_1=$(instructions $1)
	# shellcheck disable=SC2086
	ipc_2=$(instructions $2)
	awk -v a="$ipc_1" -v b="$ipc_2" -v h="$3" 'BEGIN { printf "%.0f", (b - a) / h }'
}

# Shapes and traces: callgrind on N and 2N datagrams, K=4, 512 bytes.
if [ $quick = 1 ]; then SCGN=100; else SCGN=200; fi
SK=4
SHOPS=$((SCGN * (SK + 1)))
# ds_ipc BIN VARIANT FLAGS...: divertsim's instructions per packet-hop.
ds_ipc() {
	di_bin=$1; di_v=$2; shift 2
	di_a=$(scn "$di_v" $SK 512 $SCGN)
	di_b=$(scn "$di_v" $SK 512 $((SCGN * 2)))
	ipc "$di_bin $* $di_a" "$di_bin $* $di_b" $SHOPS
}

# --- rule shapes --------------------------------------------------------------
# divertsim with 100 rules per router of each shape (bench/gen_chain.sh
# -v SHAPE) against ns-3 plain forwarding on the same chain.
shcsv="$out/shapes.csv"
echo "shape,instr_per_hop,before_instr_per_hop" > "$shcsv"
if section shapes && [ $callgrind = 1 ]; then
	echo "shapes: K=$SK, 512 bytes, callgrind N=$SCGN,$((SCGN * 2))" >&2
	sh_i=$(ipc "$(run_cmd ns3 plain $SK 512 $SCGN 0)" \
	    "$(run_cmd ns3 plain $SK 512 $((SCGN * 2)) 0)" $SHOPS)
	echo "ns3-plain,$sh_i," >> "$shcsv"
	for v in plain rules ports iface addrlist state simple table mix; do
		sh_i=$(ds_ipc "$ds" "$v" run -q --no-traces)
		sh_b=""
		[ -z "$before" ] || sh_b=$(ds_ipc "$before" "$v" run -q --no-traces)
		echo "$v,$sh_i,$sh_b" >> "$shcsv"
		echo "  shape $v: $sh_i instr/hop (before: ${sh_b:--})" >&2
	done
fi

# --- traced runs --------------------------------------------------------------
# The plain chain: what each kind of trace costs per packet-hop.  The
# default `run` (narration, pcaps, events.jsonl and run.pcapng: mode
# run+pcapng; run is the same with --no-pcapng) writes its narration to
# /dev/null (not a terminal: fully buffered, as a file).
trcsv="$out/traces.csv"
echo "mode,instr_per_hop,before_instr_per_hop" > "$trcsv"
if section traces && [ $callgrind = 1 ]; then
	echo "traces: K=$SK, 512 bytes, callgrind N=$SCGN,$((SCGN * 2))" >&2
	td="$out/traces"
	for mode in none pcap pcap+events pcap+events+pcapng run run+pcapng divert-none divert-pcap+events ns3-pcap; do
		case $mode in
		none|divert-none) tr_f="run -q --no-traces" ;;
		pcap)	tr_f="run -q --no-events --no-pcapng --trace-dir $td" ;;
		pcap+events|divert-pcap+events) tr_f="run -q --no-pcapng --trace-dir $td" ;;
		pcap+events+pcapng) tr_f="run -q --pcapng --trace-dir $td" ;;
		run)	tr_f="run --no-pcapng --trace-dir $td" ;;
		run+pcapng) tr_f="run --pcapng --trace-dir $td" ;;
		esac
		case $mode in divert-*) tr_v=divert ;; *) tr_v=plain ;; esac
		tr_b=""
		if [ $mode = ns3-pcap ]; then
			tr_i=$(ipc "$(run_cmd ns3 plain $SK 512 $SCGN 1)" \
			    "$(run_cmd ns3 plain $SK 512 $((SCGN * 2)) 1)" $SHOPS)
		else
			# shellcheck disable=SC2086
			tr_i=$(ds_ipc "$ds" $tr_v $tr_f)
			# shellcheck disable=SC2086
			[ -z "$before" ] || tr_b=$(ds_ipc "$before" $tr_v $tr_f)
		fi
		rm -rf "${out:?}/traces"/*
		echo "$mode,$tr_i,$tr_b" >> "$trcsv"
		echo "  traces $mode: $tr_i instr/hop (before: ${tr_b:--})" >&2
	done
fi

# --- memory per idle host -------------------------------------------------------
# `divertsim gen chain -n N` without its traffic: peak RSS at each size,
# per host the difference over the difference in hosts.
mcsv="$out/memory.csv"
echo "hosts,wall_s,maxrss_kib,before_wall_s,before_maxrss_kib" > "$mcsv"
if section memory; then
	if [ $quick = 1 ]; then MEMN="1000 10000"; else MEMN="1000 10000 50000"; fi
	echo "memory: gen chain -n {$MEMN}, idle" >&2
	for n in $MEMN; do
		f="$out/scn/gen-chain-$n.scn"
		"$ds" gen chain -n "$n" --no-expect | grep -v '^at ' > "$f"
		bw=""; br=""
		if [ -n "$before" ]; then
			measure "$before" run -q --no-traces "$f"
			bw=$WALL; br=$RSS
		fi
		measure "$ds" run -q --no-traces "$f"
		echo "$((n + 2)),$WALL,$RSS,$bw,$br" >> "$mcsv"
		echo "  gen chain $((n + 2)) hosts: ${WALL}s ${RSS} KiB (before: ${bw:--}s ${br:--} KiB)" >&2
	done
fi

# --- scale: a million hosts (bench/scale.sh) ------------------------------------
if section scale; then
	sq=""
	[ $quick = 0 ] || sq=--quick
	# shellcheck disable=SC2086
	DIVERTSIM="$ds" "$here/scale.sh" $sq --out "$out/scale"
fi

report "$out"
echo
echo "raw results: $out/*.csv"
