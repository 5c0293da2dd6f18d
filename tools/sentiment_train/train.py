#!/usr/bin/env python3
"""Fit the news calibration of the sentiment engine on the DEVELOPMENT data
only, and write `models/sentiment-news/news_calibration.tsv`.

Usage (from the repository root):

    python3 tools/sentiment_train/train.py

What it does:
1. creates a throwaway venv with vaderSentiment==3.3.2, numpy, scikit-learn;
2. fetches the vaderSentiment 3.3.2 source archive with
   `pip download --no-binary :all:` and opens
   `additional_resources/hutto_ICWSM_2014.tar.gz` from it;
3. reads the three development sets (tweets, movie-review and
   product-review snippets) with their mean human ratings, and the original
   news development set `news_dev.tsv` beside this script (written and rated
   here; see README.md). The NYT editorial snippets are the held-out news
   test: this script never opens them;
4. computes VADER's features for every text with the reference
   implementation run with the news lexicon: the reference lexicon with the
   valences of `news_lexicon.tsv` set (written by hand, not fitted; the Rust
   scorer gives the same numbers: see tools/vader_parity);
5. stage 1: fits a ridge regression of the rating on six lexicon features,
   then a ridge regression of its residual on binary unigrams (min_df 3), on
   the three review and tweet sets together; prints the leave-one-set-out
   Pearson r that chose this design;
6. stage 2: fits rating = a + b * dense part + c * unigram part + d * shift
   on the FIT part of news_dev.tsv (data lines 1, 2, 4, 5, ...: every third
   line is the CHECK part), where shift is +1 when a sentence names a bad
   quantity (SHIFT_BAD) and a word of falling (SHIFT_DOWN), -1 with a word of
   rising (SHIFT_UP); prints Pearson r on both parts;
7. writes the folded coefficients, the unigram weights, the shift word
   classes and the news lexicon (no text) as TSV.
"""
import math
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "models", "sentiment-news", "news_calibration.tsv")
DEV_SETS = ["tweets", "movieReviewSnippets", "amazonReviewSnippets"]
NEWS_DEV = os.path.join(HERE, "news_dev.tsv")
NEWS_LEXICON = os.path.join(HERE, "news_lexicon.tsv")
DENSE_ALPHA = 1.0
WORD_ALPHA = 100.0
STAGE2_ALPHA = 1.0
MIN_DF = 3
# The shift feature's word classes, written by hand (not fitted).
SHIFT_BAD = """unemployment inflation crime crimes deaths death risk risks infections
cases poverty deficit debt homicides emissions prices costs losses layoffs
jobless overdoses casualties violence pollution homelessness hunger obesity
mortality fatalities shootings murders tensions fears""".split()
SHIFT_DOWN = """fell fallen falls fall falling dropped drop drops declined decline
declines decreased reduced reduces reduce eased easing lower lowest slowed cut
cuts shrank halved plunged tumbled slid""".split()
SHIFT_UP = """rose risen rises rise rising climbed jumped soared surged increased
increase higher highest record mounted doubled spiked grew widened""".split()


