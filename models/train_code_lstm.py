#!/usr/bin/env python3
"""Train cellscope's bundled demo model: a 2-layer character-level LSTM language model on C code.

Data: public-domain or MIT C headers and examples from Debian packages (see SOURCES), chiefly the
single-file libraries of libstb-dev (each dedicated to the public domain; most also offer MIT) and
sqlite3.h. Every file is checked for its own licence statement before use, and the package versions
used are recorded. Whole files are held out for validation; the demo corpus the app ships is one
held-out file (written unchanged to static/corpora/).

Training (v2): optional warm start from an existing ONNX export (--init), dropout between the LSTM
layers and before the head, stateful truncated backprop (32 streams carry their state across
consecutive 128-character windows, so the model learns to run over whole files from a zero state),
cosine learning-rate decay over the time budget, and an export of the best checkpoint (by held-out
bits per character) every time it improves, so a stopped run keeps its best model.

Run (Debian python3-torch, python3-onnx, libopenblas0-pthread; the -dev packages listed in SOURCES):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_code_lstm.py --minutes 95 --init models/code-lstm.onnx
Writes models/code-lstm.onnx, models/code-lstm.json (metrics for the model card),
static/corpora/stb_c_lexer.h.txt, and snapshots under models/checkpoints/ (not committed).
"""
import argparse, glob, hashlib, json, math, os, random, re, shutil, subprocess, tempfile, time
import numpy as np
import torch, torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELD_OUT = ['stb_c_lexer.h', 'stb_leakcheck.h', 'stb_include.h']  # validation files, never trained on
DEMO = 'stb_c_lexer.h'  # the bundled demo corpus (held out)
UNK = '<unk>'
MIT = r'Permission is hereby granted, free of charge'
# (Debian package, file globs, regex the file's own text must contain, licence name)
SOURCES = [
    ('libstb-dev', ['/usr/include/stb/*.h'], r'public domain', 'public domain (most also MIT)'),
    ('libsqlite3-dev', ['/usr/include/sqlite3.h', '/usr/include/sqlite3ext.h'],
     r'The author disclaims copyright to this source code', 'public domain'),
    ('libtommath-dev', ['/usr/include/tommath.h'], r'Unlicense', 'public domain (Unlicense)'),
    ('liblzma-dev', ['/usr/include/lzma.h', '/usr/include/lzma/*.h', '/usr/share/doc/liblzma-dev/examples/*.c'],
     r'(put into|in) the public domain', 'public domain'),
    ('zlib1g-dev', ['/usr/share/doc/zlib1g-dev/examples/zpipe.c', '/usr/share/doc/zlib1g-dev/examples/fitblk.c'],
     r'provided to the public domain', 'public domain'),
    ('libpng-dev', ['/usr/share/doc/libpng-dev/examples/example.c'], r'in the public domain', 'public domain'),
    ('libcjson-dev', ['/usr/include/cjson/cJSON.h'], MIT, 'MIT'),
    ('libjansson-dev', ['/usr/include/jansson.h', '/usr/include/jansson_config.h'],
     r'under the terms of the MIT license', 'MIT'),
    ('liblua5.4-dev', ['/usr/include/lua5.4/lua.h'], MIT, 'MIT'),
    ('libutf8proc-dev', ['/usr/include/utf8proc.h'], MIT, 'MIT'),
    ('libmd4c-dev', ['/usr/include/md4c.h', '/usr/include/md4c-html.h'], MIT, 'MIT'),
]
ORIGINAL_PACKAGES = ('libstb-dev', 'libsqlite3-dev')  # the v1 data set


def package_version(pkg):
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg], capture_output=True, text=True)
        return out.stdout.strip() or None
    except OSError:
        return None


