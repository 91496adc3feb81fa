#!/usr/bin/env python3
"""Train series-lstm: a 2-layer LSTM that forecasts the next hour of a generated power-grid series
(load, temp, wind, price; models/make_series.py) from the hours so far.

The exported model takes the raw CSV values: it standardises them inside the graph ((x - mean) / std
with the training set's mean and std, written as Add and Mul so cellscope traces the input to the
LSTM), predicts the standardised next step as the current one plus a correction (a residual over
persistence), and returns it in CSV units. Loss: MSE on standardised values, all four features.

Training series: seed 1; held-out series: seed 2; the bundled corpus static/corpora/series-forecast.csv:
seed 3 (never trained on). Baselines on the same steps: persistence (the last value), seasonal naive
(the value 24 hours and 168 hours before) and a linear autoregression on the last 48 hours of all four
features (least squares on the training series).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/train_series_lstm.py --minutes 8
Writes models/series-lstm.onnx and models/series-lstm.json (metrics).
"""
import argparse, json, math, os, random, time
import numpy as np
import torch, torch.nn as nn
from make_series import DEMO_STEPS, FEATURES, SEED_DEMO, SEED_TRAIN, SEED_VAL, feature_matrix, generate
from zoo_common import HERE, seed_all, sha256, write_json

WARMUP = 168  # steps every method may read before it is scored (the weekly baseline needs a week)
AR_LAGS = 48


class Forecaster(nn.Module):
    def __init__(self, mean, std, hidden=64, layers=2):
        super().__init__()
        f = len(mean)
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32))
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32))
        self.register_buffer('shift', torch.tensor(-mean, dtype=torch.float32))
        self.register_buffer('scale', torch.tensor(1 / std, dtype=torch.float32))
        self.rnn = nn.LSTM(f, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, f)

    def standardise(self, x):
        return (x + self.shift) * self.scale  # Add then Mul: ops cellscope's input tracing passes through

    def step(self, z, state=None):
        """Standardised inputs [B, T, F] -> standardised next-step predictions, state."""
        y, state = self.rnn(z, state)
        return z + self.head(y), state

    def forward(self, x):
        """Raw CSV values [batch, time, F] -> the forecast of the next step, in CSV units."""
        return self.step(self.standardise(x))[0] * self.std + self.mean


def export(model, path, description, hidden, layers):
    import onnx
    model.eval()
    tmp = path + '.tmp'
    dummy = torch.zeros(1, 24, len(FEATURES))
    torch.onnx.export(model, dummy, tmp, opset_version=14, input_names=['features'], output_names=['forecast'],
                      dynamic_axes={'features': {0: 'batch', 1: 'time'}, 'forecast': {0: 'batch', 1: 'time'}})
    m = onnx.load(tmp)
    meta = {'cellscope.features': json.dumps(FEATURES), 'cellscope.forecast': 'forecast',
            'cellscope.targets': json.dumps(FEATURES), 'cellscope.description': description}
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, tmp)
    os.replace(tmp, path)
    model.train()


def predict(model, x, chunk=None):
    """Next-step forecasts (standardised) for a [T, F] raw series read from a zero state, in pieces of
    `chunk` steps read as a batch (each from a zero state) when given."""
    model.eval()
    with torch.no_grad():
        xt = torch.from_numpy(x)
        if chunk:
            out = model.step(model.standardise(xt.view(-1, chunk, x.shape[1])))[0].reshape(-1, x.shape[1])
        else:
            out = model.step(model.standardise(xt[None]))[0][0]
    model.train()
    return out.numpy()


