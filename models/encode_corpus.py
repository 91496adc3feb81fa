#!/usr/bin/env python3
"""Encode a corpus with a model's own cellscope.tokenizer metadata into an int64 .npy [1, T] for
`npm run record -- --feed tokens=FILE.npy` (char tokenizer only: one id per code point, <unk> for the rest).
Used for min-gru, whose Loop graph the record command does not yet take with --text (see models/min-gru.md).

Run: /usr/bin/python3 models/encode_corpus.py models/min-gru.onnx static/corpora/kjv-held-out.txt /tmp/ids.npy
"""
import json, sys
import numpy as np
import onnx


def main(model_path, corpus_path, out_path):
    meta = {p.key: p.value for p in onnx.load(model_path).metadata_props}
    spec = json.loads(meta['cellscope.tokenizer'])
    assert spec['type'] == 'char', 'only char tokenizers'
    index = {}
    for i, v in enumerate(spec['vocab']):
        index.setdefault(v, i)
    unk = index.get(spec.get('unk'))
    text = open(corpus_path, encoding='utf-8').read()
    ids = [index.get(c, unk) for c in text]
    assert None not in ids, 'a character is not in the vocabulary and there is no unknown token'
    np.save(out_path, np.array([ids], dtype=np.int64))
    print(f'{len(ids)} tokens -> {out_path}')


if __name__ == '__main__':
    main(*sys.argv[1:4])
