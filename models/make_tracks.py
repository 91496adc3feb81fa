#!/usr/bin/env python3
"""Track files for the zoo's model cards, one row per token of a demo corpus (cellscope's track CSV:
a "token" column with the token index, then one column per track).

models/tracks/kjv-mark.clause.csv — for kjv-word-lstm on static/corpora/kjv-mark.txt (word tokens =
whitespace-separated, as cellscope's word tokenizer splits them): clause_pos = words since the last
punctuation token (0 on a punctuation token, 1 on the first word after it, ...; the count runs on
across line breaks, as the model reads them).

Run: /usr/bin/python3 models/make_tracks.py
"""
import csv, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def clause_positions(tokens):
    out, k = [], 0
    for t in tokens:
        k = 0 if not any(c.isalnum() for c in t) else k + 1
        out.append(k)
    return out


def main():
    tokens = open(os.path.join(ROOT, 'static', 'corpora', 'kjv-mark.txt')).read().split()
    os.makedirs(os.path.join(HERE, 'tracks'), exist_ok=True)
    with open(os.path.join(HERE, 'tracks', 'kjv-mark.clause.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['token', 'clause_pos'])
        w.writerows(enumerate(clause_positions(tokens)))


if __name__ == '__main__':
    main()
