#!/usr/bin/env python3
"""Convert NeuroNER's CoNLL-2003 English model (pyneuroner 1.0.8) for Rust.

Reads the wheel as a zip (no install, no TensorFlow), parses the TF1 tensor
bundle and the pickled vocabulary, and writes models/neuroner-conll2003-en/:
model.safetensors, tokens.txt, characters.txt, labels.txt, PROVENANCE.md and
SHA256SUMS. The output is byte-for-byte deterministic.

    python3 tools/neuroner_convert/convert.py            # (re)write the model dir
    python3 tools/neuroner_convert/convert.py --check    # CI: re-convert, compare hashes

The wheel is taken from --wheel, else from the cache directory
(${COPYDESK_CACHE_DIR:-~/.cache/copydesk}/wheels), fetched there with
`pip download --no-deps pyneuroner==1.0.8` when absent. Its sha256 is pinned.
"""

import argparse
import hashlib
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tfbundle  # noqa: E402

PACKAGE = "pyneuroner"
VERSION = "1.0.8"
WHEEL_NAME = f"{PACKAGE}-{VERSION}-py2.py3-none-any.whl"
WHEEL_SHA256 = "5a4526e81dc309d37e8b81e26986faf63987f8c7de9716b62bc51ce5f0190e6d"
MODEL_PREFIX = "neuroner/trained_models/conll_2003_en/"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "models" / "neuroner-conll2003-en"

# Checkpoint variable -> our name. Shapes are kept exactly as in the
# checkpoint: dense kernels are [in, out] (TensorFlow's x·W + b), LSTM
# kernels are [input + hidden, 3·hidden] with the gate blocks in the order
# j (candidate), f (forget), o (output) of CoupledInputForgetGateLSTMCell.
CIFG = "bidirectional_LSTM/bidirectional_rnn/{d}/coupled_input_forget_gate_lstm_cell"
TENSOR_NAMES = {
    "character_embedding/character_embedding_weights": "char_embedding.weight",
    "token_embedding/token_embedding_weights": "token_embedding.weight",
    "feedforward_after_lstm/W": "hidden.weight",
    "feedforward_after_lstm/bias": "hidden.bias",
    "feedforward_before_crf/W": "scores.weight",
    "feedforward_before_crf/bias": "scores.bias",
    "crf/transitions": "crf.transitions",
}
for layer, ours in (("character_lstm", "char_lstm"), ("token_lstm", "token_lstm")):
    for tf_dir, long_dir, our_dir in (("fw", "forward", "forward"), ("bw", "backward", "backward")):
        TENSOR_NAMES[f"{layer}/{CIFG.format(d=tf_dir)}/W_0"] = f"{ours}.{our_dir}.kernel"
        TENSOR_NAMES[f"{layer}/{CIFG.format(d=tf_dir)}/B"] = f"{ours}.{our_dir}.bias"
        TENSOR_NAMES[f"{layer}/bidirectional_LSTM/{long_dir}/initial_cell_state"] = (
            f"{ours}.{our_dir}.initial_c"
        )
        TENSOR_NAMES[f"{layer}/bidirectional_LSTM/{long_dir}/initial_output_state"] = (
            f"{ours}.{our_dir}.initial_h"
        )
# Training bookkeeping, not part of the model.
IGNORED = {"global_step"}

EXPECTED_SHAPES = {
    "char_embedding.weight": (86, 25),
    "token_embedding.weight": (28984, 100),
    "hidden.weight": (200, 100),
    "hidden.bias": (100,),
    "scores.weight": (100, 17),
    "scores.bias": (17,),
    "crf.transitions": (19, 19),
}
for d in ("forward", "backward"):
    EXPECTED_SHAPES.update(
        {
            f"char_lstm.{d}.kernel": (50, 75),
            f"char_lstm.{d}.bias": (75,),
            f"char_lstm.{d}.initial_c": (1, 25),
            f"char_lstm.{d}.initial_h": (1, 25),
            f"token_lstm.{d}.kernel": (250, 300),
            f"token_lstm.{d}.bias": (300,),
            f"token_lstm.{d}.initial_c": (1, 100),
            f"token_lstm.{d}.initial_h": (1, 100),
        }
    )

OUTPUT_FILES = ["model.safetensors", "tokens.txt", "characters.txt", "labels.txt", "PROVENANCE.md"]


class ConvertError(Exception):
    pass


def cache_dir():
    base = os.environ.get("COPYDESK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copydesk"
    )
    return Path(base) / "wheels"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def locate_wheel(explicit):
    """The pinned wheel: --wheel, else the cache, else pip download into the cache."""
    if explicit:
        path = Path(explicit)
    else:
        path = cache_dir() / WHEEL_NAME
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            print(f"fetching {PACKAGE}=={VERSION} into {path.parent}", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                 f"{PACKAGE}=={VERSION}", "-d", str(path.parent)],
                check=True,
            )
    if not path.exists():
        raise ConvertError(f"wheel not found: {path}")
    digest = sha256_file(path)
    if digest != WHEEL_SHA256:
        raise ConvertError(f"{path}: sha256 {digest}, expected {WHEEL_SHA256}")
    return path