def scores(pred_z, z, raw_pred, raw, start, period=None):
    """MSE on standardised values (mean over features) and per-feature MAE in CSV units, over the
    predictions of steps t+1 for t >= start (within each `period`-step piece when given)."""
    t = np.arange(len(z) - 1)
    keep = (t % period if period else t) >= start
    if period:
        keep &= (t % period) < period - 1  # the last step of a piece predicts the next piece's first
    err = pred_z[:-1][keep] - z[1:][keep]
    mae = np.abs(raw_pred[:-1][keep] - raw[1:][keep]).mean(axis=0)
    return {'mse_std': round(float((err ** 2).mean()), 4),
            'mse_std_by_feature': {f: round(float(v), 4) for f, v in zip(FEATURES, (err ** 2).mean(axis=0))},
            'mae': {f: round(float(v), 3) for f, v in zip(FEATURES, mae)}, 'steps': int(keep.sum())}


def lagged(z, lags):
    """Rows [z_t, z_{t-1}, ..., z_{t-lags+1}, 1] for t >= lags - 1."""
    n = len(z)
    cols = [z[lags - 1 - k:n - k] for k in range(lags)]
    return np.concatenate(cols + [np.ones((n - lags + 1, 1), dtype=z.dtype)], axis=1)


def baselines(z, ar_w, period=None):
    """Standardised next-step predictions of each baseline, for every t (NaN where undefined)."""
    n, f = z.shape
    out = {}
    out['persistence'] = z.copy()
    for name, lag in (('seasonal_naive_24h', 24), ('seasonal_naive_168h', 168)):
        p = np.full_like(z, np.nan)
        p[lag - 1:] = z[:n - lag + 1]  # predicts z_{t+1} by z_{t+1-lag}
        out[name] = p
    p = np.full_like(z, np.nan)
    p[AR_LAGS - 1:] = lagged(z, AR_LAGS) @ ar_w
    out[f'linear_ar_{AR_LAGS}h'] = p
    if period:  # no method reads across pieces: each baseline is recomputed per piece
        for name in out:
            out[name] = np.concatenate([baselines(z[i:i + period], ar_w)[name] for i in range(0, n, period)])
    return out


def mse_by_regime(pred_z, z, regime, start):
    """MSE on standardised values of the forecasts made in calm and in storm steps (t >= start)."""
    err = ((pred_z[:-1] - z[1:]) ** 2).mean(axis=1)
    t = np.arange(len(err))
    return {name: round(float(err[(t >= start) & (regime[:-1] == k)].mean()), 4)
            for k, name in ((0, 'calm'), (1, 'storm'))}


