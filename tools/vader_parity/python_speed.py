#!/usr/bin/env python3
"""Sentences per second of the Python reference (vaderSentiment 3.3.2) on the
sentences of the Rust sentiment bench (benches/sentences.txt), for the
README's comparison (tools/sentiment_speed.sh runs it next to Rust):
  taskset -c 0 VENV/bin/python tools/vader_parity/python_speed.py
(run from the repository root, in a venv with vaderSentiment==3.3.2)."""
import time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
sentences = open("services/sentiment/engine/benches/sentences.txt", encoding="utf-8").read().splitlines()
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
