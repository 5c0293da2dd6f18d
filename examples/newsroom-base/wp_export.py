#!/usr/bin/env python3
"""Convert a saved WordPress REST export of tags and categories into a
Copydesk newsroom knowledge base (JSON Lines).

Save the terms first (each call returns at most 100; follow the
X-WP-TotalPages header for more pages):

    curl -s 'https://NEWSROOM/wp-json/wp/v2/tags?per_page=100&page=1' > tags-1.json
    curl -s 'https://NEWSROOM/wp-json/wp/v2/categories?per_page=100&page=1' > categories-1.json

then

    python3 wp_export.py tags-1.json categories-1.json --name my-newsroom > my-base.jsonl

Each term becomes one entry: id "wp:<taxonomy>:<term id>", name (HTML
entities decoded), description (HTML stripped, first line), url (the term's
archive link), kind = "tag" or "category" (or the taxonomy's name),
prior from how many posts use the term. WordPress has no entity types or
aliases, so two conventions in the term description are read:
a line "Type: PERSON" (PERSON, ORGANIZATION, LOCATION or MISC; default
MISC) and a line "Aliases: A; B". Categories keep their parent as
`parent` ("wp:category:<id>"). Only the standard library is used.
"""

import argparse
import html
import json
import math
import re
import sys

TYPES = {"PERSON", "ORGANIZATION", "LOCATION", "MISC"}
TAG_RE = re.compile(r"<[^>]+>")
# Tags that end a line; every other tag (<b>, <a>, ...) is just removed.
BLOCK_RE = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)


class ExportError(Exception):
    pass


def plain(text):
    """HTML to one-line plain text."""
    return " ".join(html.unescape(TAG_RE.sub(" ", text or "")).split())


def read_conventions(description):
    """Splits 'Type:' and 'Aliases:' lines out of a term description."""
    entity_type, aliases, rest = "MISC", [], []
    text = TAG_RE.sub("", BLOCK_RE.sub("\n", description or ""))
    for line in html.unescape(text).splitlines():
        line = line.strip()
        lower = line.lower()
        if lower.startswith("type:"):
            entity_type = line[5:].strip().upper()
        elif lower.startswith("aliases:"):
            aliases = [a.strip() for a in line[8:].split(";") if a.strip()]
        elif line:
            rest.append(line)
    return entity_type, aliases, " ".join(rest)


def convert(terms):
    """WordPress term objects to knowledge-base entries, sorted by id."""
    max_count = max((int(t.get("count") or 0) for t in terms), default=0)
    entries = {}
    for term in terms:
        for field in ("id", "name", "taxonomy"):
            if field not in term:
                raise ExportError(f"term without {field!r}: {json.dumps(term)[:200]}")
        taxonomy = term["taxonomy"]
        kind = {"post_tag": "tag"}.get(taxonomy, taxonomy)
        entry_id = f"wp:{kind}:{term['id']}"
        name = plain(term["name"])
        if not name:
            raise ExportError(f"{entry_id}: empty name")
        entity_type, aliases, description = read_conventions(term.get("description", ""))
        if entity_type not in TYPES:
            raise ExportError(f"{entry_id}: unknown type {entity_type!r} (use one of {sorted(TYPES)})")
        count = int(term.get("count") or 0)
        # 0.3 for an unused term up to 0.9 for the most used one, on a log scale.
        prior = 0.3 if max_count == 0 else 0.3 + 0.6 * math.log1p(count) / math.log1p(max_count)
        entry = {
            "id": entry_id,
            "name": name,
            "type": entity_type,
            "kind": kind,
            "prior": round(prior, 4),
            "posts": count,
            "slug": term.get("slug", ""),
        }
        if aliases:
            entry["aliases"] = aliases
        if description:
            entry["description"] = description
        if term.get("link"):
            entry["url"] = term["link"]
        if term.get("parent"):
            entry["parent"] = f"wp:{kind}:{term['parent']}"
        if entry_id in entries:
            raise ExportError(f"{entry_id}: twice in the export")
        entries[entry_id] = entry
    return [entries[k] for k in sorted(entries)]


def main(argv=None):
    parser = argparse.ArgumentParser(description="WordPress REST tags/categories JSON to a Copydesk newsroom base")
    parser.add_argument("files", nargs="+", help="saved /wp-json/wp/v2/tags or /categories responses")
    parser.add_argument("--name", default="newsroom", help="the base's name (first line of the output)")
    parser.add_argument("--version", default="1", help="the base's version (first line of the output)")
    parser.add_argument("-o", "--output", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    terms = []
    try:
        for path in args.files:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if not isinstance(data, list):
                raise ExportError(f"{path}: expected a JSON array of terms (a REST list response)")
            terms.extend(data)
        entries = convert(terms)
    except (OSError, ValueError, ExportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    lines = [f"# copydesk-knowledge-base: name={args.name} version={args.version}\n"]
    lines += [json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries]
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.writelines(lines)
    else:
        sys.stdout.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
