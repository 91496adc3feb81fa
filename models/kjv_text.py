"""The King James Version text from Debian's bible-kjv-text (read through the `bible` program of bible-kjv):
verses by book, the licence statement of the package, and the word splitting the zoo's word model uses.

Licence (/usr/share/doc/bible-kjv-text/copyright): "The copyright for the King James Version text of the
Bible is expired since the translation was done in 1611 under King James the first of Great Britain."
"""
import re, subprocess

COPYRIGHT = '/usr/share/doc/bible-kjv-text/copyright'
LICENCE_RE = r'The copyright for the King James Version text of the\s+Bible is expired'
# Book abbreviations as the `bible` program prints them, in canonical order.
VERSE_RE = re.compile(r'^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$')
# Words (with inner apostrophes: LORD's, doth't), numbers, and every other non-space character alone.
TOKEN_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+|[^\sA-Za-z\d]")


def licence_statement():
    text = open(COPYRIGHT).read()
    m = re.search(LICENCE_RE + r'[^.]*\.', text)
    assert m, f'licence statement not found in {COPYRIGHT} (apt-get install -y bible-kjv-text)'
    return ' '.join(m.group(0).split())


def package_version(pkg):
    out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg], capture_output=True, text=True)
    return out.stdout.strip() or None


def verses():
    """[(book, chapter, verse, text)] for the whole KJV, in order."""
    out = subprocess.run(['bible', '-f', '-l100000', 'gen1:1-rev22:21'], capture_output=True, text=True,
                         check=True).stdout
    res = []
    for line in out.splitlines():
        m = VERSE_RE.match(line.strip())
        if m:
            res.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4).strip()))
    assert len(res) == 31102, f'expected 31,102 verses, got {len(res)}'
    return res


def books():
    """book -> list of verse texts, in canonical order."""
    res = {}
    for book, _, _, text in verses():
        res.setdefault(book, []).append(text)
    return res


def split_words(text):
    """The verse as space-separated tokens: punctuation split from words, so cellscope's word tokenizer
    (split on whitespace) sees exactly the tokens the model was trained on."""
    return ' '.join(TOKEN_RE.findall(text))


def char_corpus(held_out):
    """(train text, held-out text) of whole books: one verse per line, no references."""
    b = books()
    train = '\n'.join(v for name, vs in b.items() if name not in held_out for v in vs) + '\n'
    val = '\n'.join(v for name in held_out for v in b[name]) + '\n'
    return train, val


def char_vocab(text):
    """Newline, then every character of `text` in code-point order, then <unk>."""
    return ['\n'] + sorted(set(text) - {'\n'}) + ['<unk>']
