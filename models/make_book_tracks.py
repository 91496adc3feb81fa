#!/usr/bin/env python3
"""The section track of kjv-book-bilstm's demo corpus: models/tracks/kjv-books.sections.csv, one row
per token of static/corpora/kjv-books.txt as cellscope records it with `--documents blank-lines` (the
documents split on blank lines, each tokenized on its own by the word tokenizer: whitespace-separated
words; separators give no tokens), a "token" column with the token index, then one 0/1 column per class
(in_law, in_history, ...): 1 on every token of a passage from that section of the Bible.

The passages' sections come from models/kjv-book-bilstm.json (demo_passages, in corpus order, written by
models/train_kjv_book_bilstm.py); each passage's text is checked against the KJV text of its reference.

Run: /usr/bin/python3 models/make_book_tracks.py
"""
import csv, json, os, re
from train_kjv_book_bilstm import CLASSES, passages

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# cellscope's "blank-lines" separator (src/lib/tokenize/documents.ts BLANK_LINES).
BLANK_LINES = re.compile(r'\n[ \t]*\n\s*')


def column(name):
    return 'in_' + re.sub(r'\W+', '_', name.lower().replace('&', 'and'))


def main():
    text = open(os.path.join(ROOT, 'static', 'corpora', 'kjv-books.txt')).read()
    documents = [d for d in BLANK_LINES.split(text) if d.strip()]
    demo = json.load(open(os.path.join(HERE, 'kjv-book-bilstm.json')))['demo_passages']
    assert len(documents) == len(demo), f'{len(documents)} documents, {len(demo)} labelled passages'
    by_ref = {f"{p['book']} {p['chapter']}:{p['verses']}": p for p in passages()}
    for doc, p in zip(documents, demo):
        kjv = by_ref[p['ref']]
        assert doc.strip() == kjv['text'] and CLASSES[kjv['section']] == p['class'], p['ref']
    os.makedirs(os.path.join(HERE, 'tracks'), exist_ok=True)
    path = os.path.join(HERE, 'tracks', 'kjv-books.sections.csv')
    rows = 0
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['token'] + [column(c) for c in CLASSES])
        for doc, p in zip(documents, demo):
            flags = [int(c == p['class']) for c in CLASSES]
            for _ in doc.split():
                w.writerow([rows] + flags)
                rows += 1
    print(f'{path}: {rows} tokens, {len(documents)} passages')


if __name__ == '__main__':
    main()
