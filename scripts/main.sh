#!/usr/bin/env bash
# The default run: install, build, make the built-in default corpus, describe it, run the quick
# benchmark pass and write the report. Results land in ./results (one file per run, a history
# that `encapbench report results/` reads), the corpus and the report in ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=${EB_BUILD_DIR:-build}
eb="$build/bin/encapbench"
mkdir -p out
echo "== corpus: built-in default"
"$eb" corpus --preset default --out out/default.pcap
echo "== offload eligibility of the default corpus under the NDIS example profile (ndis-example)"
# Exit 1 means "some packets are not parseable NVGRE": the default corpus carries a few on purpose.
"$eb" offload --in out/default.pcap --caps ndis-example --summary-only || [ $? -eq 1 ]
echo "== implementations on this CPU"
"$eb" list
echo "== quick benchmark pass"
mkdir -p results
"$eb" run --preset quick   # writes results/<machine_class>-<commit>-<UTC time>.json
latest=$(ls -t results/*.json | head -n 1)
echo "== report"
"$eb" report "$latest" --out out/report
echo "Report: out/report/report.html and out/report/report.md (results: $latest)"