def load_files(extra=True):
    """name -> {text, path, package, licence}; names are unique basenames (stb names stay as in v1)."""
    out, versions = {}, {}
    for pkg, globs, pattern, licence in SOURCES:
        if not extra and pkg not in ORIGINAL_PACKAGES:
            continue
        if pkg == 'libsqlite3-dev' and not extra:
            globs = ['/usr/include/sqlite3.h']
        paths = sorted(p for g in globs for p in glob.glob(g) if not os.path.islink(p))
        if not paths:
            print('missing (apt-get install -y ' + pkg + '):', globs, flush=True)
            continue
        versions[pkg] = package_version(pkg)
        for path in paths:
            text = open(path, encoding='utf-8', errors='replace').read().replace('\r\n', '\n')
            name = os.path.basename(path)
            if not re.search(pattern, text, re.IGNORECASE):
                print('skip (licence statement not found):', path, flush=True)
                continue
            if name in out:
                name = pkg + '/' + name
            out[name] = {'text': text, 'path': path, 'package': pkg, 'licence': licence}
    return out, versions


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=64, hidden=256, layers=2, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.drop = nn.Dropout(dropout)  # no parameters: the state_dict keys stay those of v1
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        """The exported graph: tokens -> logits from a zero state (cellscope's surgery adds state I/O)."""
        return self.step(tokens)[0]

    def step(self, tokens, state=None):
        y, state = self.rnn(self.embed(tokens), state)
        return self.head(self.drop(y)), state


def onnx_lstm_to_torch(w, r, b, hidden):
    """ONNX LSTM W [1,4H,I], R [1,4H,H], B [1,8H] with gates i,o,f,c -> torch (i,f,g,o) weight_ih, weight_hh, biases."""
    def reorder(a):
        i, o, f, c = np.split(a, 4, axis=0)
        return np.concatenate([i, f, c, o], axis=0)
    return (reorder(w[0]), reorder(r[0]), reorder(b[0][:4 * hidden]), reorder(b[0][4 * hidden:]))


def lstm_weights_from_onnx(path):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    lstms = [n for n in m.graph.node if n.op_type == 'LSTM']
    matmul = [n for n in m.graph.node if n.op_type == 'MatMul']
    return m, init, lstms, matmul


def warm_start(model, path, hidden):
    """Load an ONNX export of this architecture into the torch model, then prove the mapping by re-exporting."""
    m, init, lstms, matmul = lstm_weights_from_onnx(path)
    assert len(lstms) == 2 and len(matmul) == 1, 'expected two ONNX LSTM nodes and one MatMul head'
    sd = {'embed.weight': init['embed.weight'], 'head.bias': init['head.bias'],
          'head.weight': init[matmul[0].input[1]].T}
    for layer, node in enumerate(lstms):
        wih, whh, bih, bhh = onnx_lstm_to_torch(init[node.input[1]], init[node.input[2]], init[node.input[3]], hidden)
        sd[f'rnn.weight_ih_l{layer}'], sd[f'rnn.weight_hh_l{layer}'] = wih, whh
        sd[f'rnn.bias_ih_l{layer}'], sd[f'rnn.bias_hh_l{layer}'] = bih, bhh
    model.load_state_dict({k: torch.tensor(np.ascontiguousarray(v), dtype=torch.float32) for k, v in sd.items()})
    # Round trip: exporting the loaded model must give back the same initializers, bit for bit.
    with tempfile.TemporaryDirectory() as d:
        tmp = os.path.join(d, 'rt.onnx')
        export_onnx(model, tmp)
        _, init2, lstms2, matmul2 = lstm_weights_from_onnx(tmp)
        pairs = [('embed.weight', 'embed.weight'), ('head.bias', 'head.bias'), (matmul[0].input[1], matmul2[0].input[1])]
        for a, b2 in zip(lstms, lstms2):
            pairs += [(a.input[k], b2.input[k]) for k in (1, 2, 3)]
        for a, b2 in pairs:
            assert np.array_equal(init[a], init2[b2]), f'warm start round trip differs at {a}'
    print(f'warm start from {path}: {len(pairs)} tensors round-trip exactly', flush=True)


