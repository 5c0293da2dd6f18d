"""The fine-type classifier's features, exactly as
services/entities/engine/src/fine_types.rs computes them (its test
tests/fine_type_features.rs checks the two against fixture.jsonl).

A span is its coarse type (PERSON, ORGANIZATION, LOCATION, MISC), its words
(the segmenter's normalised tokens, as the Rust example fine_type_spans
prints them), the two words before it and the two after it in its sentence
("<s>" / "</s>" past the sentence's edges). Feature strings are hashed with
64-bit FNV-1a over their UTF-8 bytes, modulo the number of buckets.
"""

# Hash buckets of the model (its file's `dim` line).
DIM = 1 << 18

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK = (1 << 64) - 1

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def fnv1a(text):
    h = FNV_OFFSET
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * FNV_PRIME) & MASK
    return h


def lower(word):
    """ASCII letters lower-cased, everything else as it is."""
    return word.translate(_ASCII_LOWER)


def shape(word):
    """X for A-Z, x for a-z, d for 0-9, ~ beyond ASCII, other ASCII as it
    is; a run of one shape character cut at two."""
    out = []
    last, run = None, 0
    for c in word:
        if "A" <= c <= "Z":
            s = "X"
        elif "a" <= c <= "z":
            s = "x"
        elif "0" <= c <= "9":
            s = "d"
        elif ord(c) < 128:
            s = c
        else:
            s = "~"
        if s == last:
            run += 1
        else:
            last, run = s, 1
        if run <= 2:
            out.append(s)
    return "".join(out)


def feature_strings(coarse, words, before, after):
    t = coarse
    out = [f"t={t}"]
    if not words:
        return out
    low = [lower(w) for w in words]
    first, last = low[0], low[-1]
    out.extend(f"w={w}" for w in low)
    joined = " ".join(low)
    out.append(f"first={first}")
    out.append(f"last={last}")
    out.append(f"t|last={t}|{last}")
    out.append(f"span={joined}")
    out.append(f"t|span={t}|{joined}")
    out.append("shape=" + " ".join(shape(w) for w in words))
    out.append(f"len={min(len(words), 6)}")
    for n in (2, 3, 4):
        if len(last) > n:
            out.append(f"suf{n}={last[-n:]}")
    p2, p1 = (lower(w) for w in before)
    n1, n2 = (lower(w) for w in after)
    out.append(f"p1={p1}")
    out.append(f"p2={p2} {p1}")
    out.append(f"t|p1={t}|{p1}")
    out.append(f"n1={n1}")
    out.append(f"n2={n1} {n2}")
    out.append(f"t|n1={t}|{n1}")
    return out


def feature_indices(coarse, words, before, after, dim):
    return [fnv1a(f) % dim for f in feature_strings(coarse, words, before, after)]
