#!/usr/bin/env python3
"""Train kjv-word-lstm: a word-level 2-layer LSTM language model on the King James Version (Debian
bible-kjv-text; see kjv_text.py for the licence statement, checked in the package's copyright file).

Tokens: kjv_text.split_words (words with inner apostrophes, numbers, each punctuation mark alone),
lowercased; the vocabulary is <unk> plus the 4,999 most frequent tokens of the training books (ties by
alphabet). cellscope's word tokenizer splits on whitespace and lowercases (tokenizer "lowercase": true),
so the corpus text is written with those tokens separated by spaces, one verse per line, original case.
Held out (never trained on): HELD_OUT books; the demo corpus static/corpora/kjv-mark.txt is the Gospel of
Mark (held out).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_kjv_word_lstm.py --minutes 18
Writes models/kjv-word-lstm.onnx, models/kjv-word-lstm.json, static/corpora/kjv-mark.txt.
"""
import argparse, collections, math, os
import torch, torch.nn as nn
import kjv_text
from zoo_common import HERE, ROOT, evaluate_bits, export_onnx, fit, seed_all, sha256, write_json

HELD_OUT = ['Ruth', 'Jonah', 'Mark', 'Phi', 'Jude']
DEMO = 'Mark'
UNK = '<unk>'


class WordLSTM(nn.Module):
    def __init__(self, vocab, emb=128, hidden=256, layers=2, dropout=0.2):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        return self.step(tokens)[0]

    def step(self, tokens, state=None):
        y, state = self.rnn(self.drop(self.embed(tokens)), state)
        return self.head(self.drop(y)), state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=18)
    ap.add_argument('--vocab', type=int, default=5000)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--seq', type=int, default=64)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--out', default=os.path.join(HERE, 'kjv-word-lstm'))
    args = ap.parse_args()
    seed_all(0)
    licence = kjv_text.licence_statement()
    books = kjv_text.books()
    tokens = {b: [t for v in vs for t in kjv_text.split_words(v).split()] for b, vs in books.items()}
    train_tokens = [t.lower() for b in books if b not in HELD_OUT for t in tokens[b]]
    val_tokens = [t.lower() for b in HELD_OUT for t in tokens[b]]
    counts = collections.Counter(train_tokens)
    vocab = [UNK] + [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:args.vocab - 1]]
    index = {w: i for i, w in enumerate(vocab)}
    enc = lambda ts: torch.tensor([index.get(t, 0) for t in ts], dtype=torch.long)
    train, val = enc(train_tokens), enc(val_tokens)
    demo_text = '\n'.join(kjv_text.split_words(v) for v in books[DEMO]) + '\n'
    demo_path = os.path.join(ROOT, 'static', 'corpora', 'kjv-mark.txt')
    open(demo_path, 'w').write(demo_text)
    demo = enc(demo_text.lower().split())
    p = (torch.bincount(train, minlength=len(vocab)).double() + 1)
    p = p / p.sum()
    unigram_bits = float(-(p[val].log2()).mean())
    oov = float((val == 0).double().mean())
    print(f'train {len(train)} tokens, val {len(val)} ({oov:.2%} <unk>), vocab {len(vocab)}, '
          f'unigram perplexity {2 ** unigram_bits:.1f}', flush=True)

    model = WordLSTM(len(vocab), hidden=args.hidden)
    tokenizer = {'type': 'word', 'vocab': vocab, 'unk': UNK, 'lowercase': True, 'bos': None, 'eos': None}
    description = (f'2-layer word LSTM ({args.hidden} units) LM on the King James Version (public domain); '
                   f'tokens are space-separated words and punctuation, lowercased')
    best_state = {}

    def on_best(bits, step):
        export_onnx(model, args.out + '.onnx', tokenizer, description)
        best_state['sd'] = {k: v.clone() for k, v in model.state_dict().items()}
        best_state['step'] = step

    log, steps, minutes = fit(model, train, val, len(vocab), args.minutes, on_best, seq=args.seq,
                              batch=args.batch, lr=args.lr, eval_every=150, eval_chunk=512)
    model.load_state_dict(best_state['sd'])
    val_bits = evaluate_bits(model, val, len(vocab), chunk=512)
    demo_bits = evaluate_bits(model, demo, len(vocab), chunk=len(demo) - 1, batch=1)
    onnx_path = args.out + '.onnx'
    write_json(args.out + '.json', {
        'params': sum(q.numel() for q in model.parameters()), 'hidden': args.hidden, 'layers': 2, 'embedding': 128,
        'vocab': len(vocab), 'dropout': 0.2, 'steps': steps, 'best_step': best_state['step'],
        'train_minutes': round(minutes, 1), 'seq': args.seq, 'batch': args.batch, 'peak_lr': args.lr,
        'train_tokens': len(train), 'val_tokens': len(val), 'val_unk_rate': round(oov, 4),
        'val_perplexity': round(2 ** val_bits, 2), 'val_unigram_perplexity': round(2 ** unigram_bits, 2),
        'val_eval': 'held-out books concatenated, 512-token pieces each from a zero state',
        'demo_tokens': len(demo), 'demo_perplexity': round(2 ** demo_bits, 2),
        'demo_eval': 'the whole demo corpus as one sequence from a zero state (as cellscope records it)',
        'held_out_books': HELD_OUT, 'demo_book': DEMO, 'licence': licence,
        'package_versions': {p_: kjv_text.package_version(p_) for p_ in ('bible-kjv-text', 'bible-kjv')},
        'torch': torch.__version__, 'onnx_bytes': os.path.getsize(onnx_path), 'onnx_sha256': sha256(onnx_path),
        'log': log})
    print('final held-out perplexity', 2 ** val_bits, 'demo', 2 ** demo_bits, 'unigram', 2 ** unigram_bits,
          flush=True)


if __name__ == '__main__':
    main()
