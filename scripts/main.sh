#!/usr/bin/env bash
# The default run: install, build, make the built-in default corpus, describe it, run the quick
# benchmark pass and write the report. Results land in ./results (one file per run, a history
# that `encapbench report results/` reads), the corpus and the report in ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
echo "== setup: install, configure, build (log: out/setup.log)"
bash scripts/setup.sh > out/setup.log 2>&1 || { tail -n 30 out/setup.log; exit 1; }
build=${EB_BUILD_DIR:-build}
eb="$build/bin/encapbench"
echo "== corpus: built-in default"
"$eb" corpus --preset default --out out/default.pcap
echo "== offload eligibility of the default corpus under the NDIS example profile (ndis-example)"
# Exit 1 means "some packets are not parseable NVGRE": the default corpus carries a few on purpose.
"$eb" offload --in out/default.pcap --caps ndis-example --summary-only || [ $? -eq 1 ]
echo "== implementations on this CPU (full list: out/implementations.txt)"
"$eb" list > out/implementations.txt
awk 'NR > 2 && NF > 3 { n[$1]++; if ($4 == "yes") ok[$1]++ }
     END { for (f in n) printf "  %-9s %2d implementations, %2d run here\n", f, n[f], ok[f] }' \
  out/implementations.txt | sort
echo "== quick benchmark pass"
mkdir -p results
# One progress line per benchmark binary; writes results/<machine_class>-<commit>-<UTC time>.json
# and the binaries' raw console next to it (.log).
"$eb" run --preset quick
latest=$(ls -t results/*.json | head -n 1)
echo "== software fallback cost (this CPU)"
# The same result-file world as the benchmarks: the report draws both; the table is shown at the end,
# just before the line that says where the report is.
cost="${latest%.json}-cost.json"
"$eb" cost --in out/default.pcap --caps ndis-example --out "$cost" > out/cost.txt
echo "== report"
"$eb" report "$latest" "$cost" --out out/report
echo "== what software fallback costs for the default corpus under the NDIS example profile"
cat out/cost.txt
echo "Report: out/report/report.html and out/report/report.md (results: $latest, $cost)"
