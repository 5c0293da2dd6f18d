#!/usr/bin/env python3
"""Produce the VADER parity set: generated sentences with the compound score
of the reference implementation (PyPI vaderSentiment==3.3.2).

Usage (from the repository root):

    python3 tools/vader_parity/make_reference.py

It creates a throwaway venv, pip-installs vaderSentiment==3.3.2 into it,
generates the sentences (deterministically, from a fixed seed, out of the
lexicon's own words and the rule words VADER reacts to) and writes
`tools/vader_parity/reference.tsv`: `sentence TAB compound`. Every sentence
is generated text: no human-rated text is stored. The Rust test
`services/sentiment/engine/tests/parity.rs` reads that file.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "reference.tsv")
LEXICON = os.path.join(ROOT, "models", "vader", "vader_lexicon.txt")
COUNT = 5000

SUBJECTS = ["The film", "the minister", "Our team", "The report", "it", "this phone",
            "The senator's plan", "The economy", "the crowd", "She", "They", "The deal",
            "Smith", "the company", "The war", "the market", "He", "The jury", "the vote"]
VERBS = ["was", "is", "seemed", "looked", "felt", "became", "remains", "were", "sounds"]
BOOSTERS = ["very", "really", "extremely", "so", "totally", "barely", "slightly",
            "somewhat", "kind of", "sort of", "kinda", "hardly", "most", "more", "less",
            "incredibly", "just enough", "quite", "little", "fucking"]
NEGATIONS = ["not", "never", "isn't", "wasn't", "don't", "didn't", "without", "no",
             "cannot", "nothing", "nor", "hardly", "n't", "ain't", "aint", "despite",
             "never so", "without doubt", "rarely", "seldom", "nobody"]
FILLERS = ["the", "a", "of", "and", "in", "on", "at", "to", "for", "with", "by", "this",
           "that", "at least", "least", "very least", "yesterday", "Monday", "officials",
           "said", "police", "percent", "market", "city", "2019", "$5", "U.S.", "e.g.",
           "kind", "sort", "the shit", "the bomb", "bad ass", "bus stop", "yeah right",
           "kiss of death", "to die for", "beating heart", "or", "so", "this"]
PUNCT = ["", ".", "!", "!!", "!!!!!", "?", "??", "???", "????", "?!", "...", ",", ";",
         ":)", ":(", ":-D", "<3", ":/"]
CLAUSE_JOIN = [" but ", " and ", ", but ", " BUT ", " yet ", ", although ", "; ", " - "]
ODD = ["café", "naïve", "ÜBER", "Straße", "'quoted'", "(aside)", "\"good\"", "--bad--",
       "#win", "@user", "http://x.io/good", "GOOD!!!", "Not", "NOT", "No", "NO",
       "won't", "can't", "don't", "İstanbul", "ǅemal", "Σίσυφος", "ΟΔΟΣ", "–", "—",
       "sux", "lol", "FML", "wtf", "meh", "ok", "yay", "ugh", "\u00a0", "\u2003"]


def words_of_lexicon():
    words = []
    with open(LEXICON, encoding="utf-8") as f:
        for line in f:
            word = line.split("\t")[0]
            if word and "\t" not in word:
                words.append(word)
    return words


def maybe_caps(rng, word, p):
    return word.upper() if rng.random() < p else word


def clause(rng, lexicon, caps_p):
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS)]
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.25:
            parts.append(maybe_caps(rng, rng.choice(NEGATIONS), caps_p))
        elif roll < 0.5:
            parts.append(maybe_caps(rng, rng.choice(BOOSTERS), caps_p))
        elif roll < 0.65:
            parts.append(rng.choice(FILLERS))
        elif roll < 0.72:
            parts.append(rng.choice(ODD))
        parts.append(maybe_caps(rng, rng.choice(lexicon), caps_p))
        if rng.random() < 0.3:
            parts.append(rng.choice(FILLERS))
    return " ".join(parts)


def sentence(rng, lexicon):
    caps_p = rng.choice([0.0, 0.0, 0.1, 0.3, 1.0])
    kind = rng.random()
    if kind < 0.15:
        # Bags of lexicon words, rule words and odd tokens in any order.
        pool = lexicon + BOOSTERS + NEGATIONS + FILLERS + ODD
        text = " ".join(maybe_caps(rng, rng.choice(pool), caps_p)
                        for _ in range(rng.randint(1, 25)))
    elif kind < 0.2:
        # One word, with or without punctuation: the edge of the rules.
        text = maybe_caps(rng, rng.choice(lexicon + BOOSTERS + NEGATIONS), caps_p)
    else:
        text = clause(rng, lexicon, caps_p)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            text += rng.choice(CLAUSE_JOIN) + clause(rng, lexicon, caps_p)
    text += rng.choice(PUNCT)
    if rng.random() < 0.1:
        text += " " + rng.choice(PUNCT)
    # Keep the TSV one sentence per line.
    return " ".join(text.replace("\t", " ").splitlines())


def main():
    rng = random.Random(20140601)
    lexicon = words_of_lexicon()
    sentences = []
    seen = set()
    while len(sentences) < COUNT:
        s = sentence(rng, lexicon)
        if s not in seen:
            seen.add(s)
            sentences.append(s)
    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        py = os.path.join(venv, "bin", "python")
        subprocess.run([py, "-m", "pip", "install", "-q", "vaderSentiment==3.3.2"], check=True)
        inp = os.path.join(tmp, "in.txt")
        with open(inp, "w", encoding="utf-8") as f:
            f.write("\n".join(sentences) + "\n")
        script = (
            "import sys\n"
            "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer\n"
            "a = SentimentIntensityAnalyzer()\n"
            "out = open(sys.argv[2], 'w', encoding='utf-8')\n"
            "for line in open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]:\n"
            "    out.write(line + '\\t' + repr(a.polarity_scores(line)['compound']) + '\\n')\n"
        )
        subprocess.run([py, "-c", script, inp, OUT], check=True)
    print(f"wrote {len(sentences)} sentences to {OUT}")


if __name__ == "__main__":
    main()
