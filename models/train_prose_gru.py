#!/usr/bin/env python3
"""Train prose-gru: a 2-layer character-level GRU language model on the King James Version (Debian
bible-kjv-text; licence statement checked in its copyright file, see kjv_text.py).

Text: one verse per line, no references. Held out (never trained on): the books in HELD_OUT; the demo
corpus static/corpora/kjv-held-out.txt is four of them (Ruth, Jonah, Philippians, Jude), unchanged.

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_prose_gru.py --minutes 15
Writes models/prose-gru.onnx, models/prose-gru.json, static/corpora/kjv-held-out.txt.
"""
import argparse, os
import torch, torch.nn as nn
import kjv_text
from zoo_common import HERE, ROOT, evaluate_bits, export_onnx, fit, seed_all, sha256, write_json

HELD_OUT = ['Ruth', 'Jonah', 'Mark', 'Phi', 'Jude']
DEMO_BOOKS = ['Ruth', 'Jonah', 'Phi', 'Jude']
UNK = '<unk>'


def demo_corpus():
    """The held-out demo text shared by the zoo's character models; written once, then checked."""
    b = kjv_text.books()
    text = '\n'.join(v for name in DEMO_BOOKS for v in b[name]) + '\n'
    path = os.path.join(ROOT, 'static', 'corpora', 'kjv-held-out.txt')
    if os.path.exists(path):
        assert open(path).read() == text, f'{path} differs from the KJV text'
    else:
        open(path, 'w').write(text)
    return text


class CharGRU(nn.Module):
    def __init__(self, vocab, emb=32, hidden=256, layers=2, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        return self.step(tokens)[0]

    def step(self, tokens, state=None):
        y, state = self.rnn(self.embed(tokens), state)
        return self.head(self.drop(y)), state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=15)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--out', default=os.path.join(HERE, 'prose-gru'))
    args = ap.parse_args()
    seed_all(0)
    licence = kjv_text.licence_statement()
    train_text, val_text = kjv_text.char_corpus(HELD_OUT)
    demo_text = demo_corpus()
    vocab = kjv_text.char_vocab(train_text)
    index = {c: i for i, c in enumerate(vocab)}
    enc = lambda s: torch.tensor([index.get(c, len(vocab) - 1) for c in s], dtype=torch.long)
    train, val, demo = enc(train_text), enc(val_text), enc(demo_text)
    p = torch.bincount(train, minlength=len(vocab)).double() + 1
    p = p / p.sum()
    unigram_bits = float(-(p[val].log2()).mean())
    print(f'train {len(train)} chars, val {len(val)}, vocab {len(vocab)}, unigram {unigram_bits:.3f} bits/char',
          flush=True)
    model = CharGRU(len(vocab), hidden=args.hidden)
    tokenizer = {'type': 'char', 'vocab': vocab, 'unk': UNK, 'lowercase': False, 'bos': None, 'eos': None}
    description = f'2-layer char GRU ({args.hidden} units) LM on the King James Version (public domain)'
    best = {}

    def on_best(bits, step):
        export_onnx(model, args.out + '.onnx', tokenizer, description)
        best['sd'] = {k: v.clone() for k, v in model.state_dict().items()}
        best['step'] = step

    log, steps, minutes = fit(model, train, val, len(vocab), args.minutes, on_best, seq=args.seq,
                              batch=args.batch, lr=args.lr, eval_every=200)
    model.load_state_dict(best['sd'])
    val_bits = evaluate_bits(model, val, len(vocab))
    demo_bits = evaluate_bits(model, demo, len(vocab), chunk=len(demo) - 1, batch=1)
    onnx_path = args.out + '.onnx'
    write_json(args.out + '.json', {
        'params': sum(q.numel() for q in model.parameters()), 'hidden': args.hidden, 'layers': 2, 'embedding': 32,
        'vocab': len(vocab), 'dropout': 0.1, 'steps': steps, 'best_step': best['step'],
        'train_minutes': round(minutes, 1), 'seq': args.seq, 'batch': args.batch, 'peak_lr': args.lr,
        'train_chars': len(train), 'val_chars': len(val), 'val_bpc': round(val_bits, 4),
        'val_unigram_bpc': round(unigram_bits, 4),
        'val_eval': 'held-out books concatenated, 1024-character pieces each from a zero state',
        'demo_chars': len(demo), 'demo_bpc': round(demo_bits, 4),
        'demo_eval': 'the whole demo corpus as one sequence from a zero state (as cellscope records it)',
        'held_out_books': HELD_OUT, 'demo_books': DEMO_BOOKS, 'licence': licence,
        'package_versions': {p_: kjv_text.package_version(p_) for p_ in ('bible-kjv-text', 'bible-kjv')},
        'torch': torch.__version__, 'onnx_bytes': os.path.getsize(onnx_path), 'onnx_sha256': sha256(onnx_path),
        'log': log})
    print('final held-out bpc', val_bits, 'demo', demo_bits, 'unigram', unigram_bits, flush=True)


if __name__ == '__main__':
    main()