class _Stand_in:
    """Accepts whatever state the pickle gives it (NeuroNER's Dataset)."""

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.__dict__["_state"] = state


class _PermissiveUnpickler(pickle.Unpickler):
    # dataset.pickle references neuroner.dataset.Dataset; we do not want
    # neuroner (or TensorFlow, sklearn...) installed, so every class outside
    # the standard library becomes a plain attribute bag.
    def find_class(self, module, name):
        if module in ("collections", "builtins", "copyreg", "_codecs"):
            return super().find_class(module, name)
        return type(name, (_Stand_in,), {})


def load_dataset_pickle(data):
    return _PermissiveUnpickler(io.BytesIO(data)).load()


def read_model(wheel_path):
    """Returns (tensors by our name, tokens, characters, labels)."""
    with zipfile.ZipFile(wheel_path) as z:
        index = z.read(MODEL_PREFIX + "model.ckpt.index")
        data = z.read(MODEL_PREFIX + "model.ckpt.data-00000-of-00001")
        dataset = load_dataset_pickle(z.read(MODEL_PREFIX + "dataset.pickle"))

    raw = tfbundle.read_bundle(index, data)
    tensors = {}
    for name, array in raw.items():
        if name in IGNORED:
            continue
        if name not in TENSOR_NAMES:
            raise ConvertError(f"unexpected checkpoint variable {name}")
        tensors[TENSOR_NAMES[name]] = np.ascontiguousarray(array, dtype="<f4")
    for name, shape in EXPECTED_SHAPES.items():
        if name not in tensors:
            raise ConvertError(f"checkpoint lacks {name}")
        if tensors[name].shape != shape:
            raise ConvertError(f"{name}: shape {tensors[name].shape}, expected {shape}")

    # Tokens: index_to_token is dense 0..V-1 with 0 = "UNK". token_to_index
    # also maps ~1300 rare dev/test words to 0; leaving them out of tokens.txt
    # changes nothing because every unlisted token falls back to 0 anyway.
    index_to_token = dict(dataset.index_to_token)
    vocab = len(index_to_token)
    if sorted(index_to_token) != list(range(vocab)) or vocab != tensors["token_embedding.weight"].shape[0]:
        raise ConvertError("index_to_token is not dense or does not match the embedding")
    if dataset.UNK_TOKEN_INDEX != 0 or dataset.PADDING_CHARACTER_INDEX != 0:
        raise ConvertError("expected UNK and padding at index 0")
    tokens = [index_to_token[i] for i in range(vocab)]
    for token, i in dataset.token_to_index.items():
        if i != 0 and tokens[i] != token:
            raise ConvertError(f"token_to_index and index_to_token disagree at {i}")
    for i, token in enumerate(tokens[1:], start=1):
        if dataset.token_to_index.get(token) != i:
            raise ConvertError(f"token {token!r} does not map back to {i}")

    # Characters: 1..85; 0 is padding (no character), written as an empty line.
    index_to_character = dict(dataset.index_to_character)
    alphabet = tensors["char_embedding.weight"].shape[0]
    if sorted(index_to_character) != list(range(1, alphabet)):
        raise ConvertError("index_to_character is not 1..alphabet-1")
    characters = [""] + [index_to_character[i] for i in range(1, alphabet)]
    if any(len(c) != 1 for c in characters[1:]):
        raise ConvertError("a character entry is not a single code point")

    index_to_label = dict(dataset.index_to_label)
    labels = [index_to_label[i] for i in range(len(index_to_label))]
    if len(labels) + 2 != tensors["crf.transitions"].shape[0] or tensors["scores.bias"].shape[0] != len(labels):
        raise ConvertError("label count does not match the score layer and transitions")

    for entry in tokens + characters + labels:
        if any(ch in entry for ch in "\n\r"):
            raise ConvertError(f"vocabulary entry {entry!r} contains a line break")
    return tensors, tokens, characters, labels


def write_safetensors(path, tensors, metadata):
    # Written by hand rather than with the safetensors package so that the
    # bytes are fully determined here (sorted names, sorted JSON keys).
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        blob = tensors[name].astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # keep the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


