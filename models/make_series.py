#!/usr/bin/env python3
"""A generated hourly multivariate series for series-lstm (models/train_series_lstm.py): an imaginary
power grid's load, temperature, wind and price, with daily and weekly cycles, a hidden calm / storm
regime and noise. The data are generated here; no licence question.

The regime is a two-state Markov chain over hours (calm sojourns average CALM_HOURS, storms
STORM_HOURS). A storm does not switch the series at once: a latent intensity s relaxes towards 1 in a
storm and 0 in calm (time constant 1/RELAX hours). A storm shows little in any one value (a little more
wind, a little cooler, a cheaper price) and mostly in how the series behave: gusts and price swings grow
and last longer, the daily swings of temperature (overcast) and load flatten, and the price stops
following the load and follows the wind instead. So a forecaster gains by knowing the regime, and has
to infer it from the last hours: no single value tells it (the script prints each input's storm AUC).

Columns of the CSV (one row per hour): hour (0-23), weekday (Mon..Sun), regime (calm/storm), then the
features load (MW), temp (degrees C), wind (m/s), price (per MWh). The first three are not model inputs:
cellscope shows them as tracks (numeric, categorical, categorical).

Run: /usr/bin/python3 models/make_series.py   (writes static/corpora/series-forecast.csv from SEED_DEMO
and models/tracks/series-forecast.tracks.csv, the corpus's tracks with the latent storm intensity)
"""
import csv, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FEATURES = ['load', 'temp', 'wind', 'price']
TRACKS = ['hour', 'weekday', 'regime']
WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
CALM_HOURS, STORM_HOURS = 200, 60
RELAX = 0.08
SEED_TRAIN, SEED_VAL, SEED_DEMO = 1, 2, 3
DEMO_STEPS = 8760  # one year of hours
CORPUS = os.path.join(ROOT, 'static', 'corpora', 'series-forecast.csv')
TRACK_FILE = os.path.join(HERE, 'tracks', 'series-forecast.tracks.csv')


def regimes(n, rng):
    """0 = calm, 1 = storm; geometric sojourns with the given means; starts calm."""
    out = np.zeros(n, dtype=np.int8)
    state = 0
    for t in range(n):
        if rng.random() < 1 / (STORM_HOURS if state else CALM_HOURS):
            state = 1 - state
        out[t] = state
    return out


def ar1(n, rho, rng):
    """A unit-variance AR(1) process."""
    e = rng.standard_normal(n) * np.sqrt(1 - rho * rho)
    x = np.empty(n)
    x[0] = rng.standard_normal()
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def ar1_switching(rho, rng):
    """An AR(1) process with a coefficient per step (unit variance under each coefficient)."""
    n = len(rho)
    e = rng.standard_normal(n) * np.sqrt(1 - rho * rho)
    x = np.empty(n)
    x[0] = rng.standard_normal()
    for t in range(1, n):
        x[t] = rho[t] * x[t - 1] + e[t]
    return x


