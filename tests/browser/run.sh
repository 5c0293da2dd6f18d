#!/usr/bin/env bash
# The /viz page in headless Chromium: installs Chromium (Debian package)
# if it is missing, builds the copydesk binary, and runs test_viz.py in its
# own venv. Leaves target/browser/viz.png (screenshot) and viz.html (DOM).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
cargo build --quiet -p copydesk-cli
venv=target/browser-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet grpcio-health-checking
"$venv/bin/python" tests/browser/test_viz.py
