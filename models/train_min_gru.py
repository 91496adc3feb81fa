#!/usr/bin/env python3
"""Train min-gru: a 3-layer minGRU character language model (Feng et al. 2024, "Were RNNs All We Needed?")
on the King James Version (Debian bible-kjv-text; see kjv_text.py for the licence statement).

minGRU layer: z_t = sigmoid(W_z x_t + b_z), h~_t = W_h x_t + b_h, h_t = (1 - z_t) * h_{t-1} + z_t * h~_t.
The gates depend on the input only, so they are computed for all steps at once; the recurrence is a loop
over time (training runs the same recurrence as a chunked scan, checked against the loop at start). The export runs torch.jit.script first, so each layer's loop becomes an ONNX Loop whose single
loop-carried float tensor is that layer's h (what cellscope's tapLoops records as L{k}.fwd.h).
Layer k+1 reads layer k's h; the head reads the last layer's h.

Same data split as prose-gru (train_prose_gru.py): held-out books never trained on, demo corpus
static/corpora/kjv-held-out.txt.

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_min_gru.py --minutes 12
Writes models/min-gru.onnx, models/min-gru.json.
"""
import argparse, os
from typing import List, Optional, Tuple
import torch, torch.nn as nn
import kjv_text
from train_prose_gru import HELD_OUT, DEMO_BOOKS, UNK, demo_corpus
from zoo_common import HERE, evaluate_bits, export_onnx, fit, seed_all, sha256, write_json


class MinGRULayer(nn.Module):
    def __init__(self, inp: int, hidden: int):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Linear(inp, 2 * hidden)

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """x [B, T, I], h [B, H] -> every h_t [B, T, H], last h [B, H]."""
        zh = self.gates(x)
        z = torch.sigmoid(zh[:, :, :self.hidden])
        cand = zh[:, :, self.hidden:]
        outs: List[torch.Tensor] = []
        for t in range(x.shape[1]):
            h = (1 - z[:, t]) * h + z[:, t] * cand[:, t]
            outs.append(h)
        return torch.stack(outs, 1), h


def chunked_scan(u: torch.Tensor, cand: torch.Tensor, h: torch.Tensor, chunk: int = 8):
    """The same recurrence in a few tensor ops per `chunk` steps (training only; the export keeps the loop):
    with a_t = 1 - z_t = exp(-softplus(u_t)) and b_t = z_t * h~_t, h_t = A_t (h_0 + sum_{s<=t} b_s / A_s),
    A_t = a_1 ... a_t within the chunk. Float64 and short chunks keep A_t far from underflow."""
    a = torch.exp(-nn.functional.softplus(u.double()))
    b = (torch.sigmoid(u.double()) * cand.double())
    h = h.double()
    outs = []
    for a_c, b_c in zip(a.split(chunk, 1), b.split(chunk, 1)):  # split, not slices: one gradient buffer
        A = torch.cumprod(a_c, 1)
        hs = A * (h.unsqueeze(1) + torch.cumsum(b_c / A, 1))
        outs.append(hs)
        h = hs[:, -1]
    return torch.cat(outs, 1).float(), h.float()


class MinGRULM(nn.Module):
    def __init__(self, vocab: int, emb: int = 64, hidden: int = 256, layers: int = 3):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb)
        self.layers = nn.ModuleList([MinGRULayer(emb if k == 0 else hidden, hidden) for k in range(layers)])
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """The exported graph (and evaluation): each layer's loop over time, from a zero state."""
        x = self.embed(tokens)
        for layer in self.layers:
            x, _ = layer(x, torch.zeros(tokens.shape[0], self.hidden, dtype=x.dtype))
        return self.head(x)

    @torch.jit.ignore
    def step(self, tokens: torch.Tensor, state: Optional[List[torch.Tensor]]) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        """Training: the chunked scan, carrying each layer's state across windows."""
        x = self.embed(tokens)
        new_state: List[torch.Tensor] = []
        for k, layer in enumerate(self.layers):
            h0 = torch.zeros(tokens.shape[0], self.hidden) if state is None else state[k]
            zh = layer.gates(x)
            x, h = chunked_scan(zh[:, :, :self.hidden], zh[:, :, self.hidden:], h0)
            new_state.append(h)
        return self.head(x), new_state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=12)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--layers', type=int, default=3)
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--out', default=os.path.join(HERE, 'min-gru'))
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
    model = MinGRULM(len(vocab), hidden=args.hidden, layers=args.layers)
    with torch.no_grad():  # the training scan must equal the exported loop
        probe = torch.randint(0, len(vocab), (2, 300))
        gap = float((model.step(probe, None)[0] - model(probe)).abs().max())
    assert gap < 1e-4, f'chunked scan differs from the loop by {gap}'
    print(f'chunked scan vs loop: max |difference| {gap:.2e}', flush=True)
    tokenizer = {'type': 'char', 'vocab': vocab, 'unk': UNK, 'lowercase': False, 'bos': None, 'eos': None}
    description = (f'{args.layers}-layer minGRU ({args.hidden} units) char LM on the King James Version '
                   f'(public domain); each layer\'s recurrence is an ONNX Loop')
    best = {}

    def on_best(bits, step):
        export_onnx(model, args.out + '.onnx', tokenizer, description, script=True)
        best['sd'] = {k: v.clone() for k, v in model.state_dict().items()}
        best['step'] = step

    log, steps, minutes = fit(model, train, val, len(vocab), args.minutes, on_best, seq=args.seq,
                              batch=args.batch, lr=args.lr, eval_every=200)
    model.load_state_dict(best['sd'])
    val_bits = evaluate_bits(model, val, len(vocab))
    demo_bits = evaluate_bits(model, demo, len(vocab), chunk=len(demo) - 1, batch=1)
    onnx_path = args.out + '.onnx'
    write_json(args.out + '.json', {
        'params': sum(q.numel() for q in model.parameters()), 'hidden': args.hidden, 'layers': args.layers,
        'embedding': 64, 'vocab': len(vocab), 'steps': steps, 'best_step': best['step'],
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
