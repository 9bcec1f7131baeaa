# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# scripts/demo's charts, drawn from the .dat files that
# `demo-helper.py plotdata` extracts from demo.json:
#   gnuplot -e "dir='RAW'; out='OUT'; cap=100; dur=20" scripts/demo-plot.gp
# (cap: each bottleneck's Mbit/s, dur: seconds per run)
# throughput.png        per-path throughput over time, without and with steering
# elephant-goodput.png  each elephant's goodput, without and with steering
# mice-fct.png          the mice's flow completion times (CDF), without and with

if (!exists("dir")) dir = "demo-out/raw"
if (!exists("out")) out = "demo-out"
if (!exists("cap")) cap = 100
if (!exists("dur")) dur = 20

set terminal pngcairo size 1000,700 font "sans,11" noenhanced
set grid ytics lc rgb "#dddddd"
set key top right box opaque
set style line 1 lw 2.5 lc rgb "#1f77b4"
set style line 2 lw 2.5 lc rgb "#d62728"

# --- throughput per path over time ---
set output out."/throughput.png"
set multiplot layout 2,1 title sprintf("Throughput per path (bottleneck %d Mbit/s each)", cap) font "sans,14"
set xlabel "time (s)"
set ylabel "Mbit/s"
set yrange [0:cap * 1.3]
set xrange [0:dur + 1]
set title "WITHOUT steering: ECMP hashes both elephants onto one spine"
plot dir."/throughput-without.dat" using 1:2 with lines ls 1 title "path via spine A", \
     "" using 1:3 with lines ls 2 title "path via spine B", \
     cap with lines dt 2 lc rgb "#888888" notitle
set title "WITH steering: xsteer puts one elephant on each SRv6 path"
plot dir."/throughput-with.dat" using 1:2 with lines ls 1 title "path via spine A", \
     "" using 1:3 with lines ls 2 title "path via spine B", \
     cap with lines dt 2 lc rgb "#888888" notitle
unset multiplot

# --- elephant goodput: two bars per group, the value on top ---
set output out."/elephant-goodput.png"
set terminal pngcairo size 800,500 font "sans,11" noenhanced
set title "Elephant goodput (iperf3)" font "sans,14"
set style fill solid 0.85 border -1
set boxwidth 0.8
unset xlabel
set ylabel "Mbit/s"
set yrange [0:cap * 2.4]
set xrange [-1:8]
set key top left
plot dir."/goodput.dat" using ($0 * 3 + 0.5):(NaN):xtic(1) notitle, \
     "" using ($0 * 3):2 with boxes lc rgb "#999999" title "without steering", \
     "" using ($0 * 3 + 1):3 with boxes lc rgb "#2ca02c" title "with steering", \
     "" using ($0 * 3):2:(sprintf("%.0f", $2)) with labels offset 0,0.8 notitle, \
     "" using ($0 * 3 + 1):3:(sprintf("%.0f", $3)) with labels offset 0,0.8 notitle

# --- mice flow completion times ---
set output out."/mice-fct.png"
set title "Mice flow completion times (websearch sizes < 1 MB)" font "sans,14"
set style data lines
set xtics auto
set logscale x
set xlabel "flow completion time (ms, log scale)"
set ylabel "fraction of mice"
set yrange [0:1.02]
set xrange [*:*]
set xtics auto
set key bottom right
plot dir."/fct-without.dat" using 1:2 with steps ls 1 lc rgb "#999999" title "without steering", \
     dir."/fct-with.dat" using 1:2 with steps ls 2 lc rgb "#2ca02c" title "with steering"
