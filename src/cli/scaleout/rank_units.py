#!/usr/bin/env python3
"""Rank every unit of a cellscope Zarr store against a binary track by AUC, with xarray and Dask.

    python3 src/cli/scaleout/rank_units.py STORE --track FILE.csv --column NAME [--category VALUE]
        [--streams L0.fwd.h,...] [--scheduler ADDRESS] [--top N] [--json]

The analysis past one browser: the store is opened lazily (cellscope_store.py) and each block of
units is ranked as one Dask task over all of its steps, so the work spreads over the cores of this
machine (default) or the workers of a cluster (--scheduler tcp://host:8786, which must see STORE).

The figures are cellscope's (npm run analyze -- rank, and the explorer's ranking), computed here
independently with numpy:
- AUC: Mann-Whitney U with average ranks for ties, U / (positives x negatives); score =
  max(AUC, 1 - AUC), sign + when the unit is higher on the track's positive steps;
- held out: units are picked on one part and scored on the other — even-numbered documents
  against odd ones (the store's cellscope.documents), or with one document the first half of the
  steps against the second; a unit's held-out score is its AUC on the held-out part in the
  direction it had on the pick part, and the pick is the unit best on the pick part;
- chance: the same best score against the track shifted circularly over its steps by 10 offsets
  drawn as cellscope draws them (mulberry32, seed 0): the best and the 95th percentile.
Steps where the track has no value (an empty cell) are left out of every figure. --json prints
the keys of `npm run analyze -- rank --json` (without r and Spearman).

The track file is the one `npm run analyze -- rank --track` reads: a CSV with a "token" column
(the step) and one row per step; --column picks a 0/1 column, or with --category VALUE a
categorical one (1 where it is VALUE).
"""
import argparse
import csv
import json
import math
import sys

import dask
import dask.array as da
import numpy as np

from cellscope_store import StoreError, open_store

SHIFTS = 10


def read_track(path, column, category, steps):
    """The track's value at each step: 1/0 (NaN where the cell is empty)."""
    with open(path, newline='', encoding='utf-8') as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    if 'token' not in lower or column not in header:
        raise SystemExit(f'{path}: the header needs a "token" column and "{column}"; it has {header}')
    at, col = lower.index('token'), header.index(column)
    if len(rows) - 1 != steps:
        raise SystemExit(f'{path}: {len(rows) - 1} rows, but the store has {steps} steps (one row per step)')
    values = np.full(steps, np.nan)
    for r in rows[1:]:
        cell = r[col].strip()
        if cell == '':
            continue
        values[int(r[at])] = float(cell == category) if category is not None else float(cell)
    finite = values[np.isfinite(values)]
    if not np.isin(finite, (0, 1)).all():
        raise SystemExit(f'{path}: column "{column}" is not 0/1; AUC needs a binary track (or give --category)')
    return values


