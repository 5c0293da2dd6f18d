"""Writes services/entities/engine/tests/data/fine_type_features.jsonl: invented
spans with the feature strings and buckets features.py gives them, which
the Rust test tests/fine_type_features.rs must reproduce exactly.

    python3 tools/fine_types/fixture.py
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
from features import DIM  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "services/entities/engine/tests/data/fine_type_features.jsonl")

# Invented names and contexts; the odd ones test the edges of the rules
# (non-ASCII letters, digits, symbols, one-letter words, long spans).
SPANS = [
    ("MISC", ["Ukrainian"], ["<s>", "The"], ["troops", "crossed"]),
    ("LOCATION", ["Heathrow", "Airport"], ["landed", "at"], ["on", "Monday"]),
    ("LOCATION", ["River", "Tamsin"], ["<s>", "<s>"], [".", "</s>"]),
    ("ORGANIZATION", ["Ministry", "of", "Coastal", "Affairs"], ["said", "the"], ["</s>", "</s>"]),
    ("MISC", ["Clean", "Rivers", "Act"], ["the", "new"], ["was", "passed"]),
    ("PERSON", ["Ana", "Z."], ["<s>", "<s>"], ["said", "."]),
    ("LOCATION", ["Zürich"], ["in", "central"], [",", "where"]),
    ("MISC", ["ÉCOLE", "Ōsaka-2"], ["(", "«"], ["»", ")"]),
    ("ORGANIZATION", ["BBC"], ["<s>", "the"], ["'s", "report"]),
    ("MISC", ["Tarnovian"], ["<s>", "<s>"], ["</s>", "</s>"]),
    ("MISC", ["Q"], ["of", "model"], ["sold", "well"]),
    ("ORGANIZATION", ["AT&T", "Inc."], ["at", "rival"], ["--", "and"]),
    ("LOCATION", ["Gulf", "of", "Meridia", "Basin", "North", "Shelf", "Zone"], ["across", "the"], ["</s>", "</s>"]),
    ("MISC", ["Winter", "Games", "2030"], ["<s>", "The"], ["in", "Ostrava"]),
    ("MISC", ["Thai"], ["in", "fluent"], ["and", "English"]),
    ("LOCATION", ["İstinye"], ["near", "the"], ["district", "."]),
    ("MISC", ["日本"], ["<s>", "<s>"], ["</s>", "</s>"]),
    ("ORGANIZATION", ["McDONALD'S"], ["at", "a"], ["restaurant", "in"]),
]


def main():
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for coarse, words, before, after in SPANS:
            strings = features.feature_strings(coarse, words, before, after)
            f.write(json.dumps({
                "coarse": coarse, "words": words, "before": before, "after": after,
                "dim": DIM, "strings": strings,
                "indices": features.feature_indices(coarse, words, before, after, DIM),
            }, ensure_ascii=False) + "\n")
    print(f"wrote {len(SPANS)} spans to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