def evaluate_all(model, raw, mean, std, ar_w, period=None, regime=None):
    z = (raw - mean) / std
    preds = {'lstm': predict(model, raw, chunk=period), **baselines(z, ar_w, period)}
    res = {}
    for name, p in preds.items():
        res[name] = scores(p, z, p * std + mean, raw, WARMUP, period)
        if regime is not None:
            res[name]['mse_std_by_regime'] = mse_by_regime(p, z, regime, WARMUP)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=9.5)
    ap.add_argument('--hidden', type=int, default=64)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--seq', type=int, default=96)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--train-steps', type=int, default=240_000)
    ap.add_argument('--out', default=os.path.join(HERE, 'series-lstm'))
    args = ap.parse_args()
    seed_all(0)
    train_raw = feature_matrix(generate(args.train_steps, SEED_TRAIN))
    val_piece = 5000
    val_raw = feature_matrix(generate(4 * val_piece, SEED_VAL))
    demo_cols = generate(DEMO_STEPS, SEED_DEMO)
    demo_raw = feature_matrix(demo_cols)
    mean, std = train_raw.mean(axis=0), train_raw.std(axis=0)
    train_z = (train_raw - mean) / std
    # Linear AR baseline: least squares of z_{t+1} on the last AR_LAGS steps of all features.
    X = lagged(train_z[:-1], AR_LAGS)
    ar_w = np.linalg.lstsq(X, train_z[AR_LAGS:], rcond=None)[0].astype(np.float32)
    print(f'train {len(train_raw)} steps, val {len(val_raw)}, demo {len(demo_raw)}; mean {mean.round(2)} '
          f'std {std.round(2)}', flush=True)

    model = Forecaster(mean, std, hidden=args.hidden, layers=args.layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    lossf = nn.MSELoss()
    train = torch.from_numpy(train_z.astype(np.float32))
    val_z = (val_raw - mean) / std
    stride = len(train) // args.batch
    pos = torch.arange(args.batch) * stride
    state, step, log, best = None, 0, [], float('inf')
    description = (f'{args.layers}-layer LSTM ({args.hidden} units) forecasting the next hour of a generated '
                   f'power-grid series ({", ".join(FEATURES)}) with daily and weekly cycles and calm/storm regimes')
    start = time.time()
    deadline = start + args.minutes * 60
    best_path = args.out + '.pt.tmp'

    def check(train_loss):
        nonlocal best
        pz = predict(model, val_raw, chunk=val_piece)
        mse = scores(pz, val_z, pz, val_z, WARMUP, val_piece)['mse_std']
        log.append({'step': step, 'minutes': round((time.time() - start) / 60, 2), 'train_mse': train_loss,
                    'val_mse': mse})
        print(log[-1], flush=True)
        if mse < best:
            best = mse
            torch.save(model.state_dict(), best_path)

    while time.time() < deadline:
        if bool((pos + args.seq + 1 >= len(train)).any()):
            pos = torch.arange(args.batch) * stride + random.randrange(args.seq)
            state = None
        idx = pos[:, None] + torch.arange(args.seq + 1)[None]
        w = train[idx]
        pred, new_state = model.step(w[:, :-1], state)
        loss = lossf(pred, w[:, 1:])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state = tuple(s.detach() for s in new_state)
        pos = pos + args.seq
        step += 1
        frac = min(1.0, (time.time() - start) / (deadline - start))
        for g in opt.param_groups:
            g['lr'] = args.lr * min(1.0, step / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        if step % 100 == 0:
            check(round(float(loss), 4))
    check(None)
    train_minutes = (time.time() - start) / 60
    model.load_state_dict(torch.load(best_path))
    os.remove(best_path)
    onnx_path = args.out + '.onnx'
    export(model, onnx_path, description, args.hidden, args.layers)
    val = evaluate_all(model, val_raw, mean, std, ar_w, period=val_piece)
    demo = evaluate_all(model, demo_raw, mean, std, ar_w, regime=demo_cols['regime'])
    storm = demo_cols['regime'][:-1].astype(bool)  # the regime of the step a forecast is made at
    # torch's own forecast at a few steps of the corpus, to check a recording's forecast.npy against
    check_steps = [0, 1, 167, 4000, DEMO_STEPS - 1]
    demo_forecast = predict(model, demo_raw) * std + mean
    write_json(args.out + '.json', {
        'params': sum(q.numel() for q in model.parameters()), 'hidden': args.hidden, 'layers': args.layers,
        'features': FEATURES, 'mean': [round(float(v), 4) for v in mean], 'std': [round(float(v), 4) for v in std],
        'steps': step, 'train_minutes': round(train_minutes, 1), 'seq': args.seq, 'batch': args.batch,
        'peak_lr': args.lr, 'train_steps': len(train_raw), 'train_seed': SEED_TRAIN,
        'val_steps': len(val_raw), 'val_seed': SEED_VAL, 'val_pieces': len(val_raw) // val_piece,
        'demo_steps': len(demo_raw), 'demo_seed': SEED_DEMO, 'scored_after': WARMUP,
        'held_out': val, 'demo': demo,
        'demo_forecast_at': {str(k): [round(float(v), 4) for v in demo_forecast[k]] for k in check_steps},
        'demo_storm_share': round(float(storm.mean()), 4),
        'torch': torch.__version__, 'onnx_bytes': os.path.getsize(onnx_path), 'onnx_sha256': sha256(onnx_path),
        'log': log})
    print('held-out MSE (standardised):', {k: v['mse_std'] for k, v in val.items()}, flush=True)
    print('demo MSE (standardised):', {k: v['mse_std'] for k, v in demo.items()}, flush=True)


if __name__ == '__main__':
    main()
