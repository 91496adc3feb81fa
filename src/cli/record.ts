#!/usr/bin/env node
/**
 * npm run record -- --model M.onnx --out DIR [--text corpus.txt] [--vocab FILE] [--tokenizer char|word]
 *                   [--feed NAME=file.npy]... [--streams all|h|h,c] [--chunk N]
 *                   [--tap TENSOR]... [--list-tensors] [--zarr DIR [--zarr-version 2|3]]
 */
import * as ort from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { InputError, listTensorsCommand, recordCommand, type OrtNode } from './recordCommand';

const USAGE =
  'usage: npm run record -- --model M.onnx --out DIR [--text corpus.txt] [--vocab FILE] ' +
  '[--tokenizer char|word] [--csv features.csv] [--feed NAME=file.npy]... [--streams all|h|h,c] [--chunk N] ' +
  '[--tap TENSOR]... [--list-tensors] [--zarr DIR [--zarr-version 2|3]]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        text: { type: 'string' },
        csv: { type: 'string' },
        vocab: { type: 'string' },
        tokenizer: { type: 'string' },
        feed: { type: 'string', multiple: true },
        tap: { type: 'string', multiple: true },
        'list-tensors': { type: 'boolean' },
        streams: { type: 'string' },
        chunk: { type: 'string' },
        zarr: { type: 'string' },
        'zarr-version': { type: 'string' },
        help: { type: 'boolean' }
      }
    }));
  } catch (e) {
    console.error(`cellscope record: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.tokenizer && values.tokenizer !== 'char' && values.tokenizer !== 'word') {
    console.error('cellscope record: --tokenizer must be char or word.');
    return 2;
  }
  const zarrVersion = values['zarr-version'];
  if (zarrVersion !== undefined && zarrVersion !== '2' && zarrVersion !== '3') {
    console.error('cellscope record: --zarr-version must be 2 or 3.');
    return 2;
  }
  if (zarrVersion !== undefined && !values.zarr) {
    console.error('cellscope record: --zarr-version needs --zarr DIR.');
    return 2;
  }
  const started = performance.now();
  try {
    const options = {
      model: values.model ?? '',
      out: values.out ?? '',
      text: values.text,
      csv: values.csv,
      vocab: values.vocab,
      tokenizer: values.tokenizer as 'char' | 'word' | undefined,
      feeds: values.feed,
      tap: values.tap,
      streams: values.streams,
      chunk: values.chunk ? Number(values.chunk) : undefined,
      zarr: values.zarr,
      zarrVersion: zarrVersion === '2' ? (2 as const) : (3 as const)
    };
    if (values['list-tensors']) {
      const rows = await listTensorsCommand(options, ort as unknown as OrtNode);
      for (const r of rows)
        console.log(
          `${r.name}\t${r.op}\t${r.type}\t${r.shape ? `[${r.shape.join(', ')}]` : '(not computed)'}`
        );
      return 0;
    }
    const manifest = await recordCommand(options, ort as unknown as OrtNode);
    const steps = manifest.lengths.length
      ? manifest.lengths.reduce((a: number, b: number) => a + b, 0)
      : (manifest.streams[0]?.shape[0] ?? 0);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `cellscope record: ${manifest.streams.length} streams, ${steps} steps in ${seconds.toFixed(2)} s → ${values.out}`
    );
    // For npm run bench: the peak resident memory of this process.
    if (process.env.CELLSCOPE_REPORT_RSS)
      console.log(`max_rss_kb ${process.resourceUsage().maxRSS}`);
    return 0;
  } catch (e) {
    const known =
      e instanceof InputError ||
      [
        'ModelFormatError',
        'TokenizerError',
        'FeedError',
        'NpyError',
        'ActivationError',
        'CsvError'
      ].includes((e as Error).name);
    console.error(`cellscope record: ${(e as Error).message.split('\n')[0]}`);
    if (!known) console.error((e as Error).stack);
    return 1;
  }
}

process.exitCode = await main();
