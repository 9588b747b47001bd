#!/usr/bin/env bash
# What an explanation costs on a 128 MB and on a 512 MB server heap, with leakguard's own HPROF reader: each run is a
# fresh JVM of that size, filled to about 45 % with live objects, that leaks a class loader through a ThreadLocal,
# dumps its heap and explains the leak in process. Prints the median of the runs and one chain, to show it is right.
# Usage (after mvn install -DskipTests): findleaks/bench/explain.sh [runs]   default: 5
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
mvn -B -q -pl findleaks test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
classpath="findleaks/target/test-classes:findleaks/target/classes:$(cat findleaks/target/bench.cp)"

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'
}

printf '%-6s %-8s %-8s %-8s %-12s %-11s %-10s %s\n' heap live dump "dump ms" "analysis ms" "explain ms" \
  "peak MB" "(peak: heap used above the live objects while analysing; median of $runs runs)"
for heap in 128 512; do
  live=$((heap * 45 / 100))
  lines=$(for _ in $(seq "$runs"); do
    java "-Xmx${heap}m" -cp "$classpath" io.leakguard.findleaks.HprofBenchmark own "$live" 2>&1 | head -1
  done)
  # own live=230 MB dump=310 MB (1234 ms) analysis=2345 ms allocated=123 MB peak heap above live=45 MB: ...
  numbers=$(sed -E 's/.*live=([0-9]+) MB dump=([0-9]+) MB \(([0-9]+) ms\) analysis=([0-9]+) ms allocated=[0-9]+ MB peak heap above live=(-?[0-9]+) MB.*/\1 \2 \3 \4 \5/' <<<"$lines")
  column() { awk -v c="$1" '{ print $c }' <<<"$numbers" | median; }
  explain=$(awk '{ print $3 + $4 }' <<<"$numbers" | median)
  printf '%-6s %-8s %-8s %-8s %-12s %-11s %-10s\n' "${heap}m" "$(column 1) MB" "$(column 2) MB" "$(column 3)" \
    "$(column 4)" "$explain" "$(column 5)"
  echo "  chain: $(tail -1 <<<"$lines" | sed -E 's/.*path [0-9]+ ms: //')"
done