def export_onnx(model, path, vocab=None, description=None):
    was_training = model.training
    model.eval()
    dummy = torch.zeros(1, 16, dtype=torch.long)
    torch.onnx.export(model, dummy, path, opset_version=14, input_names=['tokens'],
                      output_names=['logits'], dynamic_axes={'tokens': {0: 'batch', 1: 'seq'},
                                                             'logits': {0: 'batch', 1: 'seq'}})
    if vocab is not None:
        import onnx
        m = onnx.load(path)
        meta = {'cellscope.tokenizer': json.dumps({'type': 'char', 'vocab': vocab, 'unk': UNK, 'lowercase': False,
                                                   'bos': None, 'eos': None}),
                'cellscope.input': 'tokens', 'cellscope.logits': 'logits',
                'cellscope.description': description}
        for k, v in meta.items():
            e = m.metadata_props.add(); e.key, e.value = k, v
        onnx.save(m, path)
    model.train(was_training)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--dropout', type=float, default=0.15)
    ap.add_argument('--lr', type=float, default=2e-3, help='peak learning rate (cosine decay to lr/20)')
    ap.add_argument('--warmup', type=int, default=100, help='linear warm-up steps')
    ap.add_argument('--init', default=None, help='warm start from this ONNX export (same architecture)')
    ap.add_argument('--no-extra', action='store_true', help='only the v1 data (libstb-dev + sqlite3.h)')
    ap.add_argument('--stateless', action='store_true', help='random windows from a zero state (v1 training)')
    ap.add_argument('--eval-every', type=int, default=200, help='steps between held-out evaluations')
    ap.add_argument('--out', default=os.path.join(HERE, 'code-lstm'))
    ap.add_argument('--checkpoints', default=os.path.join(HERE, 'checkpoints'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)

    files, versions = load_files(extra=not args.no_extra)
    missing = [n for n in HELD_OUT if n not in files]
    assert not missing, f'held-out files missing: {missing} (apt-get install -y libstb-dev)'
    train_names = [n for n in files if n not in HELD_OUT]
    train_text = '\n'.join(files[n]['text'] for n in train_names)
    val_text = '\n'.join(files[n]['text'] for n in HELD_OUT)
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
    print(f'train {len(train)} chars from {len(train_names)} files, val {len(val)} chars, vocab {len(vocab)}, '
          f'held-out unigram cross-entropy {unigram_bits:.3f} bits/char', flush=True)
    print('packages:', json.dumps(versions), flush=True)

    # The demo corpus is the held-out file, unchanged.
    os.makedirs(os.path.join(ROOT, 'static', 'corpora'), exist_ok=True)
    demo_path = os.path.join(ROOT, 'static', 'corpora', DEMO.replace('.h', '.h.txt'))
    if os.path.exists(demo_path):
        assert open(demo_path).read() == files[DEMO]['text'], f'{demo_path} differs from {files[DEMO]["path"]}'
    else:
        open(demo_path, 'w').write(files[DEMO]['text'])

    model = CharLSTM(len(vocab), hidden=args.hidden, dropout=args.dropout)
    if args.init:
        warm_start(model, args.init, args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    lossf = nn.CrossEntropyLoss()
    description = f'2-layer char LSTM ({args.hidden} units) trained on public-domain and MIT C code (stb, sqlite3.h, ...)'

    def evaluate(limit=200_000):
        """Held-out bits/char on 1024-character chunks from a zero state (as in v1, so numbers compare)."""
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

    def evaluate_demo():
        """Bits/char over the whole demo file as one document from a zero state (how the app runs it)."""
        model.eval()
        with torch.no_grad():
            d = enc(files[DEMO]['text'])
            logits = model(d[:-1].unsqueeze(0))[0]
            bits = float(lossf(logits, d[1:])) / math.log(2)
        model.train()
        return bits

    os.makedirs(args.checkpoints, exist_ok=True)
    start = time.time()
    deadline = start + args.minutes * 60
    step, best, log = 0, 1e9, []
    base_bpc = evaluate()
    log.append({'step': 0, 'minutes': 0.0, 'train_bpc': None, 'val_bpc': base_bpc, 'demo_bpc': evaluate_demo()})
    print(json.dumps(log[-1]), flush=True)

    def metrics(final_bpc, train_minutes, best_step):
        params = sum(q.numel() for q in model.parameters())
        onnx_path = args.out + '.onnx'
        return {'params': params, 'hidden': args.hidden, 'layers': 2, 'embedding': 64, 'vocab': len(vocab),
                'steps': step, 'best_step': best_step, 'train_minutes': round(train_minutes, 1),
                'seq': args.seq, 'batch': args.batch, 'dropout': args.dropout, 'peak_lr': args.lr,
                'stateful': not args.stateless, 'warm_start': os.path.basename(args.init) if args.init else None,
                'warm_start_val_bpc': round(base_bpc, 4) if args.init else None,
                'train_chars': len(train), 'val_chars': len(val), 'val_bpc': round(final_bpc, 4),
                'val_unigram_bpc': round(unigram_bits, 4), 'train_files': train_names,
                'held_out_files': HELD_OUT,
                'data': [{'file': n, 'path': f['path'], 'package': f['package'], 'licence': f['licence'],
                          'chars': len(f['text']), 'held_out': n in HELD_OUT} for n, f in files.items()],
                'package_versions': versions,
                'torch': torch.__version__, 'onnx_bytes': os.path.getsize(onnx_path),
                'onnx_sha256': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest(), 'log': log}

    def save_best(bpc, best_step):
        onnx_path = args.out + '.onnx'
        tmp = onnx_path + '.tmp'
        export_onnx(model, tmp, vocab, description)
        os.replace(tmp, onnx_path)  # atomic: a kill never leaves a half-written model
        shutil.copy(onnx_path, os.path.join(args.checkpoints, f'code-lstm-step{best_step:05d}.onnx'))
        torch.save(model.state_dict(), os.path.join(args.checkpoints, 'best.pt'))
        m = metrics(bpc, (time.time() - start) / 60, best_step)
        json.dump(m, open(args.out + '.json.tmp', 'w'), indent=1)
        os.replace(args.out + '.json.tmp', args.out + '.json')
        print(f'exported step {best_step} val_bpc {bpc:.4f} -> {onnx_path}', flush=True)

    # Stateful streams: each of `batch` streams reads the training text from its own offset onwards.
    stride = len(train) // args.batch
    pos = torch.arange(args.batch) * stride + torch.randint(0, stride // 2, (args.batch,))
    state = None
    peak, floor = args.lr, args.lr / 20
    while time.time() < deadline:
        if args.stateless:
            ix = torch.randint(0, len(train) - args.seq - 1, (args.batch,))
            state = None
        else:
            wrap = pos + args.seq + 1 >= len(train)
            if bool(wrap.any()):
                pos[wrap] = torch.randint(0, args.seq, (int(wrap.sum()),))
                if state is not None:  # streams that wrap start again from a zero state
                    state = tuple(s.clone() for s in state)
                    for s in state:
                        s[:, wrap] = 0
            ix = pos
        x = torch.stack([train[i:i + args.seq] for i in ix])
        y = torch.stack([train[i + 1:i + args.seq + 1] for i in ix])
        logits, new_state = model.step(x, state)
        loss = lossf(logits.reshape(-1, len(vocab)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if not args.stateless:
            state = tuple(s.detach() for s in new_state)
            pos = pos + args.seq
        step += 1
        frac = (time.time() - start) / (deadline - start)
        lr = floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * min(frac, 1)))  # cosine over the time budget
        lr *= min(1.0, step / max(1, args.warmup))
        for g in opt.param_groups:
            g['lr'] = lr
        if step % 50 == 0 and step % args.eval_every:
            print(f'step {step} loss_bpc {float(loss) / math.log(2):.4f} lr {lr:.2e} '
                  f'min {(time.time() - start) / 60:.1f}', flush=True)
        if step % args.eval_every == 0:
            bpc = evaluate()
            log.append({'step': step, 'minutes': round((time.time() - start) / 60, 2),
                        'train_bpc': float(loss) / math.log(2), 'val_bpc': bpc, 'demo_bpc': evaluate_demo(),
                        'lr': lr})
            print(json.dumps(log[-1]), flush=True)
            if bpc < best:
                best = bpc
                save_best(bpc, step)
    train_minutes = (time.time() - start) / 60
    bpc = evaluate()
    log.append({'step': step, 'minutes': round(train_minutes, 2), 'train_bpc': None, 'val_bpc': bpc,
                'demo_bpc': evaluate_demo()})
    print(json.dumps(log[-1]), flush=True)
    if bpc < best:
        best = bpc
        save_best(bpc, step)
    # Final metrics for the best model (already exported): re-read its state and evaluate on all held-out text.
    model.load_state_dict(torch.load(os.path.join(args.checkpoints, 'best.pt')))
    final_bpc = evaluate(limit=len(val))
    best_step = max(e['step'] for e in log if e['val_bpc'] == min(x['val_bpc'] for x in log[1:]))
    m = metrics(final_bpc, train_minutes, best_step)
    json.dump(m, open(args.out + '.json', 'w'), indent=1)
    print('final held-out bpc', final_bpc, 'unigram', unigram_bits, 'best step', best_step, flush=True)


if __name__ == '__main__':
    main()
