"""Unit tests of build.py's name rules, and invariants of the committed base."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location("kb_build", HERE.parent / "build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)

BASE = build.DEFAULT_OUT


def test_clean_iso_name():
    assert build.clean_iso_name("Wales [Cymru GB-CYM]") == ("Wales", ["Cymru"])
    assert build.clean_iso_name("Asturias, Principado de") == ("Asturias", [])
    assert build.clean_iso_name("Ilocos (Region I)") == ("Ilocos", ["Region I"])
    assert build.clean_iso_name("Bavaria") == ("Bavaria", [])


def test_fold():
    assert build.fold("Kraków") == "krakow"
    assert build.fold("Xi’an") == build.fold("Xi'an")


def test_spelling_variants():
    assert build.is_spelling_of("Xian", "Xi’an")
    assert build.is_spelling_of("Ho Chi Minh", "Ho Chi Minh City")
    assert not build.is_spelling_of("North", "North Salt Lake")
    assert build.is_spelling_of("Odessa", "Odesa")
    # Another city, two edits away from a 7-letter name: not a spelling.
    assert not build.is_spelling_of("Taichung", "Taitung")
    # Short names need an exact fold match (Kiev for Kyiv comes from english_alternates.tsv).
    assert not build.is_spelling_of("Kiev", "Kyiv")


def test_city_alternates_filter():
    reserved = {build.fold("Andorra")}
    keep = build.keep_city_alternate
    assert keep("Sjanghai", "Shanghai", set())
    assert not keep("an dao er cheng", "Andorra la Vella", set())  # transliteration
    assert not keep("ALV", "Andorra la Vella", set())  # code
    assert not keep("Андора", "Andorra la Vella", set())  # not Latin script
    assert not keep("Andorra", "Andorra la Vella", reserved)  # a country's name
    assert not keep("Victoria", "Hong Kong", set())  # not a spelling of the name


def test_prior_from_population():
    assert build.prior_from_population(0) == 0
    assert build.prior_from_population(10**9) == 1.0
    assert build.prior_from_population(15000) == round(math.log10(15001) / 8, 4)


def load_base():
    manifest = json.loads((BASE / "manifest.json").read_text(encoding="utf-8"))
    entries = []
    for name in manifest["files"]:
        for line in (BASE / name).read_text(encoding="utf-8").splitlines():
            entries.append(json.loads(line))
    return manifest, entries


@pytest.fixture(scope="module")
def base():
    return load_base()


def test_base_invariants(base):
    manifest, entries = base
    assert manifest["name"] == "default"
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for e in entries:
        assert e["name"] and e["type"] in {"PERSON", "ORGANIZATION", "LOCATION", "MISC"}
        assert 0 <= e["prior"] <= 1
        for ref in ("parent", "capital"):
            assert e.get(ref, e["id"]) in known, (e["id"], ref)
        assert len(json.dumps(e, ensure_ascii=False).encode()) < 64 * 1024


def test_every_country_has_codes_and_demonyms(base):
    _, entries = base
    countries = [e for e in entries if e["kind"] in ("country", "territory")]
    assert len(countries) == 250  # ISO 3166-1 (249) and Kosovo
    for e in countries:
        assert len(e["iso_3166"]) == 2 and len(e["iso_3166_alpha3"]) == 3
        assert len(e["iso_3166_numeric"]) == 3
    # Dominica has no demonym of its own ("Dominican" is the Dominican
    # Republic's); "Vatican" is the Vatican City's alias, not a nationality.
    missing = sorted(e["iso_3166"] for e in countries if e["kind"] == "country" and not e.get("demonyms"))
    assert missing == ["DM", "VA"]


def test_known_entries(base):
    _, entries = base
    by_id = {e["id"]: e for e in entries}
    taiwan = by_id["geonames:1668284"]
    assert taiwan["iso_3166"] == "TW" and "Taiwanese" in taiwan["demonyms"]
    assert by_id[taiwan["capital"]]["name"] == "Taipei"
    assert by_id["iso3166-2:US-GA"]["name"] == "Georgia"
    assert by_id["iso3166-2:TW-TTT"]["name"] == "Taitung County"
    assert by_id["iso3166-2:GB-SCT"]["parent"] == "geonames:2635167"
    assert by_id["org:cna"]["url"] == "https://www.cna.com.tw"
    assert by_id["iso3166-2:CM-SU"]["name"] == "South Region"
    assert by_id["iso3166-2:NG-PL"]["name"] == "Plateau State"
    generic = {"north", "south", "east", "west", "central", "western", "northern"}
    for e in entries:
        names = {build.fold(n) for n in e.get("aliases", [])}
        if e["kind"] == "region":
            names.add(build.fold(e["name"]))
        assert not names & generic, e["id"]
    congo = [e["iso_3166"] for e in entries if "Congo" in [e["name"], *e.get("aliases", [])] and e["kind"] == "country"]
    assert sorted(congo) == ["CD", "CG"]
    kyiv = by_id["geonames:703448"]
    assert kyiv["kind"] == "city" and "Kiev" in kyiv["aliases"]


def test_company_short_names():
    short = build.company_table.short_names
    assert short("Chevron Corporation") == ["Chevron"]
    assert short("Tesla, Inc.") == ["Tesla"]
    assert short("Alphabet Inc. (Class C)") == ["Alphabet Inc.", "Alphabet"]
    assert short("Volkswagen Group") == ["Volkswagen"]
    assert short("The Walt Disney Company") == ["Walt Disney"]
    # Two letters name anything.
    assert short("BT Group") == []


def test_companies_in_the_committed_base():
    companies = [json.loads(line) for line in (BASE / "companies.jsonl").read_text(encoding="utf-8").splitlines()]
    by_name = {c["name"]: c for c in companies}
    assert len(companies) > 1500
    assert by_name["Chevron Corporation"]["aliases"] == ["Chevron"]
    assert by_name["Chevron Corporation"]["prior"] == build.company_table.COMPANY_PRIOR
    # An English word as a name: kept where the hand table says news uses
    # it, with the prior that keeps the service from adding or retyping it.
    assert "Shell" in by_name["Shell plc"]["aliases"]
    assert by_name["Shell plc"]["prior"] == build.company_table.COMMON_WORD_COMPANY_PRIOR
    # ... and dropped where only the legal form was taken off.
    assert all("City" not in c.get("aliases", []) for c in companies)
    # A company does not place a story in its country.
    assert all("country_code" not in c for c in companies)
    assert all(c["kind"] == "company" and c["type"] == "ORGANIZATION" for c in companies)
