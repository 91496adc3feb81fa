"""Shared helpers for the zoo's training scripts (models/train_*.py): deterministic seeds, ONNX export
with cellscope's metadata (as models/train_code_lstm.py does it: opset 14, torch 1.13, batch-first
int64 input `tokens`, output `logits`), file hashes and atomic JSON writes."""
import hashlib, json, os, random
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def seed_all(seed=0, threads=2):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def export_onnx(model, path, tokenizer, description, dummy_len=16, script=False):
    """Export `model` (tokens [batch, seq] -> logits [batch, seq, vocab]) with cellscope metadata.
    script=True runs torch.jit.script first, so Python loops become ONNX Loop nodes."""
    import onnx
    was_training = model.training
    model.eval()
    dummy = torch.zeros(1, dummy_len, dtype=torch.long)
    target = torch.jit.script(model) if script else model
    tmp = path + '.tmp'
    torch.onnx.export(target, dummy, tmp, opset_version=14, input_names=['tokens'], output_names=['logits'],
                      dynamic_axes={'tokens': {0: 'batch', 1: 'seq'}, 'logits': {0: 'batch', 1: 'seq'}})
    m = onnx.load(tmp)
    meta = {'cellscope.tokenizer': json.dumps(tokenizer), 'cellscope.input': 'tokens',
            'cellscope.logits': 'logits', 'cellscope.description': description}
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, tmp)
    os.replace(tmp, path)  # atomic: a kill never leaves a half-written model
    model.train(was_training)


def sha256(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def write_json(path, obj):
    with open(path + '.tmp', 'w') as f:
        json.dump(obj, f, indent=1)
    os.replace(path + '.tmp', path)


def onnx_logits(path, tokens):
    """Run the exported model with onnxruntime if it is installed (to check the export), else None."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    s = ort.InferenceSession(path)
    return s.run(['logits'], {'tokens': tokens})[0]


def detach(state):
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    return type(state)(detach(s) for s in state)


def evaluate_bits(model, ids, vocab_size, chunk=1024, batch=16):
    """Mean cross-entropy in bits per token over `ids`, cut into `chunk`-token pieces, each from a zero state."""
    import math
    lossf = torch.nn.CrossEntropyLoss(reduction='sum')
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        n = (len(ids) - 1) // chunk * chunk
        x, y = ids[:n].view(-1, chunk), ids[1:n + 1].view(-1, chunk)
        for i in range(0, x.shape[0], batch):
            total += float(lossf(model(x[i:i + batch]).reshape(-1, vocab_size), y[i:i + batch].reshape(-1)))
            count += y[i:i + batch].numel()
    model.train()
    return total / count / math.log(2)


def fit(model, train, val, vocab_size, minutes, on_best, seq=128, batch=32, lr=2e-3, eval_every=200,
        warmup=100, eval_chunk=1024, log_every=50):
    """Stateful truncated backprop: `batch` streams read the training ids from evenly spaced offsets and carry
    their state (model.step(x, state) -> logits, state) across consecutive windows; Adam with warm-up and a
    cosine decay over the time budget; held-out bits per token every `eval_every` steps, on_best(bits, step)
    when it improves. Returns (log, steps, minutes)."""
    import math, time
    lossf = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    stride = len(train) // batch
    pos = torch.arange(batch) * stride
    state, step, log, best = None, 0, [], float('inf')
    start = time.time()
    deadline = start + minutes * 60

    def check(train_bits):
        nonlocal best
        bits = evaluate_bits(model, val, vocab_size, chunk=eval_chunk)
        log.append({'step': step, 'minutes': round((time.time() - start) / 60, 2), 'train_bits': train_bits,
                    'val_bits': round(bits, 4)})
        print(log[-1], flush=True)
        if bits < best:
            best = bits
            on_best(bits, step)

    while time.time() < deadline:
        if bool((pos + seq + 1 >= len(train)).any()):  # an epoch is over: start again from a new offset
            pos = torch.arange(batch) * stride + random.randrange(seq)
            state = None
        x = torch.stack([train[i:i + seq] for i in pos])
        y = torch.stack([train[i + 1:i + seq + 1] for i in pos])
        logits, new_state = model.step(x, state)
        loss = lossf(logits.reshape(-1, vocab_size), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state = detach(new_state)
        pos = pos + seq
        step += 1
        frac = min(1.0, (time.time() - start) / (deadline - start))
        for g in opt.param_groups:
            g['lr'] = lr * min(1.0, step / warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        if step % log_every == 0:
            print(f'step {step} train {float(loss) / math.log(2):.3f} bits min {(time.time() - start) / 60:.1f}',
                  flush=True)
        if step % eval_every == 0:
            check(round(float(loss) / math.log(2), 4))
    check(None)
    return log, step, (time.time() - start) / 60
