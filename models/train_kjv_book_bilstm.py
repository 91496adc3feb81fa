#!/usr/bin/env python3
"""Train kjv-book-bilstm: a word-level bidirectional LSTM that reads a passage of the King James
Version (Debian bible-kjv-text; licence statement checked in its copyright file, see kjv_text.py) and
says which section of the Bible it comes from (SECTIONS: six classes of whole books).

Passages: PASSAGE_VERSES consecutive verses of one chapter (the last passage of a chapter takes its
remainder; a lone verse joins the passage before it), verses joined by a newline, no references.
Held out by chapter (never trained on): counting the Bible's 1,189 chapters from 0 in canonical order,
chapters 4, 14, 24, ... choose the checkpoint (validation) and chapters 9, 19, 29, ... are the test set,
reported once at the end; every other chapter is training data. The demo
corpus static/corpora/kjv-books.txt is DEMO_PER_CLASS test passages of each class in a seeded random
order, one passage per document, documents separated by blank lines (cellscope's "blank-lines" mode);
their sections are listed in models/kjv-book-bilstm.json (demo_passages) for models/make_book_tracks.py.

Tokens: cellscope's word tokenizer (whitespace-separated, lowercased; punctuation stays on its word,
"earth."), so the corpus is plain KJV text; the vocabulary is <unk> plus the VOCAB - 1 most frequent
tokens of the training passages (ties by alphabet).

The model reads one unpadded passage (tokens [batch, seq]) and returns class logits [batch, classes]:
the mean over time of the LSTM's outputs (both directions) through a linear layer. Batches of passages
of different lengths are padded without harm (BookBiLSTM.padded): a character-level variant learnt too
slowly for a 10-minute budget on this shared machine (33% validation accuracy after 200 steps).

Run: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 models/train_kjv_book_bilstm.py --minutes 10
(--minutes: CPU minutes of training, one thread.)
Writes models/kjv-book-bilstm.onnx, models/kjv-book-bilstm.json, static/corpora/kjv-books.txt.
"""
import argparse, json, math, os, random, time
import collections
import torch, torch.nn as nn
import kjv_text
from zoo_common import HERE, ROOT, seed_all, sha256, write_json

# (class name, first book, last book) in canonical order, book names as the `bible` program prints them.
SECTIONS = [('Law', 'Ge', 'Deu'), ('History', 'Josh', 'Est'), ('Poetry', 'Job', 'SSol'),
            ('Prophets', 'Isa', 'Mal'), ('Gospels & Acts', 'Mat', 'Acts'), ('Epistles & Revelation', 'Rom', 'Rev')]
CLASSES = [s[0] for s in SECTIONS]
PASSAGE_VERSES = 3
DEMO_PER_CLASS = 50
VOCAB = 8000
UNK = '<unk>'


def split_of(k):
    """The split of the k-th chapter of the Bible (0-based, canonical order): every tenth chapter is test."""
    return 'test' if k % 10 == 9 else 'val' if k % 10 == 4 else 'train'


def passages():
    """[{book, chapter, verses: 'first-last', section, split, text}] over the whole KJV, in order."""
    verses = kjv_text.verses()
    order = []
    for b, _, _, _ in verses:
        if b not in order:
            order.append(b)
    section = {}
    for k, (_, first, last) in enumerate(SECTIONS):
        for b in order[order.index(first):order.index(last) + 1]:
            section[b] = k
    assert len(section) == 66, 'every book belongs to one section'
    chapters = {}
    for b, c, v, text in verses:
        chapters.setdefault((b, c), []).append((v, text))
    out = []
    for k, ((b, c), vs) in enumerate(chapters.items()):
        groups = [vs[i:i + PASSAGE_VERSES] for i in range(0, len(vs), PASSAGE_VERSES)]
        if len(groups) > 1 and len(groups[-1]) == 1:
            last = groups.pop()
            groups[-1] = groups[-1] + last
        for g in groups:
            out.append({'book': b, 'chapter': c, 'verses': f'{g[0][0]}-{g[-1][0]}', 'section': section[b],
                        'split': split_of(k), 'text': '\n'.join(t for _, t in g)})
    return out