def generate(n, seed):
    """A dict of columns (numpy arrays) plus 'storm' (the latent intensity s in [0, 1])."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    hour = t % 24
    weekday = (t // 24) % 7
    regime = regimes(n, rng)
    s = np.zeros(n)
    for k in range(1, n):
        s[k] = s[k - 1] + RELAX * (regime[k] - s[k - 1])
    day = 2 * np.pi * hour / 24
    # Temperature: a daily swing peaking mid-afternoon, slow weather drift, storms cool it.
    temp = 12 + 5 * (1 - 0.8 * s) * np.cos(day - 2 * np.pi * 15 / 24) + 3 * ar1(n, 0.995, rng) - 2.5 * s + 0.4 * rng.standard_normal(n)
    # Wind: storms raise its level and its gusts; a little afternoon bump.
    # In a storm, gusts and price swings last longer: the best forecast decays a deviation more slowly there,
    # so a forecaster gains by knowing the regime (a linear autoregression cannot switch its decay).
    gust = ar1_switching(np.where(regime == 1, 0.9, 0.6), rng)
    wind = np.maximum(0, 5 + 3 * s + 0.8 * np.cos(day - 2 * np.pi * 14 / 24) + (1.2 + 2 * s) * gust)
    # Load: morning and evening peaks on working days, lower at weekends, heating when cold, storm bump.
    profile = 14 * np.exp(-0.5 * ((hour - 8) / 2.0) ** 2) + 20 * np.exp(-0.5 * ((hour - 19) / 2.5) ** 2)
    workday = np.where(weekday < 5, 1.0, 0.8)
    heating = 2.0 * np.maximum(0, 15 - temp)
    load = 100 + workday * (1 - 0.6 * s) * (profile + 10 * ((hour >= 7) & (hour <= 20))) + heating + 3 * s + 2 * ar1(n, 0.9, rng)
    # Price: follows load, falls with wind (cheap power), jumpier in storms.
    price = 45 + 0.7 * (1 - s) * (load - 115) - (0.8 + 2.2 * s) * (wind - 5) + (2 + 3 * s) * ar1_switching(np.where(regime == 1, 0.85, 0.4), rng)
    return {'hour': hour, 'weekday': weekday, 'regime': regime, 'storm': s,
            'load': load, 'temp': temp, 'wind': wind, 'price': price}


def feature_matrix(cols):
    """[T, F] float32 in FEATURES order, rounded as the CSV writes them."""
    return np.stack([np.round(cols[f], 2) for f in FEATURES], axis=1).astype(np.float32)


def write_corpus(cols, path):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(TRACKS + FEATURES)
        for k in range(len(cols['hour'])):
            w.writerow([int(cols['hour'][k]), WEEKDAYS[cols['weekday'][k]], 'storm' if cols['regime'][k] else 'calm']
                       + [f'{cols[c][k]:.2f}' for c in FEATURES])


def write_tracks(cols, path):
    """cellscope track CSV (token = step index): the corpus's tracks, the storm flag as 0/1, the latent
    storm intensity, and the daily phase as sine and cosine (a circular hour)."""
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['token', 'regime', 'storm', 'storm_intensity', 'hour', 'day_sin', 'day_cos', 'weekend'])
        for k in range(len(cols['hour'])):
            day = 2 * np.pi * cols['hour'][k] / 24
            w.writerow([k, 'storm' if cols['regime'][k] else 'calm', int(cols['regime'][k]),
                        f'{cols["storm"][k]:.4f}', int(cols['hour'][k]), f'{np.sin(day):.4f}',
                        f'{np.cos(day):.4f}', int(cols['weekday'][k] >= 5)])


def auc(labels, scores):
    """Area under the ROC curve of `scores` for binary `labels` (ties count half): Mann-Whitney U."""
    order = np.argsort(scores, kind='mergesort')
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):  # mid-ranks for ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = labels.astype(bool)
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def main():
    demo = generate(DEMO_STEPS, SEED_DEMO)
    write_corpus(demo, CORPUS)
    os.makedirs(os.path.dirname(TRACK_FILE), exist_ok=True)
    write_tracks(demo, TRACK_FILE)
    r = demo['regime']
    runs = int(np.sum(np.diff(r) == 1) + r[0])
    print(f'{CORPUS}: {DEMO_STEPS} steps, {os.path.getsize(CORPUS):,} bytes, storm {r.mean():.1%} of steps '
          f'in {runs} storms')
    # How well each input alone tells a storm, on the half of the corpus cellscope holds out (the second):
    # the bar a unit that tracks the regime has to clear. Direction-free (max of AUC and 1 - AUC).
    half = slice(DEMO_STEPS // 2, None)
    for c in FEATURES + ['storm']:
        a = auc(demo['regime'][half], np.round(demo[c][half], 2 if c != 'storm' else 4))
        print(f'  {c}: mean {demo[c].mean():.2f} std {demo[c].std():.2f} min {demo[c].min():.2f} '
              f'max {demo[c].max():.2f}; storm AUC on the second half {max(a, 1 - a):.3f}')


if __name__ == '__main__':
    main()
