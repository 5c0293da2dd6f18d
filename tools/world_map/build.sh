#!/usr/bin/env bash
# Rebuilds gateway/src/viz/world.js (the /viz place map's land outline) from
# Natural Earth 1:110m countries as shipped in the pinned geopandas wheel.
# Everything is fetched from PyPI into target/world-map/ and checked by
# SHA-256; the output is byte-for-byte reproducible.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/world-map
mkdir -p "$work/wheels"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" download --quiet --no-deps -d "$work/wheels" \
    geopandas==0.14.4 pyshp==2.3.1
(cd "$work/wheels" && sha256sum --check --strict - <<'SUMS'
3bb6473cb59d51e1a7fe2dbc24a1a063fb0ebdeddf3ce08ddbf8c7ddc99689aa  geopandas-0.14.4-py3-none-any.whl
67024c0ccdc352ba5db777c4e968483782dfa78f8e200672a90d2d30fd8b7b49  pyshp-2.3.1-py2.py3-none-any.whl
SUMS
)
"$work/venv/bin/pip" install --quiet --no-deps "$work/wheels/pyshp-2.3.1-py2.py3-none-any.whl"
rm -rf "$work/extracted"
python3 -m zipfile -e "$work/wheels/geopandas-0.14.4-py3-none-any.whl" "$work/extracted"
"$work/venv/bin/python" tools/world_map/build.py \
    "$work/extracted/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp" \
    gateway/src/viz/world.js
