#!/usr/bin/env bash
# Builds the Python SDK's wheel from the repository without build isolation
# (pinned build tools installed first, so the wheel builds the same way
# offline once they are cached), installs it with its test extras into a
# fresh virtual environment, checks the package and its examples with
# `mypy --strict`, and runs pytest against a `copydesk up` that the test
# fixture starts on free ports. Extra arguments go to pytest. Needs
# python3 with venv, cargo and PyPI (or a pip cache / wheelhouse).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${COPYDESK_SDK_VENV:-$repo/target/python-sdk-venv}"
wheels="$repo/target/python-sdk-wheels"

python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# The build tools, pinned: setup.py generates the stubs with grpcio-tools.
"$venv/bin/python" -m pip install --quiet "setuptools==80.9.0" "wheel==0.45.1" "grpcio-tools==1.76.0"
rm -rf "$wheels"
"$venv/bin/python" -m pip wheel --quiet --no-build-isolation --no-deps "$here" -w "$wheels"
# setuptools leaves its metadata beside the sources; it is not ours to keep.
rm -rf "$here/build" "$here"/src/*.egg-info
wheel="$(ls "$wheels"/copydesk-*.whl)"
"$venv/bin/python" -m pip install --quiet "$wheel[test]"

cd "$here"
# The installed package (with its generated stubs) and the examples.
"$venv/bin/python" -m mypy --strict -p copydesk
"$venv/bin/python" -m mypy --strict examples
status=0
"$venv/bin/python" -m pytest -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
    # pytest's 5 is "no tests collected": a broken test layout, not a pass.
    echo "run-tests.sh: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