PROVENANCE = """# NeuroNER CoNLL-2003 English: provenance

- Source package: `{package}` version `{version}` from PyPI
  (`{wheel}`, sha256 `{sha}`).
- Files used from the wheel: `{prefix}model.ckpt.index`,
  `{prefix}model.ckpt.data-00000-of-00001` (TensorFlow 1 tensor bundle) and
  `{prefix}dataset.pickle` (vocabularies and labels).
- Model: NeuroNER BiLSTM-CRF (character BiLSTM 25+25, GloVe-initialised token
  embeddings 100, token BiLSTM 100+100, tanh layer 100, CRF over 17 BIOES
  labels), trained on CoNLL-2003 English.
- Licence: MIT. Copyright (c) 2019 Franck Dernoncourt, Jenny Lee, Tom Pollard.
  The weights are redistributed under that licence; the licence text follows.

## Reproduce

From the repository root:

```
pip install -r tools/neuroner_convert/requirements.txt
python3 tools/neuroner_convert/convert.py          # writes this directory
python3 tools/neuroner_convert/convert.py --check  # verifies it against SHA256SUMS
```

## Files

- `model.safetensors`: float32 tensors, names below; `__metadata__` repeats
  the source. Dense kernels are `[in, out]` (y = x·W + b). LSTM kernels are
  `[input + hidden, 3·hidden]`, rows = `[x, h_prev]`, column blocks = gates
  j (candidate), f (forget), o (output) of TensorFlow's
  CoupledInputForgetGateLSTMCell (forget bias 1.0, no peepholes).
- `tokens.txt`: line n (0-based) is the token of embedding row n; line 0 is
  `UNK`, the row used for any token not listed (exact, case-sensitive match).
- `characters.txt`: line n is the character of embedding row n; line 0 is
  empty (row 0 is padding).
- `labels.txt`: line n is the label of score column n (BIOES); CRF
  transition rows/columns {n_labels} and {n_labels_plus_one} are the start and end states.

| checkpoint variable | tensor | shape |
| --- | --- | --- |
{table}

## Licence (from the wheel's dist-info/LICENSE)

```
{licence}
```
"""


def convert(wheel_path, out_dir):
    tensors, tokens, characters, labels = read_model(wheel_path)
    with zipfile.ZipFile(wheel_path) as z:
        licence = z.read(f"{PACKAGE}-{VERSION}.dist-info/LICENSE").decode("utf-8").strip()
    out_dir.mkdir(parents=True, exist_ok=True)
    metadata = {
        "source": f"{PACKAGE}=={VERSION} {MODEL_PREFIX}model.ckpt",
        "wheel_sha256": WHEEL_SHA256,
        "license": "MIT, (c) 2019 Franck Dernoncourt, Jenny Lee, Tom Pollard",
        "lstm_gates": "j,f,o",
    }
    write_safetensors(out_dir / "model.safetensors", tensors, metadata)
    for name, lines in (("tokens.txt", tokens), ("characters.txt", characters), ("labels.txt", labels)):
        with open(out_dir / name, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(line + "\n" for line in lines))
    table = "\n".join(
        f"| `{tf}` | `{ours}` | {list(EXPECTED_SHAPES[ours])} |" for tf, ours in sorted(TENSOR_NAMES.items())
    )
    with open(out_dir / "PROVENANCE.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(PROVENANCE.format(package=PACKAGE, version=VERSION, wheel=WHEEL_NAME, sha=WHEEL_SHA256,
                                  prefix=MODEL_PREFIX, table=table, licence=licence,
                                  n_labels=len(labels), n_labels_plus_one=len(labels) + 1))
    sums = "".join(f"{sha256_file(out_dir / name)}  {name}\n" for name in OUTPUT_FILES)
    with open(out_dir / "SHA256SUMS", "w", encoding="utf-8", newline="\n") as f:
        f.write(sums)
    return sums


def check(wheel_path, out_dir):
    """Re-converts into a temp dir; compares with the committed SHA256SUMS and files."""
    committed = out_dir / "SHA256SUMS"
    if not committed.exists():
        print(f"FAIL: {committed} missing", file=sys.stderr)
        return 1
    expected = committed.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = convert(wheel_path, Path(tmp))
    failures = []
    if fresh != expected:
        failures.append("re-conversion differs from the committed SHA256SUMS")
    for line in expected.splitlines():
        digest, name = line.split("  ", 1)
        path = out_dir / name
        if not path.exists():
            failures.append(f"{name} missing")
        elif sha256_file(path) != digest:
            failures.append(f"{name}: committed file does not match SHA256SUMS")
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    if not failures:
        print(f"OK: {out_dir} matches a fresh conversion of {PACKAGE}=={VERSION}")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help=f"path to {WHEEL_NAME} (default: cache, pip download if absent)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model directory (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="re-convert into a temp dir and compare with the committed hashes")
    args = parser.parse_args()
    try:
        wheel = locate_wheel(args.wheel)
        if args.check:
            return check(wheel, args.out)
        sums = convert(wheel, args.out)
    except (ConvertError, tfbundle.BundleError, subprocess.CalledProcessError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(sums)
    return 0


if __name__ == "__main__":
    sys.exit(main())
