#!/usr/bin/env bash
# Explains one class loader leak from a live heap dump of a 512 MB JVM, with leakguard's own HPROF reader and with
# Square's Shark, each in a fresh JVM, and prints time and memory side by side.
# Usage (after mvn install -DskipTests): findleaks/bench/compare.sh [live MB ...]   default: 230 300 380
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl findleaks test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
classpath="findleaks/target/test-classes:findleaks/target/classes:$(cat findleaks/target/bench.cp)"
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(230 300 380)
fi
for mb in "${sizes[@]}"; do
  for analyser in own shark; do
    java -Xmx512m -cp "$classpath" io.leakguard.findleaks.HprofBenchmark "$analyser" "$mb" 2>&1 | head -1
  done
done
