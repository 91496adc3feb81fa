import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel } from './src/lib/onnx/proto';
import { prepareForRecording } from './src/lib/onnx/surgery';
import { recordChunks } from './src/lib/record/core';
import { parseTokenizerSpec, createTokenizer } from './src/lib/tokenize/tokenizer';
import { interventionEffect } from './src/lib/analysis/interventionEffect';
import { builtinTracks } from './src/lib/analysis/builtinTracks';

const bytes = new Uint8Array(readFileSync('models/code-lstm.onnx'));
const text = readFileSync('static/corpora/stb_c_lexer.h.txt', 'utf8');
async function main() {
  const graph = prepareForRecording(decodeModel(bytes), { internals: true, overrides: true });
  const spec = parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer']);
  const enc = createTokenizer(spec).encode(text);
  const session = await ort.InferenceSession.create(graph.bytes);
  const N = Number(process.argv[2] ?? 8000);
  const ids = enc.ids.subarray(0, N);
  const runs: Record<string, Float32Array> = {};
  const ivs = JSON.parse(process.argv[3] ?? '[]');
  for (const [name, list] of [['base', []], ['iv', ivs]] as const) {
    const parts: Float32Array[] = [];
    const t0 = performance.now();
    await recordChunks({ session, Tensor: ort.Tensor as never, taps: graph.taps, tokenInput: graph.info.tokenInput!, ids, chunkSize: 4096, kinds: new Set(['h']), interventions: list as never,
      sink: { commit: async (r) => { parts.push((r.outputs!.logits.data as Float32Array).slice()); } } });
    console.log(name, 'ms', Math.round(performance.now() - t0));
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0)); let at = 0; for (const p of parts) { all.set(p, at); at += p.length; }
    runs[name] = all;
  }
  const V = spec.vocab.length;
  const next = new Int32Array(N).map((_, i) => (i + 1 < N ? ids[i + 1] : -1));
  const e = interventionEffect(runs.base, runs.iv, N, V, next);
  const q = spec.vocab.indexOf('"');
  // p(") before/after, inside strings vs outside
  const soft = (l: Float32Array, t: number) => { let m = -Infinity; for (let v = 0; v < V; v++) m = Math.max(m, l[t*V+v]); let s = 0; for (let v = 0; v < V; v++) s += Math.exp(l[t*V+v]-m); return Math.exp(l[t*V+q]-m)/s; };
  const tr = builtinTracks(text, enc.offsets.subarray(0, N), { ids: ['c.string'] });
  const inStr = tr.get('c.string')!.values;
  let [si, so, ni, no, li, lo] = [0, 0, 0, 0, 0, 0];
  for (let t = 0; t < N; t++) {
    const inside = inStr[t] > 0;
    const d = soft(runs.iv, t) - soft(runs.base, t);
    if (inside) { si += d; ni++; li += e.dLoss[t] || 0; } else { so += d; no++; lo += e.dLoss[t] || 0; }
  }
  console.log('mean Δp(") inside strings', (si / ni).toFixed(4), 'outside', (so / no).toFixed(4), 'n', ni, no, 'mean dloss in/out', (li/ni).toFixed(4), (lo/no).toFixed(4));
}
main();