def held_out_parts(steps, document_starts):
    """0 (pick) or 1 (held out) per step: even / odd documents, or with one document the halves."""
    part = np.zeros(steps, np.uint8)
    starts = [s for s in document_starts if 0 < s < steps]
    if not starts:
        part[steps // 2:] = 1
        return part
    for d, (a, b) in enumerate(zip([0, *starts], [*starts, steps])):
        part[a:b] = d % 2
    return part


def mulberry32(seed):
    """cellscope's seeded generator (analysis/rankTarget.ts), on 32-bit unsigned integers."""
    a = seed & 0xFFFFFFFF

    def rand():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = ((a ^ (a >> 15)) * (a | 1)) & 0xFFFFFFFF
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rand


def shift_offsets(n, seed=0):
    rand = mulberry32(seed)
    return [max(1, math.floor(n / 10 + rand() * ((8 * n) / 10))) for _ in range(SHIFTS)]


def mid_ranks(x):
    """Ranks 1..n of x, ties given the average of their ranks."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return (ends - (counts - 1) / 2)[inverse]


def auc(ranks, positive):
    """Mann-Whitney AUC from the ranks of all steps and which of them are positive; NaN if undefined."""
    p = int(positive.sum())
    n = positive.size - p
    if p == 0 or n == 0:
        return math.nan
    return (ranks[positive].sum() - p * (p + 1) / 2) / (p * n)


def block_scores(x, y, part, offsets):
    """Per unit of a block x (steps x units): AUC, pick-part AUC, held-out AUC, and one per shift."""
    positive = y == 1
    pick, held = part == 0, part == 1
    shifted = [np.roll(positive, s) for s in offsets]
    out = np.empty((3 + len(offsets), x.shape[1]))
    for j in range(x.shape[1]):
        col = x[:, j]
        ranks = mid_ranks(col)
        out[0, j] = auc(ranks, positive)
        out[1, j] = auc(mid_ranks(col[pick]), positive[pick])
        out[2, j] = auc(mid_ranks(col[held]), positive[held])
        out[3:, j] = [auc(ranks, s) for s in shifted]
    return out


def oriented(a):
    return max(a, 1 - a)


def finite(x):
    return None if x is None or math.isnan(x) else float(x)


def rank(ds, y, streams):
    """cellscope's ranking report (the keys of analyze rank --json) for every unit of `streams`."""
    attrs = ds.attrs['cellscope']
    steps = int(attrs['tokens'])
    starts = [d['start'] for d in attrs.get('documents') or [{'start': 0}]]
    counted = np.isfinite(y)
    part = held_out_parts(steps, starts)
    yc, pc = y[counted], part[counted]
    offsets = shift_offsets(int(counted.sum()))
    # One task per block of units, each over all counted steps (a column of the store's chunks).
    blocks = {}
    for s in streams:
        x = ds[s].data[:steps]
        x = x[np.flatnonzero(counted)] if not counted.all() else x
        x = x.rechunk({0: -1})
        blocks[s] = x.map_blocks(
            block_scores, yc, pc, offsets, dtype=np.float64,
            chunks=((3 + len(offsets),), x.chunks[1]),
        )
    (scores,) = dask.compute(blocks)
    units, chance_best, pick = [], [-math.inf] * len(offsets), None
    for s in streams:
        for u, column in enumerate(scores[s].T):
            a, a0, a1 = column[:3]
            units.append({
                'stream': s, 'unit': u, 'score': finite(oriented(a)),
                'sign': 0 if math.isnan(a) else int(np.sign(a - 0.5)), 'auc': finite(a),
                'heldout': finite(a1 if a0 >= 0.5 else 1 - a1),
            })
            for k, c in enumerate(column[3:]):
                if oriented(c) > chance_best[k]:
                    chance_best[k] = oriented(c)
            if not math.isnan(a0) and (pick is None or oriented(a0) > pick['score_pick']):
                pick = {'stream': s, 'unit': u, 'score_pick': oriented(a0),
                        'score_heldout': finite(a1 if a0 >= 0.5 else 1 - a1)}
    units.sort(key=lambda r: -(r['score'] if r['score'] is not None else -1))
    best = [b for b in chance_best if math.isfinite(b)]
    positives = np.flatnonzero(y == 1)
    runs = int(np.count_nonzero(np.diff(positives) != 1)) + 1 if positives.size else 0
    by_docs = any(0 < st < steps for st in starts)
    return {
        'metric': 'auc', 'steps': int(counted.sum()),
        'base_rate': {'positive_steps': int(positives.size), 'positive_runs': runs, 'steps': int(counted.sum())},
        'chance': {'best': max(best) if best else None,
                   'p95': float(np.percentile(best, 95)) if best else None, 'shifts': len(offsets)},
        'heldout_pick': pick,
        'split': {'by': 'documents' if by_docs else 'halves',
                  'pick_steps': int((pc == 0).sum()), 'heldout_steps': int((pc == 1).sum())},
        'units': units,
    }


def text_report(r, top):
    f = lambda x: '—' if x is None else f'{x:.3f}'  # noqa: E731
    p = r['heldout_pick']
    lines = [
        f"metric    AUC over {r['steps']:,} steps",
        f"held out  pick on {'even documents / odd documents' if r['split']['by'] == 'documents' else 'first half / second half'}: "
        f"{r['split']['pick_steps']:,} / {r['split']['heldout_steps']:,} steps",
        f"chance    best {f(r['chance']['best'])}, 95th percentile {f(r['chance']['p95'])} ({r['chance']['shifts']} shifted copies)",
        f"pick      {p['stream']} unit {p['unit']}: {f(p['score_pick'])} on the pick part, {f(p['score_heldout'])} held out"
        if p else 'pick      none',
        '', f"{'stream':<12} {'unit':>5} {'score':>6} {'sign':>4} {'held-out':>8}",
    ]
    for u in r['units'][:top]:
        sign = '+' if u['sign'] > 0 else '−' if u['sign'] < 0 else '0'
        lines.append(f"{u['stream']:<12} {u['unit']:>5} {f(u['score']):>6} {sign:>4} {f(u['heldout']):>8}")
    return '\n'.join(lines)


def main(argv):
    p = argparse.ArgumentParser(description='Rank every unit of a cellscope Zarr store against a track by AUC.')
    p.add_argument('store')
    p.add_argument('--track', required=True, help='a CSV with a "token" column, one row per step')
    p.add_argument('--column', required=True)
    p.add_argument('--category', help='rank by "column is VALUE" (a categorical column)')
    p.add_argument('--streams', help='comma-separated stream ids (default: all)')
    p.add_argument('--scheduler', help='a Dask scheduler address (default: the threads of this machine)')
    p.add_argument('--top', type=int, default=20)
    p.add_argument('--json', action='store_true')
    a = p.parse_args(argv)
    try:
        ds = open_store(a.store)
    except StoreError as e:
        raise SystemExit(f'rank_units: {e}')
    attrs = ds.attrs['cellscope']
    known = [s['id'] for s in attrs['streamSpecs']]
    streams = a.streams.split(',') if a.streams else known
    unknown = [s for s in streams if s not in known]
    if unknown:
        raise SystemExit(f'rank_units: no stream {", ".join(unknown)} in {a.store}; it has {", ".join(known)}')
    y = read_track(a.track, a.column, a.category, int(attrs['tokens']))
    if a.scheduler:
        from dask.distributed import Client
        Client(a.scheduler)
    report = {'track': a.column if a.category is None else f'{a.column} = {a.category}', **rank(ds, y, streams)}
    print(json.dumps(report) if a.json else text_report(report, a.top))


if __name__ == '__main__':
    main(sys.argv[1:])
