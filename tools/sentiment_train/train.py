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
   product-review snippets) with their mean human ratings. The NYT editorial
   snippets are the held-out news test: this script never opens them;
4. computes VADER's features for every text with the reference
   implementation (the Rust scorer gives the same numbers: see
   tools/vader_parity);
5. fits a ridge regression of the rating on six lexicon features, then a
   ridge regression of its residual on binary unigrams (min_df 3), on all
   three sets together; prints the leave-one-set-out Pearson r that chose
   this design;
6. writes the coefficients and the unigram weights (no text) as TSV.
"""
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "models", "sentiment-news", "news_calibration.tsv")
DEV_SETS = ["tweets", "movieReviewSnippets", "amazonReviewSnippets"]
DENSE_ALPHA = 1.0
WORD_ALPHA = 100.0
MIN_DF = 3


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
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    captured = {}
    score_valence = analyzer.score_valence

    def capture(sentiments, text):
        captured["s"] = list(sentiments)
        return score_valence(sentiments, text)

    analyzer.score_valence = capture

    def dense(text):
        r = analyzer.polarity_scores(text)
        s = captured.get("s", [])
        pos = sum(x for x in s if x > 0)
        neg = sum(x for x in s if x < 0)
        if not s:
            r = {"compound": 0.0, "pos": 0.0, "neg": 0.0}
        return [r["compound"], r["pos"], r["neg"], pos / (pos * pos + 15) ** 0.5,
                -neg / (neg * neg + 15) ** 0.5, float(np.log1p(len(s)))]

    with tempfile.TemporaryDirectory() as tmp:
        sets = fetch_dev_sets(tmp)
    data = {name: (np.array([y for y, _ in rows]), np.array([dense(t) for _, t in rows]),
                   [t for _, t in rows]) for name, rows in sets.items()}

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
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# copydesk news calibration: rating = intercept + dense . coef + sum of unique unigram weights\n")
        f.write("# fitted by tools/sentiment_train/train.py on the vaderSentiment 3.3.2 development sets (tweets, movie, amazon); NYT never read\n")
        f.write(f"intercept\t{float(m0.intercept_ + m1.intercept_)!r}\n")
        names = ["compound", "pos_share", "neg_share", "pos_norm", "neg_norm", "log1p_words"]
        for name, c in zip(names, m0.coef_):
            f.write(f"dense:{name}\t{float(c)!r}\n")
        vocab = sorted(vec.vocabulary_.items())
        for word, index in vocab:
            w = m1.coef_[index]
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
