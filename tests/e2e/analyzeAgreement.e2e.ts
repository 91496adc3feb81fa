/**
 * The browser and `npm run analyze` give the same numbers. A Zarr store recorded by the Node
 * command from the bundled demo model is ranked twice: by the CLI (its directory, read through
 * the app's Zarr reader from disk; the commands run in this process, tests/helpers/cliInProcess.ts)
 * and in Chromium by the app's own query worker (the store over
 * HTTP, as the explorer opens one), with the track computed in the page as the explorer computes
 * it. The two JSON reports are equal, every number exactly.
 *
 * The page is a Vite build of a small entry that loads the query worker and the track code from
 * src/lib (the app's explorer has no hook for scripts, and driving the rank panel would tie this
 * test to its layout); it is served with the store by one server, beside the app's port.
 */
import { expect, test } from '../helpers/browserTest';
import { analyzeCli, recordCli } from '../helpers/cliInProcess';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative } from 'node:path';
import { build } from 'vite';
import { atlasJson } from '../../src/lib/export/atlasExport';
import type { AtlasResult } from '../../src/lib/query/runAtlas';

const root = join(import.meta.dirname, '../..');
const PORT = Number(process.env.E2E_PORT ?? 4179) + 12;
const dir = mkdtempSync(join(tmpdir(), 'cellscope-agree-'));
const store = join(dir, 'rec.zarr');
const site = join(dir, 'site');
const REGEX = '"[^"\\n]*"';
let server: Server;

const analyze = async (...args: string[]) =>
  JSON.parse(await analyzeCli([...args, '--recording', store, '--json']));

/** The page's code: the app's modules, imported by relative path from a temporary directory. */
function writePage(): void {
  const page = join(dir, 'page');
  mkdirSync(page);
  symlinkSync(join(root, 'node_modules'), join(page, 'node_modules')); // for comlink
  const lib = (path: string) => relative(page, join(root, 'src/lib', path)).replace(/\.ts$/, '');
  writeFileSync(join(page, 'worker.ts'), `import '${lib('query/queryWorker.ts')}';\n`);
  writeFileSync(
    join(page, 'entry.ts'),
    `import * as Comlink from 'comlink';
import type { QueryApi } from '${lib('query/queryWorker.ts')}';
import { openZarrRecording } from '${lib('store/zarrSource.ts')}';
import { RecordingReader } from '${lib('store/reader.ts')}';
import { regexTrack } from '${lib('analysis/tracks.ts')}';
import { BUILTIN_TRACKS, builtinTracks } from '${lib('analysis/builtinTracks.ts')}';
import { rankReportJson } from '${lib('export/rankJson.ts')}';

const worker = Comlink.wrap<QueryApi>(
  new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
);
const source = (url: string) => ({ kind: 'zarr' as const, url });
const quiet = () => Comlink.proxy(() => {});

/** A track as the explorer's Tracks panel computes it (tracks.svelte.ts), ranked in the worker. */
async function rank(url: string, spec: { regex?: string; builtin?: string; streams?: string[] }) {
  const { recording, source: chunks, corpus } = await openZarrRecording(url);
  const reader = new RecordingReader(chunks, recording);
  const { offsets } = await reader.tokens(0, reader.length);
  let track: { name: string; values: Float32Array; depthLike: boolean };
  if (spec.regex) {
    const t = regexTrack(corpus.text, offsets, spec.regex);
    track = { name: t.name, values: t.values, depthLike: false };
  } else {
    const info = BUILTIN_TRACKS.find((b) => b.id === spec.builtin)!;
    const docStarts = recording.documents.map((d) => d.start);
    const t = builtinTracks(corpus.text, offsets, { docStarts, ids: [info.id] }).get(info.id)!;
    track = { name: t.name, values: t.values, depthLike: info.depthLike };
  }
  const opts = { name: track.name, depthLike: track.depthLike, streams: spec.streams };
  return rankReportJson(await worker.rankAll(source(url), track.values, opts, quiet()));
}

async function atlas(url: string, streams: string[]) {
  return worker.atlas(source(url), { builtins: 'suggested', streams }, quiet());
}

Object.assign(globalThis, { agree: { rank, atlas } });
`
  );
  writeFileSync(
    join(page, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>agree</title><script type="module" src="./entry.ts"></script>\n'
  );
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

test.beforeAll(async () => {
  writeFileSync(
    join(dir, 'corpus.txt'),
    readFileSync(join(root, 'static/corpora/stb_c_lexer.h.txt'), 'utf8').slice(28000, 31000)
  );
  await recordCli([
    '--model',
    join(root, 'models/code-lstm.onnx'),
    '--out',
    join(dir, 'npy'),
    '--text',
    join(dir, 'corpus.txt'),
    '--streams',
    'h,c',
    '--chunk',
    '1024',
    '--zarr',
    store
  ]);
  writePage();
  await build({
    configFile: false,
    root: join(dir, 'page'),
    logLevel: 'error',
    build: { outDir: site, emptyOutDir: true, target: 'esnext' },
    worker: { format: 'es' }
  });
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const [base, rest] = path.startsWith('/store/') ? [store, path.slice(7)] : [site, path];
    const file = normalize(join(base, rest === '/' ? 'index.html' : rest));
    try {
      if (!file.startsWith(base)) throw new Error('outside');
      const body = readFileSync(file);
      res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  }).listen(PORT, '127.0.0.1');
});
test.afterAll(() => server?.close());

test('the query worker in Chromium and npm run analyze rank a Zarr store identically', async ({
  page
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.waitForFunction(() => 'agree' in globalThis);
  const url = `http://127.0.0.1:${PORT}/store`;
  type Agree = Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** Run agree[fn] in the page; the result as JSON gives it (as the CLI's output is read). */
  const inPage = async (fn: string, ...args: unknown[]) =>
    JSON.parse(
      JSON.stringify(
        await page.evaluate(
          ([fn, args]) => (globalThis as unknown as { agree: Agree }).agree[fn](...args),
          [fn, args] as const
        )
      )
    );

  // A binary track over every unit of every stream (AUC, held-out, chance).
  const cliRegex = await analyze('rank', '--regex', REGEX);
  expect(cliRegex.units).toHaveLength(1024);
  expect(cliRegex.metric).toBe('auc');
  expect(cliRegex.base_rate.positive_steps).toBeGreaterThan(100);
  expect(await inPage('rank', url, { regex: REGEX })).toEqual(cliRegex);

  // A depth-like built-in (Pearson, Spearman, levels) on two streams.
  const streams = ['L1.fwd.h', 'L0.fwd.c'];
  const cliParen = await analyze('rank', '--builtin', 'c.paren', '--streams', streams.join(','));
  expect(cliParen.track).toBe('paren depth');
  expect(cliParen.levels.length).toBeGreaterThan(0);
  expect(await inPage('rank', url, { builtin: 'c.paren', streams })).toEqual(cliParen);

  // The atlas of one stream against the code built-ins.
  const cliAtlas = await analyze('atlas', '--streams', 'L1.fwd.h');
  const browserAtlas: AtlasResult = await inPage('atlas', url, ['L1.fwd.h']);
  expect(atlasJson(browserAtlas)).toEqual(cliAtlas);
  expect(cliAtlas.units.some((u: { track: string | null }) => u.track !== null)).toBe(true);
  expect(errors).toEqual([]);
});
