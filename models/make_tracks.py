#!/usr/bin/env python3
"""Track files for the zoo's model cards, one row per token of a demo corpus (cellscope's track CSV:
a "token" column with the token index, then one column per track).

models/tracks/kjv-mark.clause.csv — for kjv-word-lstm on static/corpora/kjv-mark.txt (word tokens =
whitespace-separated, as cellscope's word tokenizer splits them): clause_pos = words since the last
punctuation token (0 on a punctuation token, 1 on the first word after it, ...; the count runs on
across line breaks, as the model reads them).

models/tracks/kjv-held-out.prose.csv — for the character models (prose-gru, min-gru) on
static/corpora/kjv-held-out.txt, one row per character: word_pos, sentence_pos, capitalised, in_parens,
the built-in prose tracks of cellscope (src/lib/analysis/proseTracks.ts) re-implemented for ASCII text
(the KJV text is ASCII), so that recordings without text (min-gru is recorded with --feed) can be ranked
by them. word_pos is empty (missing) outside words. For a recording with text, ranking by a column
gives the same figures as the built-in (checked for prose-gru in its card).

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


def prose_tracks(text):
    """Per character: (word_pos or None, sentence_pos, capitalised, in_parens), as proseTracks.ts (ASCII)."""
    assert text.isascii()
    rows = []
    word_pos, cap, after_letter, sentence_words, ending, newlines, parens = -1, False, False, 0, False, 0, 0
    for ch in text:
        is_word = ch.isalnum()
        in_word = is_word or (ch == "'" and after_letter)
        if not in_word:
            word_pos = -1
        elif word_pos >= 0:
            word_pos += 1
        else:
            word_pos, cap = 0, ch.isupper()
            sentence_words += 1
        after_letter = is_word
        if ch == '(':
            parens += 1
        elif ch == ')' and parens > 0:
            parens -= 1
        if ch.isspace() and ending:
            sentence_words = 0
        if ch in '.!?':
            ending = True
        elif ch not in '"\')]':
            ending = False
        if ch == '\n':
            newlines += 1
        elif not ch.isspace():
            newlines = 0
        if newlines >= 2:
            parens = sentence_words = 0
        rows.append((word_pos if in_word else None, sentence_words - 1 if in_word else sentence_words,
                     int(in_word and cap), int(parens > 0)))
    return rows


def main():
    tokens = open(os.path.join(ROOT, 'static', 'corpora', 'kjv-mark.txt')).read().split()
    os.makedirs(os.path.join(HERE, 'tracks'), exist_ok=True)
    with open(os.path.join(HERE, 'tracks', 'kjv-mark.clause.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['token', 'clause_pos'])
        w.writerows(enumerate(clause_positions(tokens)))
    text = open(os.path.join(ROOT, 'static', 'corpora', 'kjv-held-out.txt')).read()
    with open(os.path.join(HERE, 'tracks', 'kjv-held-out.prose.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['token', 'word_pos', 'sentence_pos', 'capitalised', 'in_parens'])
        for i, (wp, sp, cap, par) in enumerate(prose_tracks(text)):
            w.writerow([i, '' if wp is None else wp, sp, cap, par])


if __name__ == '__main__':
    main()
