#!/usr/bin/env python3
"""Leave-one-domain-out comparison: sentence embedding + ridge head against
VADER and the calibrated news scorer, on the DEVELOPMENT data only.

Usage (from the repository root, in a venv with vaderSentiment==3.3.2, numpy,
scipy and scikit-learn; see README.md):

    python3 tools/sentiment_embed/experiment.py DATA_DIR

DATA_DIR holds what prepare.py wrote and the embeddings the Rust tool wrote
beside it (NAME.f32, raw little-endian [texts x 384]).

The four domains are tweets, movie-review snippets, product-review snippets
(vaderSentiment 3.3.2's archive) and tools/sentiment_train/news_dev.tsv. Each
is held out in turn; everything is fitted on the other three:

- embedding ridge: rating ~ embedding (384 dims);
- embedding + lexicon ridge: rating ~ embedding, the calibrated score and
  plain VADER's compound. The calibrated score of a training row is
  cross-fitted (5 folds over the training rows: stage 1 and 2 refitted
  without that row's fold), so the head does not learn to trust an
  in-sample score; the held-out rows get the calibration refitted on all
  the training rows;
- the calibrated scorer refitted leave-one-domain-out (train.py's design:
  stage 1 on the review and tweet sets among the training domains, stage 2
  on news_dev when news_dev is a training domain, all 378 lines; with
  news_dev held out there is nothing to fit stage 2 on, so it is stage 1);
- plain VADER compound (fitted on nothing).

The ridge penalties are chosen by an inner leave-one-domain-out over the
three training domains (mean r), never on the held-out domain. The NYT
editorial snippets are never read.
"""
import importlib.util
import os
import sys

import numpy as np
from scipy.stats import pearsonr

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(os.path.dirname(HERE), "sentiment_train", "train.py")
DOMAINS = ["tweets", "movieReviewSnippets", "amazonReviewSnippets", "newsDev"]
ALPHAS = [1.0, 3.0, 10.0, 30.0, 100.0, 300.0]
DIM = 384


