#!/usr/bin/env python3
"""Find Karpathy-style interpretable cells in a cellscope char-LSTM ONNX model, independently of cellscope.

Reads the ONNX weights with the `onnx` package, runs its LSTM layers in numpy (float32, ONNX gate
order i, o, f, c; c = f*c + i*g, h = o*tanh(c)) over the demo corpus as one document from a zero
state, and scores every unit of every stream (L0.fwd.h, L0.fwd.c, L1.fwd.h, L1.fwd.c) against causal
C-lexer tracks: in_string, in_comment, inside_parens (ROC AUC, sklearn) and paren_depth (|Pearson r|,
scipy). Honest figures: held-out (best unit picked on the first half of the characters, scored on
the second half) and a chance baseline (the best unit against circularly shifted tracks).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/eval_cells.py --onnx models/code-lstm.onnx \
       --out models/cells-code-lstm.json
"""
import argparse, json, os, sys
import numpy as np
import onnx
from onnx import numpy_helper
from scipy.stats import pearsonr, rankdata
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STREAMS = ['L0.fwd.h', 'L0.fwd.c', 'L1.fwd.h', 'L1.fwd.c']
AUC_TRACKS = ['in_string', 'in_comment', 'inside_parens']
SHIFTS, SEED, TOP = 10, 0, 5


# ---------------------------------------------------------------- model
def load_model(path):
    """Embedding, the two LSTM layers (W, R, B in ONNX layout), head, and the char tokenizer of an ONNX file."""
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i).astype(np.float32) for i in m.graph.initializer}
    meta = {p.key: p.value for p in m.metadata_props}
    tok = json.loads(meta['cellscope.tokenizer'])
    if tok.get('type') != 'char':
        sys.exit(f'{path}: tokenizer type {tok.get("type")!r} is not "char"; this script handles char models only')
    input_name = meta.get('cellscope.input', 'tokens')
    gathers = [n for n in m.graph.node if n.op_type == 'Gather' and n.input[1] == input_name]
    lstms = [n for n in m.graph.node if n.op_type == 'LSTM']
    matmuls = [n for n in m.graph.node if n.op_type == 'MatMul']
    if len(gathers) != 1 or not lstms or len(matmuls) != 1:
        sys.exit(f'{path}: expected one embedding Gather on {input_name!r}, LSTM nodes and one MatMul head')
    layers = []
    for n in lstms:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        bad = {k: v for k, v in attrs.items() if k not in ('hidden_size',) and
               not (k == 'direction' and v == b'forward') and not (k == 'input_forget' and v == 0)}
        if bad:
            sys.exit(f'{path}: LSTM node {n.name} has unsupported attributes {bad}')
        if len(n.input) > 4 and n.input[4]:
            sys.exit(f'{path}: LSTM node {n.name} uses sequence_lens, which this script does not handle')
        layers.append((init[n.input[1]][0], init[n.input[2]][0], init[n.input[3]][0]))
    head_w = init[matmuls[0].input[1]]
    adds = [n for n in m.graph.node if n.op_type == 'Add' and matmuls[0].output[0] in n.input]
    head_b = init[[i for i in adds[0].input if i in init][0]] if adds else np.zeros(head_w.shape[1], np.float32)
    return init[gathers[0].input[0]], layers, head_w, head_b, tok


def encode(text, tok):
    index = {c: i for i, c in enumerate(tok['vocab'])}
    unk = index[tok['unk']]
    return np.array([index.get(c, unk) for c in text], dtype=np.int64), sum(c not in index for c in text)


