#!/usr/bin/env python3
"""Train cellscope's bundled demo model: a 2-layer character-level LSTM language model on C code.

Data: the single-file libraries of Debian's libstb-dev (each file is dedicated to the public domain; most also offer
"ALTERNATIVE A - MIT License") and sqlite3.h from libsqlite3-dev ("The author
disclaims copyright to this source code"). Files are checked for their licence text before use.
Whole files are held out for validation; the demo corpus the app ships is one held-out file.

Run (Debian python3-torch, python3-onnx, libopenblas0-pthread):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_code_lstm.py --minutes 30
Writes models/code-lstm.onnx, models/code-lstm.json (metrics for the model card),
static/corpora/<held-out>.txt and static/corpora/stb-sqlite-train.txt.
"""
import argparse, glob, hashlib, json, math, os, random, time
import torch, torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELD_OUT = ['stb_c_lexer.h', 'stb_leakcheck.h', 'stb_include.h']  # validation files, never trained on
DEMO = 'stb_c_lexer.h'  # the bundled demo corpus (held out)
UNK = '<unk>'


def licence_ok(name, text):
    if name == 'sqlite3.h':
        return 'The author disclaims copyright to this source code' in text
    # Every stb file says "public domain" (most also offer MIT as an alternative).
    return 'public domain' in text.lower()


def load_files():
    files = sorted(glob.glob('/usr/include/stb/*.h')) + ['/usr/include/sqlite3.h']
    out = {}
    for f in files:
        text = open(f, encoding='utf-8', errors='replace').read()
        name = os.path.basename(f)
        if not licence_ok(name, text):
            print('skip (licence not found):', name)
            continue
        out[name] = text.replace('\r\n', '\n')
    return out


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=64, hidden=256, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        y, _ = self.rnn(self.embed(tokens))
        return self.head(y)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--out', default=os.path.join(HERE, 'code-lstm'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)

    files = load_files()
    train_text = '\n'.join(t for n, t in files.items() if n not in HELD_OUT)
    val_text = '\n'.join(files[n] for n in HELD_OUT if n in files)
    # Vocabulary: printable ASCII + tab + newline; anything else maps to <unk>.
    chars = ['\n', '\t'] + [chr(c) for c in range(32, 127)]
    vocab = chars + [UNK]
    index = {c: i for i, c in enumerate(vocab)}
    unk = index[UNK]
    enc = lambda s: torch.tensor([index.get(c, unk) for c in s], dtype=torch.long)
    train, val = enc(train_text), enc(val_text)
    counts = torch.bincount(train, minlength=len(vocab)).double() + 1
    p = counts / counts.sum()
    unigram_bits = float(-(p[val].log2()).mean())
    print(f'train {len(train)} chars, val {len(val)} chars, vocab {len(vocab)}, '
          f'held-out unigram cross-entropy {unigram_bits:.3f} bits/char', flush=True)

    model = CharLSTM(len(vocab), hidden=args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    lossf = nn.CrossEntropyLoss()

    def evaluate(limit=200_000):
        model.eval()
        with torch.no_grad():
            v = val[:limit]
            n = (len(v) - 1) // 1024 * 1024
            x = v[:n].view(-1, 1024)
            y = v[1:n + 1].view(-1, 1024)
            total = 0.0
            for i in range(0, x.shape[0], 16):
                logits = model(x[i:i + 16])
                total += float(lossf(logits.reshape(-1, len(vocab)), y[i:i + 16].reshape(-1))) * x[i:i + 16].numel()
        model.train()
        return total / x.numel() / math.log(2)

    start = time.time()
    deadline = start + args.minutes * 60
    step, best, best_state, log = 0, 1e9, None, []
    while time.time() < deadline:
        ix = torch.randint(0, len(train) - args.seq - 1, (args.batch,))
        x = torch.stack([train[i:i + args.seq] for i in ix])
        y = torch.stack([train[i + 1:i + args.seq + 1] for i in ix])
        loss = lossf(model(x).reshape(-1, len(vocab)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        frac = (time.time() - start) / (deadline - start)
        for g in opt.param_groups:  # cosine decay over the time budget
            g['lr'] = 3e-4 + (3e-3 - 3e-4) * 0.5 * (1 + math.cos(math.pi * min(frac, 1)))
        if step % 200 == 0:
            bpc = evaluate()
            log.append({'step': step, 'minutes': round((time.time() - start) / 60, 2),
                        'train_bpc': float(loss) / math.log(2), 'val_bpc': bpc})
            print(json.dumps(log[-1]), flush=True)
            if bpc < best:
                best, best_state = bpc, {k: v.clone() for k, v in model.state_dict().items()}
    train_minutes = (time.time() - start) / 60
    if best_state is not None:
        model.load_state_dict(best_state)
    final_bpc = evaluate(limit=len(val))

    # Export: plain torch.onnx.export, no state inputs (cellscope's graph surgery adds them).
    model.eval()
    onnx_path = args.out + '.onnx'
    dummy = torch.zeros(1, 16, dtype=torch.long)
    torch.onnx.export(model, dummy, onnx_path, opset_version=14, input_names=['tokens'],
                      output_names=['logits'], dynamic_axes={'tokens': {0: 'batch', 1: 'seq'},
                                                             'logits': {0: 'batch', 1: 'seq'}})
    import onnx
    m = onnx.load(onnx_path)
    meta = {'cellscope.tokenizer': json.dumps({'type': 'char', 'vocab': vocab, 'unk': UNK, 'lowercase': False,
                                               'bos': None, 'eos': None}),
            'cellscope.input': 'tokens', 'cellscope.logits': 'logits',
            'cellscope.description': f'2-layer char LSTM ({args.hidden} units) trained on stb + sqlite3.h C code'}
    for k, v in meta.items():
        e = m.metadata_props.add(); e.key, e.value = k, v
    onnx.save(m, onnx_path)

    os.makedirs(os.path.join(ROOT, 'static', 'corpora'), exist_ok=True)
    with open(os.path.join(ROOT, 'static', 'corpora', DEMO.replace('.h', '.h.txt')), 'w') as f:
        f.write(files[DEMO])
    params = sum(p.numel() for p in model.parameters())
    metrics = {'params': params, 'hidden': args.hidden, 'layers': 2, 'embedding': 64, 'vocab': len(vocab),
               'steps': step, 'train_minutes': round(train_minutes, 1), 'seq': args.seq, 'batch': args.batch,
               'train_chars': len(train), 'val_chars': len(val), 'val_bpc': round(final_bpc, 4),
               'val_unigram_bpc': round(unigram_bits, 4), 'train_files': [n for n in files if n not in HELD_OUT],
               'held_out_files': HELD_OUT, 'onnx_bytes': os.path.getsize(onnx_path),
               'onnx_sha256': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest(), 'log': log}
    json.dump(metrics, open(args.out + '.json', 'w'), indent=1)
    print('final held-out bpc', final_bpc, 'unigram', unigram_bits, flush=True)


if __name__ == '__main__':
    main()
