#!/usr/bin/env python3
"""Generates the example's model and evaluation metrics: a tiny sentiment classifier in the
safetensors format (an embedding table and a linear head, about 2.6 MB, the same bytes for
the same seed), its config, tokenizer and model card, and the metrics an evaluation job
would write. Standard library only.

    python3 generate.py                    # model/ and eval/metrics.json
    python3 generate.py --accuracy 0.71    # metrics that fail the release's policy
"""
import argparse
import json
import os
import random
import struct
import sys
from array import array

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--accuracy", type=float, default=0.931)
parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
args = parser.parse_args()

vocabulary, width, labels = 5000, 128, 2
rng = random.Random(args.seed)


def tensor(count):
    values = array("f", (rng.gauss(0.0, 0.02) for _ in range(count)))
    if sys.byteorder == "big":
        values.byteswap()  # safetensors is little-endian
    return values.tobytes()


tensors = [
    ("embeddings.weight", [vocabulary, width], tensor(vocabulary * width)),
    ("classifier.weight", [labels, width], tensor(labels * width)),
    ("classifier.bias", [labels], tensor(labels)),
]
header, offset = {"__metadata__": {"format": "pt", "generator": "shipml example"}}, 0
for name, shape, data in tensors:
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
text += b" " * (-len(text) % 8)


def write(path, data):
    path = os.path.join(args.out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())
    os.replace(temporary, path)


write("model/model.safetensors", struct.pack("<Q", len(text)) + text + b"".join(t[2] for t in tensors))
write("model/config.json", json.dumps({
    "architectures": ["BagOfEmbeddingsClassifier"], "hidden_size": width,
    "vocab_size": vocabulary, "id2label": {"0": "negative", "1": "positive"},
    "torch_dtype": "float32"}, indent=2) + "\n")
write("model/tokenizer.json", json.dumps({
    "version": "1.0", "model": {"type": "WordLevel", "unk_token": "[UNK]",
    "vocab": {"[UNK]": 0, "good": 1, "bad": 2, "great": 3, "awful": 4}}}, indent=2) + "\n")
write("model/README.md", "# sentiment\n\nA tiny bag-of-embeddings sentiment classifier, "
      "generated for the shipml example (not trained: its weights are seeded noise).\n\n"
      "- Labels: negative, positive\n- License: Apache-2.0\n")
drift = args.accuracy - 0.931
write("eval/metrics.json", json.dumps({
    "overall": {"accuracy": round(args.accuracy, 4), "f1": round(0.924 + drift, 4),
                "latency_p95_ms": 41.0},
    "slices": {
        "language=en": {"size": 1200, "accuracy": round(0.944 + drift, 4), "f1": round(0.939 + drift, 4)},
        "language=de": {"size": 400, "accuracy": round(0.912 + drift, 4), "f1": round(0.903 + drift, 4)},
    }}, indent=2, sort_keys=True) + "\n")
print(f"wrote model/ ({os.path.getsize(os.path.join(args.out, 'model/model.safetensors'))} bytes of weights) and eval/metrics.json")
