#!/usr/bin/env python3
"""Sentences per second of the Python reference (vaderSentiment 3.3.2) on the
sentences of the Rust sentiment bench, for the README's comparison:
  taskset -c 0 VENV/bin/python tools/vader_parity/python_speed.py
(run from the repository root, in a venv with vaderSentiment==3.3.2)."""
import re, time, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
src = open("services/sentiment/engine/benches/sentiment.rs").read()
block = src[src.index("const SENTENCES"):src.index("];")]
sentences = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'^\s+"(.*)",$', block, re.M)]
assert len(sentences) == 10, len(sentences)
a = SentimentIntensityAnalyzer()
for s in sentences: a.polarity_scores(s)
best = 0
for _ in range(5):
    n = 0; t = time.perf_counter()
    while time.perf_counter() - t < 2:
        for s in sentences: a.polarity_scores(s)
        n += len(sentences)
    best = max(best, n / (time.perf_counter() - t))
print(f"Python vaderSentiment 3.3.2: {best:,.0f} sentences/s (best of 5 x 2 s, one core)")