class BookBiLSTM(nn.Module):
    def __init__(self, vocab, classes, emb=64, hidden=128, dropout=0.3):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, bidirectional=True, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, tokens):
        """Equal-length sequences (what is exported: one passage): class logits from the mean over time."""
        y, _ = self.rnn(self.drop(self.embed(tokens)))
        return self.head(self.drop(y.mean(dim=1)))

    def padded(self, tokens, lengths):
        """Exact logits for a right-padded batch of different lengths, without packing (a packed LSTM ran
        ~60x slower here): the forward direction from the batch as it is, the backward direction from the
        batch padded on the left, where it reads each passage's real tokens before any padding."""
        T, H = tokens.shape[1], self.rnn.hidden_size
        pos = torch.arange(T)[None, :]
        shift = (T - lengths)[:, None]
        x = self.drop(self.embed(tokens))
        # The same passages padded on the left: positions before `shift` hold padding.
        left = x.gather(1, ((pos - shift) % T).unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        y_right, _ = self.rnn(x)
        y_left, _ = self.rnn(left)
        fwd = (y_right[..., :H] * (pos < lengths[:, None]).unsqueeze(-1)).sum(1)
        bwd = (y_left[..., H:] * (pos >= shift).unsqueeze(-1)).sum(1)
        return self.head(self.drop(torch.cat([fwd, bwd], -1) / lengths[:, None]))


def batches(items, size, shuffle, rng):
    """Batches of similar length: pools of 50 batches sorted by length."""
    items = list(items)
    if shuffle:
        rng.shuffle(items)
    pool = size * 50
    out = []
    for i in range(0, len(items), pool):
        chunk = sorted(items[i:i + pool], key=lambda p: len(p[0]))
        out += [chunk[j:j + size] for j in range(0, len(chunk), size)]
    if shuffle:
        rng.shuffle(out)
    return out


def collate(batch):
    lengths = torch.tensor([len(x) for x, _ in batch])
    tokens = torch.zeros(len(batch), int(lengths.max()), dtype=torch.long)
    for i, (x, _) in enumerate(batch):
        tokens[i, :len(x)] = x
    return tokens, lengths, torch.tensor([y for _, y in batch])


def evaluate(model, items, size=64):
    """(accuracy, mean cross-entropy in nats, [(true, predicted)]) over whole passages, exactly."""
    model.eval()
    correct, loss, preds = 0, 0.0, []
    with torch.no_grad():
        for b in batches(items, size, False, None):
            tokens, lengths, y = collate(b)
            logits = model.padded(tokens, lengths)
            loss += float(nn.functional.cross_entropy(logits, y, reduction='sum'))
            p = logits.argmax(-1)
            correct += int((p == y).sum())
            preds += list(zip(y.tolist(), p.tolist()))
    model.train()
    return correct / len(items), loss / len(items), preds


def export(model, path, tokenizer, description):
    """ONNX opset 14 with cellscope's metadata; dynamic batch and sequence axes; logits without a time axis."""
    import onnx
    model.eval()
    tmp = path + '.tmp'
    torch.onnx.export(model, torch.zeros(1, 16, dtype=torch.long), tmp, opset_version=14,
                      input_names=['tokens'], output_names=['class_logits'],
                      dynamic_axes={'tokens': {0: 'batch', 1: 'seq'}, 'class_logits': {0: 'batch'}})
    m = onnx.load(tmp)
    meta = {'cellscope.tokenizer': json.dumps(tokenizer), 'cellscope.input': 'tokens',
            'cellscope.logits': 'class_logits', 'cellscope.classes': json.dumps(CLASSES),
            'cellscope.description': description}
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    lstm = [n for n in m.graph.node if n.op_type == 'LSTM']
    assert lstm and all(a.s == b'bidirectional' for n in lstm for a in n.attribute if a.name == 'direction'), \
        'expected bidirectional ONNX LSTM nodes'
    onnx.save(m, tmp)
    os.replace(tmp, path)
    model.train()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=10)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--emb', type=int, default=64)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--dropout', type=float, default=0.3)
    ap.add_argument('--eval-every', type=int, default=60)
    # One thread: on this shared, busy 2-core machine two threads ran a 128-unit LSTM 10x slower (measured).
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=os.path.join(HERE, 'kjv-book-bilstm'))
    args = ap.parse_args()
    seed_all(0, threads=args.threads)
    licence = kjv_text.licence_statement()
    ps = passages()
    by_split = {s: [p for p in ps if p['split'] == s] for s in ('train', 'val', 'test')}
    counts_w = collections.Counter(w for p in by_split['train'] for w in p['text'].lower().split())
    vocab = [UNK] + [w for w, _ in sorted(counts_w.items(), key=lambda kv: (-kv[1], kv[0]))[:VOCAB - 1]]
    index = {w: i for i, w in enumerate(vocab)}
    enc = lambda s: torch.tensor([index.get(w, 0) for w in s.lower().split()], dtype=torch.long)
    data = {s: [(enc(p['text']), p['section']) for p in v] for s, v in by_split.items()}
    counts = {s: [sum(p['section'] == k for p in v) for k in range(len(CLASSES))] for s, v in by_split.items()}
    majority = max(range(len(CLASSES)), key=lambda k: counts['train'][k])
    baseline = {s: counts[s][majority] / len(by_split[s]) for s in ('val', 'test')}
    print({s: len(v) for s, v in by_split.items()}, 'counts', counts, 'majority', CLASSES[majority], baseline,
          'vocab', len(vocab), flush=True)

    rng = random.Random(0)
    demo = []
    for k in range(len(CLASSES)):
        pool = [p for p in by_split['test'] if p['section'] == k]
        demo += rng.sample(pool, DEMO_PER_CLASS)
    rng.shuffle(demo)
    demo_path = os.path.join(ROOT, 'static', 'corpora', 'kjv-books.txt')
    open(demo_path, 'w').write('\n\n'.join(p['text'] for p in demo) + '\n')

    model = BookBiLSTM(len(vocab), len(CLASSES), emb=args.emb, hidden=args.hidden, dropout=args.dropout)
    tokenizer = {'type': 'word', 'vocab': vocab, 'unk': UNK, 'lowercase': True, 'bos': None, 'eos': None}
    description = (f'bidirectional word LSTM ({args.hidden} units per direction) document '
                   f'classifier: which section of the King James Bible (public domain) a passage comes from '
                   f'({", ".join(CLASSES)})')
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    lossf = nn.CrossEntropyLoss()
    # The budget is this process's CPU time spent training (one thread: about the wall-clock time on an
    # idle core; this machine is shared, so wall-clock time is reported beside it). Validation passes
    # do not count.
    start, wall = time.process_time(), time.time()
    eval_seconds = 0.0
    trained = lambda: (time.process_time() - start - eval_seconds) / 60
    step, epoch, log, best = 0, 0, [], None

    def validate(train_loss):
        nonlocal best, eval_seconds
        t0, minutes = time.process_time(), trained()
        acc, nll, _ = evaluate(model, data['val'])
        log.append({'step': step, 'epoch': epoch, 'minutes': round(minutes, 2), 'train_loss': train_loss,
                    'val_accuracy': round(acc, 4), 'val_loss': round(nll, 4)})
        print(log[-1], flush=True)
        if best is None or acc > best['acc']:
            best = {'acc': acc, 'step': step, 'sd': {k: v.clone() for k, v in model.state_dict().items()}}
            export(model, args.out + '.onnx', tokenizer, description)
        eval_seconds += time.process_time() - t0

    while trained() < args.minutes:
        epoch += 1
        for b in batches(data['train'], args.batch, True, rng):
            if trained() >= args.minutes:
                break
            tokens, lengths, y = collate(b)
            loss = lossf(model.padded(tokens, lengths), y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            frac = min(1.0, trained() / args.minutes)
            for g in opt.param_groups:
                g['lr'] = args.lr * min(1.0, step / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
            if step % 20 == 0:
                print(f'step {step} epoch {epoch} loss {float(loss):.3f} min {trained():.1f}', flush=True)
            if step % args.eval_every == 0:
                validate(round(float(loss), 4))
    minutes = trained()
    if not log or log[-1]['step'] != step:
        validate(None)
    model.load_state_dict(best['sd'])
    test_acc, test_nll, preds = evaluate(model, data['test'])
    model.eval()
    confusion = [[0] * len(CLASSES) for _ in CLASSES]
    for y, p in preds:
        confusion[y][p] += 1
    with torch.no_grad():
        demo_probs = [torch.softmax(model(enc(p['text'])[None]), -1)[0] for p in demo]
        # The exported forward (one passage, unpadded) agrees with the padded path used for the metrics.
        pair = sorted(data['test'][:2], key=lambda p: -len(p[0]))
        tokens, lengths, _ = collate(pair)
        gap = float((torch.cat([model(x[None]) for x, _ in pair]) - model.padded(tokens, lengths)).abs().max())
    assert gap < 1e-4, f'forward and padded paths differ by {gap}'
    demo_acc = sum(int(pr.argmax()) == p['section'] for pr, p in zip(demo_probs, demo)) / len(demo)
    onnx_path = args.out + '.onnx'
    write_json(args.out + '.json', {
        'classes': CLASSES, 'sections': [{'class': c, 'books': f'{a}-{b}'} for c, a, b in SECTIONS],
        'params': sum(q.numel() for q in model.parameters()), 'hidden': args.hidden, 'layers': 1,
        'embedding': args.emb, 'vocab': len(vocab), 'dropout': args.dropout, 'passage_verses': PASSAGE_VERSES,
        'steps': step, 'epochs': epoch, 'best_step': best['step'], 'train_cpu_minutes': round(minutes, 1),
        'wall_minutes': round((time.time() - wall) / 60, 1),
        'threads': args.threads, 'batch': args.batch, 'peak_lr': args.lr,
        'passages': {s: len(v) for s, v in by_split.items()}, 'class_counts': counts,
        'tokens': {s: sum(len(x) for x, _ in v) for s, v in data.items()},
        'test_unk_rate': round(sum(int((x == 0).sum()) for x, _ in data['test']) /
                               sum(len(x) for x, _ in data['test']), 4),
        'split': 'by chapter, counted 0..1188 in canonical order: k % 10 == 4 validation (checkpoint choice), '
                 'k % 10 == 9 test (reported once), the rest training',
        'val_accuracy': round(best['acc'], 4), 'test_accuracy': round(test_acc, 4),
        'test_loss_nats': round(test_nll, 4), 'majority_class': CLASSES[majority],
        'test_majority_baseline': round(baseline['test'], 4), 'test_chance_uniform': round(1 / len(CLASSES), 4),
        'test_confusion': {'rows': 'true class', 'columns': 'predicted class', 'matrix': confusion},
        'demo_corpus': 'static/corpora/kjv-books.txt', 'demo_accuracy': round(demo_acc, 4),
        'demo_passages': [{'ref': f"{p['book']} {p['chapter']}:{p['verses']}", 'class': CLASSES[p['section']],
                           'p': round(float(pr[p['section']]), 4)} for p, pr in zip(demo, demo_probs)],
        'licence': licence,
        'package_versions': {p_: kjv_text.package_version(p_) for p_ in ('bible-kjv-text', 'bible-kjv')},
        'torch': torch.__version__, 'onnx_bytes': os.path.getsize(onnx_path), 'onnx_sha256': sha256(onnx_path),
        'log': log})
    print('test accuracy', test_acc, 'majority baseline', baseline['test'], 'demo accuracy', demo_acc, flush=True)


if __name__ == '__main__':
    main()