def read_news_lexicon():
    valences = {}
    for line in open(NEWS_LEXICON, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        valences[fields[0]] = float(fields[1])
    return valences


def read_news_dev():
    """(rating, text, part) per data line; every third line is "check"."""
    rows = []
    for k, line in enumerate(open(NEWS_DEV, encoding="utf-8"), 1):
        rating, _topic, text = line.rstrip("\n").split("\t")
        rows.append((float(rating), text, "check" if k % 3 == 0 else "fit"))
    return rows


def shift(text):
    import re
    words = set(re.findall(r"\w\w+", text.lower()))
    if not words & set(SHIFT_BAD):
        return 0.0
    return float(bool(words & set(SHIFT_DOWN))) - float(bool(words & set(SHIFT_UP)))


class DenseFeatures:
    """VADER's features of a text, from the reference implementation run
    with the news lexicon (the Rust scorer gives the same numbers): compound,
    pos and neg shares, normalised positive and negative sums, log1p(words).
    `plain` is the reference with its own lexicon."""

    def __init__(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.plain = SentimentIntensityAnalyzer()
        self.analyzer = SentimentIntensityAnalyzer()
        for word, valence in read_news_lexicon().items():
            self.analyzer.lexicon[word] = valence
        self.captured = {}
        score_valence = self.analyzer.score_valence

        def capture(sentiments, text):
            self.captured["s"] = list(sentiments)
            return score_valence(sentiments, text)

        self.analyzer.score_valence = capture

    def __call__(self, text):
        r = self.analyzer.polarity_scores(text)
        s = self.captured.get("s", [])
        pos = sum(x for x in s if x > 0)
        neg = sum(x for x in s if x < 0)
        if not s:
            r = {"compound": 0.0, "pos": 0.0, "neg": 0.0}
        return [r["compound"], r["pos"], r["neg"], pos / (pos * pos + 15) ** 0.5,
                -neg / (neg * neg + 15) ** 0.5, math.log1p(len(s))]


def fetch_dev_sets(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--no-binary", ":all:", "vaderSentiment==3.3.2", "-d", tmp], check=True)
    sdist = os.path.join(tmp, "vaderSentiment-3.3.2.tar.gz")
    with tarfile.open(sdist) as outer:
        member = outer.getmember("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz")
        inner = tarfile.open(fileobj=outer.extractfile(member))
        sets = {}
        for name in DEV_SETS:
            f = inner.extractfile(f"hutto_ICWSM_2014/{name}_GroundTruth.txt")
            rows = []
            for line in f.read().decode("utf-8", errors="replace").splitlines():
                parts = line.split("\t")
                if len(parts) >= 3:
                    rows.append((float(parts[1]), parts[2]))
            sets[name] = rows
    return sets


def train():
    import numpy as np
    from scipy.stats import pearsonr
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge

    valences = read_news_lexicon()
    dense = DenseFeatures()
    plain = dense.plain

    with tempfile.TemporaryDirectory() as tmp:
        sets = fetch_dev_sets(tmp)
    data = {name: (np.array([y for y, _ in rows]), np.array([dense(t) for _, t in rows]),
                   [t for _, t in rows]) for name, rows in sets.items()}

    news = read_news_dev()
    news_y = np.array([y for y, _, _ in news])
    news_x = np.array([dense(t) for _, t, _ in news])
    news_texts = [t for _, t, _ in news]
    news_shift = np.array([shift(t) for t in news_texts])
    news_fit = np.array([part == "fit" for _, _, part in news])
    news_plain = np.array([plain.polarity_scores(t)["compound"] for t in news_texts])

    def fit(names):
        y = np.concatenate([data[n][0] for n in names])
        x = np.vstack([data[n][1] for n in names])
        texts = [t for n in names for t in data[n][2]]
        # Rust tokenises the same way: runs of 2+ word characters, lower case.
        vectorizer = CountVectorizer(min_df=MIN_DF, binary=True, lowercase=True)
        bow = vectorizer.fit_transform(texts)
        m0 = Ridge(alpha=DENSE_ALPHA).fit(x, y)
        m1 = Ridge(alpha=WORD_ALPHA).fit(bow, y - m0.predict(x))
        return m0, m1, vectorizer

    print("leave-one-set-out Pearson r (fit on the other two development sets):")
    for held in DEV_SETS:
        m0, m1, vec = fit([n for n in DEV_SETS if n != held])
        y, x, texts = data[held]
        pred = m0.predict(x) + m1.predict(vec.transform(texts))
        print(f"  {held:22s} VADER compound {pearsonr(y, x[:, 0])[0]:.3f}   calibrated {pearsonr(y, pred)[0]:.3f}")

    m0, m1, vec = fit(DEV_SETS)
    dense_part = m0.predict(news_x) + m1.intercept_
    word_part = m1.predict(vec.transform(news_texts)) - m1.intercept_
    features = np.c_[dense_part, word_part, news_shift]
    m2 = Ridge(alpha=STAGE2_ALPHA).fit(features[news_fit], news_y[news_fit])
    b, c, d = (float(v) for v in m2.coef_)
    print(f"stage 2 on the news fit part: a={m2.intercept_:.4f} dense x{b:.4f} unigrams x{c:.4f} shift {d:.4f}")
    check = ~news_fit
    for name, score in [("VADER compound (reference lexicon)", news_plain),
                        ("VADER compound (news lexicon)", news_x[:, 0]),
                        ("stage 1 only", dense_part + word_part),
                        ("calibrated (stage 1 + 2)", m2.predict(features))]:
        print(f"  news_dev {name:36s} fit r={pearsonr(news_y[news_fit], score[news_fit])[0]:.3f}"
              f"  check r={pearsonr(news_y[check], score[check])[0]:.3f}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# copydesk news calibration: VADER with the news lexicon (lexicon: lines), then\n")
        f.write("# rating = intercept + dense . coef + sum of unique unigram weights + shift * (bad quantity down - up)\n")
        f.write("# fitted by tools/sentiment_train/train.py: stage 1 on the vaderSentiment 3.3.2 development sets (tweets, movie, amazon),\n")
        f.write("# stage 2 on the fit part of tools/sentiment_train/news_dev.tsv; NYT never read\n")
        f.write(f"intercept\t{float(m2.intercept_ + b * (m0.intercept_ + m1.intercept_))!r}\n")
        names = ["compound", "pos_share", "neg_share", "pos_norm", "neg_norm", "log1p_words"]
        for name, coef in zip(names, m0.coef_):
            f.write(f"dense:{name}\t{float(b * coef)!r}\n")
        f.write(f"shift\t{d!r}\n")
        for cls, words in [("bad", SHIFT_BAD), ("down", SHIFT_DOWN), ("up", SHIFT_UP)]:
            for word in words:
                f.write(f"{cls}:{word}\t1\n")
        for word, valence in valences.items():
            f.write(f"lexicon:{word}\t{valence!r}\n")
        vocab = sorted(vec.vocabulary_.items())
        for word, index in vocab:
            w = c * m1.coef_[index]
            if abs(w) >= 1e-4:
                f.write(f"word:{word}\t{w:.5f}\n")
    print(f"wrote {OUT}")


def main():
    if os.environ.get("COPYDESK_TRAIN_IN_VENV") == "1":
        train()
        return
    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        py = os.path.join(venv, "bin", "python")
        subprocess.run([py, "-m", "pip", "install", "-q", "vaderSentiment==3.3.2",
                        "numpy", "scipy", "scikit-learn"], check=True)
        env = dict(os.environ, COPYDESK_TRAIN_IN_VENV="1")
        subprocess.run([py, os.path.abspath(__file__)], check=True, env=env)


if __name__ == "__main__":
    main()
