"""Runs wp_export.py on a tiny saved WordPress REST export."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "wp_export.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def test_converts_tags_and_categories(tmp_path):
    out = tmp_path / "base.jsonl"
    result = run(str(HERE / "wp_terms.json"), "--name", "tribune", "--version", "7", "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# copydesk-knowledge-base: name=tribune version=7"
    entries = {e["id"]: e for e in map(json.loads, lines[1:])}
    assert sorted(entries) == ["wp:category:3", "wp:category:7", "wp:tag:12", "wp:tag:15"]

    mayor = entries["wp:tag:12"]
    assert mayor["name"] == "Mara Okafor"
    assert mayor["type"] == "PERSON"
    assert mayor["aliases"] == ["Mayor Okafor", "Mara"]
    assert mayor["description"] == "Mayor of Port Ellery since 2022."
    assert mayor["url"] == "https://harbourtribune.example.com/tag/mara-okafor/"
    assert mayor["kind"] == "tag"

    bins = entries["wp:tag:15"]
    assert bins["name"] == "Bins & Recycling"  # HTML entities decoded
    assert bins["type"] == "MISC" and "aliases" not in bins and "description" not in bins
    assert bins["prior"] == 0.3  # unused term

    council = entries["wp:category:3"]
    assert council["type"] == "ORGANIZATION"
    assert council["description"] == "The city council."
    assert council["prior"] == 0.9  # the most used term
    assert "parent" not in council
    assert entries["wp:category:7"]["parent"] == "wp:category:3"
    assert 0.3 < entries["wp:category:7"]["prior"] < 0.9


def test_rejects_unknown_type(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": 1, "name": "X", "taxonomy": "post_tag", "description": "Type: PLANET"}]))
    result = run(str(bad))
    assert result.returncode == 1
    assert "unknown type 'PLANET'" in result.stderr


def test_rejects_non_list(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"code": "rest_no_route"}')
    result = run(str(bad))
    assert result.returncode == 1
    assert "expected a JSON array" in result.stderr
