"""Companies for the default knowledge base: the constituents of twenty
stock indices (pytickersymbols' table, names and countries only) and a
hand-written table of newsworthy companies those indices leave out
(companies.tsv: Asian majors, private firms, subsidiaries news names on
their own).

A company's short name is its listed name without the legal form
("Chevron Corporation" -> "Chevron", "Tesla, Inc." -> "Tesla"). A company
some of whose one-word names English text writes in lower case ("Shell",
"Visa", "Target") gets a lower prior: the knowledge service neither adds
such a name where the NER missed it nor retypes it (see
services/knowledge/engine/src/missed.rs and retype.rs).
"""

import ast
import re
import zipfile
from urllib.parse import unquote

COMPANY_PRIOR = 0.8
# Below the 0.6 the knowledge service asks of a company before it adds or
# retypes a name.
COMMON_WORD_COMPANY_PRIOR = 0.4

# Legal forms and listing notes after the name, tried repeatedly.
LEGAL_FORMS = [
    "Inc.", "Inc", "Incorporated", "Corporation", "Corp.", "Corp", "Company",
    "Co.", "plc", "PLC", "AG", "SE", "S.A.", "SA", "N.V.", "NV", "Ltd.", "Ltd",
    "Limited", "Holdings", "Holding", "Group", "ASA", "AB", "Oyj", "S.p.A.",
    "KGaA", "& Co.", "Co., Ltd.",
]
# Shorter than this, a short name is an acronym of anything.
MIN_ALIAS_LETTERS = 3


class CompanyError(Exception):
    pass


def read_indices(wheel):
    """The INDICES literal of pytickersymbols/indices_data.py, read without
    importing the package."""
    with zipfile.ZipFile(wheel) as z:
        source = z.read("pytickersymbols/indices_data.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "INDICES":
            return ast.literal_eval(node.value)
    raise CompanyError("pytickersymbols/indices_data.py has no INDICES")


def short_names(name):
    """The listed name without listing notes and legal forms, longest first."""
    out = []
    current = re.sub(r"\s*\((?:Class|class|Series)[^)]*\)$", "", name).strip()
    if current != name:
        out.append(current)
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            for sep in (", ", " "):
                suffix = sep + form
                if current.endswith(suffix) and len(current) > len(suffix):
                    current = current[: -len(suffix)].rstrip(" ,")
                    out.append(current)
                    changed = True
    # "The" is no part of a short name: "The Walt Disney Company" is "Walt
    # Disney", not "The Walt Disney".
    out = [n[4:] if n.startswith("The ") else n for n in out]
    if current.startswith("The ") and len(current) > 4 and current[4:] not in out:
        out.append(current[4:])
    return [n for n in out if sum(c.isalpha() for c in n) >= MIN_ALIAS_LETTERS]


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def company_id(company):
    url = company.get("metadata", {}).get("wikipedia_url", "")
    if "/wiki/" in url:
        return "company:" + slug(unquote(url.rsplit("/wiki/", 1)[1]))
    return "company:" + slug(company["name"])


def is_common_word(form, fold, common_words):
    return " " not in form.strip() and fold(form) in common_words


def build_companies(wheel, hand_rows, country_codes, fold, unique_aliases, common_words):
    """Company entries: index constituents merged by Wikipedia article, then
    the hand table (new companies, or aliases of a listed one)."""
    indices = read_indices(wheel)
    by_id = {}
    for index_name in sorted(indices):
        for company in indices[index_name]["companies"]:
            entry_id = company_id(company)
            entry = by_id.get(entry_id)
            if entry is None:
                entry = by_id[entry_id] = {
                    "id": entry_id,
                    "name": company["name"],
                    "candidates": short_names(company["name"]),
                    "indices": [],
                    "country": country_codes.get(fold(company.get("country", ""))),
                    "website": company.get("metadata", {}).get("website", ""),
                }
            if index_name not in entry["indices"]:
                entry["indices"].append(index_name)
    by_name = {}
    for e in by_id.values():
        for form in [e["name"], *e["candidates"]]:
            by_name.setdefault(fold(form), e)
    for lineno, (name, aliases, country, description) in hand_rows:
        listed = by_name.get(fold(name))
        if listed is not None:
            listed["hand_aliases"] = aliases
            listed["description"] = description
            continue
        entry_id = "company:" + slug(name)
        if entry_id in by_id:
            raise CompanyError(f"companies.tsv:{lineno}: {name} is listed under another name")
        if country and country not in country_codes.values():
            raise CompanyError(f"companies.tsv:{lineno}: country {country!r}")
        by_id[entry_id] = {
            "id": entry_id,
            "name": name,
            "candidates": short_names(name),
            "hand_aliases": aliases,
            "indices": [],
            "country": country or None,
            "website": "",
            "description": description,
        }
    entries = []
    for e in by_id.values():
        # A short name that is an English word ("City" of City Holding
        # Company, "Pool") names the company only when the hand table says
        # news uses it ("Apple", "Shell").
        derived = [n for n in e["candidates"] if not is_common_word(n, fold, common_words)]
        aliases = unique_aliases(e["name"], derived + e.get("hand_aliases", []))
        common = any(is_common_word(f, fold, common_words) for f in [e["name"], *aliases])
        description = e.get("description") or "Listed company (" + ", ".join(e["indices"]) + ")"
        entry = {
            "id": e["id"],
            "name": e["name"],
            "aliases": aliases,
            "type": "ORGANIZATION",
            "kind": "company",
            "description": description,
            "prior": COMMON_WORD_COMPANY_PRIOR if common else COMPANY_PRIOR,
        }
        if e["indices"]:
            entry["indices"] = ", ".join(e["indices"])
        # Not country_code: a company does not place a story in its country.
        if e["country"]:
            entry["headquarters_country"] = e["country"]
        website = e["website"].strip()
        if website and " " not in website:
            entry["url"] = website if website.startswith("http") else "https://" + website.lstrip("/")
        entries.append(entry)
    return entries