def load_train():
    spec = importlib.util.spec_from_file_location("sentiment_train", TRAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ridge_fit(x, y, alpha, unpenalised=0):
    """Ridge with an unpenalised intercept; the last `unpenalised` columns
    are not penalised either. Returns (weights, intercept)."""
    mx, my = x.mean(0), y.mean()
    xc = x - mx
    penalty = np.full(x.shape[1], alpha)
    if unpenalised:
        penalty[-unpenalised:] = 0.0
    w = np.linalg.solve(xc.T @ xc + np.diag(penalty), xc.T @ (y - my))
    return w, my - mx @ w


def bootstrap_diff(y, a, b, n=2000, seed=0):
    """Paired bootstrap of r(y, a) - r(y, b): (5th, 95th percentile)."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        diffs.append(np.corrcoef(y[i], a[i])[0, 1] - np.corrcoef(y[i], b[i])[0, 1])
    return np.percentile(diffs, [5, 95])


def choose_alpha(parts, unpenalised=0):
    """parts: [(x, y)] per training domain; inner leave-one-domain-out."""
    best = None
    for alpha in ALPHAS:
        rs = []
        for i, (xt, yt) in enumerate(parts):
            x = np.vstack([p[0] for j, p in enumerate(parts) if j != i])
            y = np.concatenate([p[1] for j, p in enumerate(parts) if j != i])
            w, b = ridge_fit(x, y, alpha, unpenalised)
            rs.append(pearsonr(yt, xt @ w + b)[0])
        score = float(np.mean(rs))
        if best is None or score > best[0]:
            best = (score, alpha)
    return best[1]


class Lexicon:
    """train.py's features and calibration, refittable on any rows."""

    def __init__(self, train):
        self.train = train
        self.dense = train.DenseFeatures()
        self.plain = self.dense.plain

    def fit(self, reviews, news, extra=None):
        """reviews, news: dicts of arrays y, x (dense), texts, shift. Stage 1
        on reviews; stage 2 on news if it has rows, with the columns that
        `extra(d)` gives appended to its features. Returns a predictor."""
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import Ridge

        t = self.train
        vec = CountVectorizer(min_df=t.MIN_DF, binary=True, lowercase=True)
        bow = vec.fit_transform(reviews["texts"])
        m0 = Ridge(alpha=t.DENSE_ALPHA).fit(reviews["x"], reviews["y"])
        m1 = Ridge(alpha=t.WORD_ALPHA).fit(bow, reviews["y"] - m0.predict(reviews["x"]))

        def stage1(d):
            dense_part = m0.predict(d["x"]) + m1.intercept_
            word_part = m1.predict(vec.transform(d["texts"])) - m1.intercept_
            cols = [dense_part, word_part, d["shift"]]
            if extra is not None:
                cols.append(extra(d))
            return np.column_stack(cols)

        if news is None or len(news["y"]) == 0:
            return lambda d: stage1(d)[:, 0] + stage1(d)[:, 1]
        m2 = Ridge(alpha=t.STAGE2_ALPHA).fit(stage1(news), news["y"])
        return lambda d: m2.predict(stage1(d))


def subset(d, mask):
    return {k: (v[mask] if isinstance(v, np.ndarray) else [t for t, m in zip(v, mask) if m])
            for k, v in d.items()}


def concat(ds):
    out = {}
    for k in ds[0]:
        if isinstance(ds[0][k], np.ndarray):
            out[k] = np.concatenate([d[k] for d in ds])
        else:
            out[k] = [t for d in ds for t in d[k]]
    return out


def main():
    import tempfile

    data_dir = sys.argv[1]
    train = load_train()
    lex = Lexicon(train)
    with tempfile.TemporaryDirectory() as tmp:
        rows = train.fetch_dev_sets(tmp)
    news_rows = train.read_news_dev()
    rows["newsDev"] = [(y, text) for y, text, _ in news_rows]
    news_check = np.array([part == "check" for _, _, part in news_rows])

    data = {}
    for name in DOMAINS:
        texts = [t for _, t in rows[name]]
        emb = np.fromfile(os.path.join(data_dir, f"{name}.f32"), dtype="<f4").reshape(-1, DIM)
        assert emb.shape[0] == len(texts), (name, emb.shape, len(texts))
        data[name] = {
            "y": np.array([y for y, _ in rows[name]]),
            "texts": texts,
            "x": np.array([lex.dense(t) for t in texts]),
            "shift": np.array([train.shift(t) for t in texts]),
            "vader": np.array([lex.plain.polarity_scores(t)["compound"] for t in texts]),
            "emb": emb.astype(np.float64),
            "domain": np.array([name] * len(texts)),
        }
        print(f"{name}: {len(texts)} texts", flush=True)

    def calibration(train_names):
        reviews = concat([data[n] for n in train_names if n != "newsDev"])
        news = data["newsDev"] if "newsDev" in train_names else None
        return lex.fit(reviews, news)

    def cross_fitted_calibrated(train_names, folds=5, seed=0):
        """Out-of-fold calibrated scores for the pooled training rows."""
        pool = concat([data[n] for n in train_names])
        rng = np.random.default_rng(seed)
        fold = rng.integers(0, folds, len(pool["y"]))
        out = np.zeros(len(pool["y"]))
        for k in range(folds):
            keep = fold != k
            kept = subset(pool, keep)
            reviews = subset(kept, kept["domain"] != "newsDev")
            news = subset(kept, kept["domain"] == "newsDev")
            predict = lex.fit(reviews, news if len(news["y"]) else None)
            out[~keep] = predict(subset(pool, ~keep))
        # back to per-domain arrays
        split, start = {}, 0
        for n in train_names:
            m = len(data[n]["y"])
            split[n] = out[start:start + m]
            start += m
        return split

    # Reproduce the shipped calibration (stage 2 on news_dev's fit part) as a check.
    shipped = lex.fit(concat([data[n] for n in DOMAINS[:3]]), subset(data["newsDev"], ~news_check))
    print("shipped calibration refitted here, in-sample (as tools/sentiment_eval.sh reports):")
    for n in DOMAINS[:3]:
        print(f"  {n:22s} r={pearsonr(data[n]['y'], shipped(data[n]))[0]:.3f}")
    nd = data["newsDev"]
    print(f"  newsDev check part     r={pearsonr(nd['y'][news_check], shipped(nd)[news_check])[0]:.3f}")

    results = []
    for held in DOMAINS:
        names = [n for n in DOMAINS if n != held]
        test = data[held]
        # embedding ridge
        parts = [(data[n]["emb"], data[n]["y"]) for n in names]
        a_emb = choose_alpha(parts)
        w, b = ridge_fit(np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), a_emb)
        pred_emb = test["emb"] @ w + b
        # calibrated, refitted without the held-out domain
        predict = calibration(names)
        cal_test = predict(test)
        # embedding + lexicon ridge (cross-fitted calibrated score on training rows)
        cf = cross_fitted_calibrated(names)
        parts2 = [(np.c_[data[n]["emb"], cf[n], data[n]["vader"]], data[n]["y"]) for n in names]
        a_both = choose_alpha(parts2, unpenalised=2)
        w2, b2 = ridge_fit(np.vstack([p[0] for p in parts2]),
                           np.concatenate([p[1] for p in parts2]), a_both, unpenalised=2)
        pred_both = np.c_[test["emb"], cal_test, test["vader"]] @ w2 + b2
        row = {
            "held": held,
            "n": len(test["y"]),
            "emb": pearsonr(test["y"], pred_emb)[0],
            "both": pearsonr(test["y"], pred_both)[0],
            "vader": pearsonr(test["y"], test["vader"])[0],
            "cal": pearsonr(test["y"], cal_test)[0],
            "alphas": (a_emb, a_both),
            "lex_weights": tuple(w2[-2:]),
        }
        if held == "newsDev":
            lo, hi = bootstrap_diff(test["y"], pred_both, cal_test)
            print(f"  embedding+lexicon minus calibrated on newsDev: 90% bootstrap interval [{lo:.3f}, {hi:.3f}]")
            c = news_check
            row["check"] = {k: pearsonr(test["y"][c], p[c])[0] for k, p in
                            [("emb", pred_emb), ("both", pred_both), ("vader", test["vader"]),
                             ("cal", cal_test)]}
        results.append(row)
        print(f"held out {held:22s} n={row['n']:5d}  embedding {row['emb']:.3f}  "
              f"embedding+lexicon {row['both']:.3f}  VADER {row['vader']:.3f}  "
              f"calibrated (LODO refit) {row['cal']:.3f}  alphas {row['alphas']}  "
              f"weights of calibrated, VADER {row['lex_weights'][0]:.3f} {row['lex_weights'][1]:.3f}",
              flush=True)
        if "check" in row:
            print("  newsDev check part only: " +
                  "  ".join(f"{k} {v:.3f}" for k, v in row["check"].items()))

    # In-domain news: everything fitted on the three review and tweet sets and
    # news_dev's FIT part, scored on news_dev's CHECK part, as the shipped
    # calibration is. "+ embedding" adds the embedding ridge's score (fitted
    # on the three review and tweet sets) as a fourth stage-2 feature.
    reviews = concat([data[n] for n in DOMAINS[:3]])
    parts = [(data[n]["emb"], data[n]["y"]) for n in DOMAINS[:3]]
    alpha = choose_alpha(parts)
    w, b = ridge_fit(reviews["emb"], reviews["y"], alpha)
    fit_part = subset(nd, ~news_check)
    check_part = subset(nd, news_check)
    plain_stage2 = lex.fit(reviews, fit_part)
    with_emb = lex.fit(reviews, fit_part, extra=lambda d: d["emb"] @ w + b)
    pooled = concat([reviews, fit_part])
    w3, b3 = ridge_fit(pooled["emb"], pooled["y"], alpha)
    y = check_part["y"]
    print()
    print("news_dev CHECK part (fitted on the review and tweet sets + news_dev's fit part):")
    print(f"  plain VADER {pearsonr(y, check_part['vader'])[0]:.3f}"
          f"  calibrated {pearsonr(y, plain_stage2(check_part))[0]:.3f}"
          f"  calibrated with the embedding score in stage 2 {pearsonr(y, with_emb(check_part))[0]:.3f}"
          f"  embedding ridge alone (news fit part pooled in) {pearsonr(y, check_part['emb'] @ w3 + b3)[0]:.3f}")
    lo, hi = bootstrap_diff(y, with_emb(check_part), plain_stage2(check_part))
    print(f"  with the embedding minus calibrated: 90% bootstrap interval [{lo:.3f}, {hi:.3f}]")

    print()
    print("| held-out domain | n | embedding ridge | embedding + lexicon ridge | plain VADER | calibrated (LODO refit) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['held']} | {r['n']} | {r['emb']:.3f} | {r['both']:.3f} | {r['vader']:.3f} | {r['cal']:.3f} |")
    means = {k: np.mean([r[k] for r in results]) for k in ("emb", "both", "vader", "cal")}
    print(f"| mean | | {means['emb']:.3f} | {means['both']:.3f} | {means['vader']:.3f} | {means['cal']:.3f} |")


if __name__ == "__main__":
    main()