def run_lstm(x, w, r, b):
    """One forward ONNX LSTM layer over x [T, I] from zero state. Gates in ONNX order i, o, f, c."""
    hidden = r.shape[1]
    xw = x @ w.T + b[:4 * hidden] + b[4 * hidden:]  # input projections for every step at once
    h = np.zeros(hidden, np.float32)
    c = np.zeros(hidden, np.float32)
    hs = np.empty((len(x), hidden), np.float32)
    cs = np.empty((len(x), hidden), np.float32)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    rt = np.ascontiguousarray(r.T)
    for t in range(len(x)):
        z = xw[t] + h @ rt
        i, o, f, g = sig(z[:hidden]), sig(z[hidden:2 * hidden]), sig(z[2 * hidden:3 * hidden]), np.tanh(z[3 * hidden:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[t], cs[t] = h, c
    return hs, cs


def run_model(tokens, emb, layers, head_w, head_b):
    streams, x = {}, emb[tokens]
    for k, (w, r, b) in enumerate(layers):
        h, c = run_lstm(x, w, r, b)
        streams[f'L{k}.fwd.h'], streams[f'L{k}.fwd.c'] = h, c
        x = h
    logits = x @ head_w + head_b
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    bpc = float(-logp[np.arange(len(tokens) - 1), tokens[1:]].mean() / np.log(2))
    return streams, bpc


# ---------------------------------------------------------------- tracks
def c_lexer_tracks(text):
    """Causal per-character tracks: each value is what is known after reading that character."""
    T = len(text)
    in_string = np.zeros(T, np.int8)
    in_comment = np.zeros(T, np.int8)
    depth = np.zeros(T, np.int32)
    state, escape, slash, star, d = 'code', False, False, False, 0
    for t, ch in enumerate(text):
        if state == 'code':
            if slash and ch == '*':
                state, star = 'block', False
            elif slash and ch == '/':
                state = 'line'
            elif ch == '"':
                state, escape = 'string', False
            elif ch == "'":
                state, escape = 'char', False
            elif ch == '(':
                d += 1
            elif ch == ')':
                d = max(0, d - 1)
            slash = state == 'code' and ch == '/'
            if state == 'string':
                in_string[t] = 1
            elif state in ('block', 'line'):
                in_comment[t] = 1
        elif state == 'string':
            if escape:
                escape = False
            elif ch == '\\':
                escape = True
            elif ch == '"':
                state = 'code'
            in_string[t] = state == 'string'
        elif state == 'char':
            if escape:
                escape = False
            elif ch == '\\':
                escape = True
            elif ch == "'":
                state = 'code'
        elif state == 'block':
            if star and ch == '/':
                state = 'code'
            else:
                in_comment[t] = 1
                star = ch == '*'
        elif state == 'line':
            if ch == '\n':
                state = 'code'
            else:
                in_comment[t] = 1
        depth[t] = d
    return {'in_string': in_string, 'in_comment': in_comment, 'inside_parens': (depth > 0).astype(np.int8),
            'paren_depth': depth}


def runs(y):
    y = np.asarray(y) > 0
    return int(y[0]) + int(np.sum(y[1:] & ~y[:-1])) if len(y) else 0


# ---------------------------------------------------------------- scores
class Scorer:
    """Scores of every unit of a stream against any label vector, vectorised (ranks / z-scores computed once)."""

    def __init__(self, acts):
        self.acts = acts = acts.astype(np.float64)
        self.ranks = rankdata(acts, axis=0)  # average ranks for ties, as sklearn's AUC
        sd = acts.std(axis=0)
        self.z = np.where(sd > 0, (acts - acts.mean(axis=0)) / np.where(sd > 0, sd, 1), 0.0)

    def auc(self, y):
        y = y.astype(np.float64)
        n1 = y.sum()
        n0 = len(y) - n1
        if n1 == 0 or n0 == 0:
            return np.full(self.acts.shape[1], np.nan)
        return (y @ self.ranks - n1 * (n1 + 1) / 2) / (n1 * n0)

    def r(self, y):
        y = y.astype(np.float64)
        if y.std() == 0:
            return np.full(self.acts.shape[1], np.nan)
        return self.z.T @ ((y - y.mean()) / y.std()) / len(y)


def raw_scores(scorer, track, y):
    return scorer.r(y) if track == 'paren_depth' else scorer.auc(y)


def directed(track, raw):
    """(score, sign) from a raw AUC or r: AUC folds around 0.5, r takes its absolute value."""
    if track == 'paren_depth':
        return np.abs(raw), np.where(raw >= 0, 1, -1)
    return np.maximum(raw, 1 - raw), np.where(raw >= 0.5, 1, -1)


def reference_score(track, acts, y):
    """The same raw figure with sklearn / scipy, for the units reported."""
    if len(np.unique(y)) < 2:
        return float('nan')
    return float(pearsonr(acts, y)[0]) if track == 'paren_depth' else float(roc_auc_score(y, acts))


def with_sign(track, raw, sign):
    if track == 'paren_depth':
        return raw * sign
    return raw if sign > 0 else 1 - raw


def evaluate(streams, tracks):
    T = len(next(iter(tracks.values())))
    half = T // 2
    rng = np.random.default_rng(SEED)
    offsets = rng.integers(int(T / 10), int(9 * T / 10), size=SHIFTS, endpoint=True)
    full = {s: Scorer(a) for s, a in streams.items()}
    first = {s: Scorer(a[:half]) for s, a in streams.items()}
    second = {s: Scorer(a[half:]) for s, a in streams.items()}
    result = {}
    for track, y in tracks.items():
        units = []  # (score, sign, stream, unit, raw)
        for s in STREAMS:
            raw = raw_scores(full[s], track, y)
            score, sign = directed(track, raw)
            units += [(float(score[u]), int(sign[u]), s, u, float(raw[u])) for u in range(len(raw))]
        units.sort(key=lambda e: -np.nan_to_num(e[0], nan=-1))
        top = []
        for score, sign, s, u, raw in units[:TOP]:
            ref = reference_score(track, streams[s][:, u], y)
            assert abs(ref - raw) < 1e-6, f'{track} {s}[{u}]: vectorised {raw} vs reference {ref}'
            raw2 = reference_score(track, streams[s][half:, u], y[half:])
            top.append({'stream': s, 'unit': u, 'score': round(directed(track, np.array(ref))[0].item(), 4),
                        'sign': sign, 'second_half': round(with_sign(track, raw2, sign), 4)})
        # Held-out: best unit (and direction) on the first half, scored on the second half.
        cands = []
        for s in STREAMS:
            raw = raw_scores(first[s], track, y[:half])
            score, sign = directed(track, raw)
            u = int(np.nanargmax(score))
            cands.append((float(score[u]), int(sign[u]), s, u))
        fh_score, fh_sign, fh_stream, fh_unit = max(cands)
        raw2 = reference_score(track, streams[fh_stream][half:, fh_unit], y[half:])
        heldout = with_sign(track, raw2, fh_sign)
        # Chance: the best unit over all streams against circularly shifted tracks.
        chance = []
        for off in offsets:
            ys = np.roll(y, int(off))
            chance.append(max(float(np.nanmax(directed(track, raw_scores(full[s], track, ys))[0])) for s in STREAMS))
        pos = y > 0
        result[track] = {
            'metric': 'abs_pearson_r' if track == 'paren_depth' else 'roc_auc',
            'best': {**{k: top[0][k] for k in ('stream', 'unit', 'score', 'sign')}, 'heldout': round(heldout, 4)},
            'heldout_pick': {'stream': fh_stream, 'unit': fh_unit, 'sign': fh_sign,
                             'first_half': round(fh_score, 4), 'second_half': round(heldout, 4),
                             'first_half_chars': half, 'second_half_chars': T - half},
            'top': top,
            'chance': {'best': round(max(chance), 4), 'p95': round(float(np.percentile(chance, 95)), 4),
                       'shifts': [int(o) for o in offsets], 'per_shift': [round(c, 4) for c in chance]},
            'base_rate': {'chars': T, 'positive_steps': int(pos.sum()), 'positive_runs': runs(pos),
                          **({'mean_depth': round(float(y.mean()), 4), 'max_depth': int(y.max())}
                             if track == 'paren_depth' else {'rate': round(float(pos.mean()), 4)})},
        }
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--onnx', default=os.path.join(HERE, 'code-lstm.onnx'))
    ap.add_argument('--corpus', default=os.path.join(ROOT, 'static', 'corpora', 'stb_c_lexer.h.txt'))
    ap.add_argument('--out', default=None, help='JSON output (default models/cells-<onnx name>.json)')
    args = ap.parse_args()
    if not os.path.exists(args.onnx):
        sys.exit(f'{args.onnx}: no such file; pass --onnx PATH to a cellscope char-LSTM export')
    out = args.out or os.path.join(HERE, 'cells-' + os.path.splitext(os.path.basename(args.onnx))[0] + '.json')
    text = open(args.corpus, encoding='utf-8').read()
    emb, layers, head_w, head_b, tok = load_model(args.onnx)
    tokens, unknown = encode(text, tok)
    streams, bpc = run_model(tokens, emb, layers, head_w, head_b)
    tracks = c_lexer_tracks(text)
    res = evaluate(streams, tracks)
    print(f'{args.onnx}: {len(text)} chars ({unknown} <unk>), {bpc:.4f} bits/char on the corpus')
    print(f'{"track":14} {"metric":14} {"best unit":16} {"score":>6} {"sign":>4} {"heldout":>7} '
          f'{"pick(1st half)":18} {"chance max":>10} {"p95":>6}  base rate')
    for track, r in res.items():
        b, p, ch, br = r['best'], r['heldout_pick'], r['chance'], r['base_rate']
        print(f'{track:14} {r["metric"]:14} {b["stream"] + "[" + str(b["unit"]) + "]":16} {b["score"]:6.4f} '
              f'{b["sign"]:+4d} {b["heldout"]:7.4f} {p["stream"] + "[" + str(p["unit"]) + "]":18} '
              f'{ch["best"]:10.4f} {ch["p95"]:6.4f}  {br["positive_steps"]} steps, {br["positive_runs"]} runs')
        for e in r['top']:
            print(f'{"":30} top {e["stream"]}[{e["unit"]}] {e["score"]:.4f} ({e["sign"]:+d}), '
                  f'second half {e["second_half"]:.4f}')
    json.dump({'onnx': os.path.relpath(os.path.abspath(args.onnx), ROOT) if args.onnx.startswith(ROOT) else args.onnx,
               'corpus': os.path.relpath(os.path.abspath(args.corpus), ROOT), 'chars': len(text), 'unknown': unknown,
               'corpus_bpc': round(bpc, 4), 'streams': STREAMS, 'shifts_seed': SEED, 'tracks': res},
              open(out, 'w'), indent=1)
    print('wrote', out)


if __name__ == '__main__':
    main()
