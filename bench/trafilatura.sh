#!/usr/bin/env bash
# Times trafilatura (PyPI, default settings, one process pinned to one core) on
# the extraction benchmark and writes its outputs as <id>.txt files, so that
# lede's metric can score them (`score_predictions` in crates/eval/src/extraction.rs).
#
# Usage: bench/trafilatura.sh [DATA_DIR] [OUT_DIR]
#   DATA_DIR  benchmark folder (default ../shared/data/extraction)
#   OUT_DIR   where <id>.txt go (default target/bench/trafilatura-out)
# The venv lives in target/bench/trafilatura-venv (TRAFILATURA_VENV overrides it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data/extraction}"
out="${2:-$root/target/bench/trafilatura-out}"
venv="${TRAFILATURA_VENV:-$root/target/bench/trafilatura-venv}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    # lxml_html_clean: split out of lxml 5.2+, still imported by trafilatura's justext fallback.
    "$venv/bin/pip" install --quiet trafilatura lxml_html_clean
fi

# One core, like `taskset -c 0` for lede's run.
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
"${pin[@]}" "$venv/bin/python" "$root/bench/trafilatura_run.py" "$data" "$out"
echo "outputs in $out" >&2
