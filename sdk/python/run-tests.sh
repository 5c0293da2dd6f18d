#!/usr/bin/env bash
# Installs the Python SDK from the repository into a fresh virtual
# environment (as a user would: pip install ./sdk/python) and runs its
# tests against a `copydesk up` that the test fixture starts on free ports.
# Extra arguments go to pytest. Needs python3 with venv, cargo and PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${COPYDESK_SDK_VENV:-$repo/target/python-sdk-venv}"

python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "$here[test]"
# setuptools leaves its metadata beside the sources; it is not ours to keep.
rm -rf "$here/build" "$here"/src/*.egg-info

cd "$here"
status=0
"$venv/bin/python" -m pytest -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
    # pytest's 5 is "no tests collected": a broken test layout, not a pass.
    echo "run-tests.sh: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
