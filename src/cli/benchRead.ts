/**
 * Read benchmark (part of npm run bench): a synthetic 1M-step × 512-unit h stream written with the
 * app's tile codec into Chromium's IndexedDB (tests/bench/readBench.ts, served by Vite), then
 * window_read_ms (512 units × 2,000 steps) and column_read_ms (10 units × 1M steps), cold (browser
 * restarted, new reader) and warm (same reader again), for several tile shapes: rows per chunk ×
 * units per tile. The shape the app uses is the baseline of the others' ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions } from './chromiumFlags';
import { benchPort } from './benchBrowser';

interface MatchTimes {
  ms: number;
  read: number;
  scan: number;
  rank: number;
  candidates: number;
}
type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;
interface Shape {
  steps: number;
  units: number;
  chunk: number;
  width: number;
}

export async function readBench(root: string, emit: Emit, shapes: Shape[]): Promise<void> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: benchPort(4189), strictPort: true }
  });
  await server.listen();
  const profile = mkdtempSync(join(tmpdir(), 'cellscope-read-'));
  const url = `http://127.0.0.1:${benchPort(4189)}/tests/bench/read.html`;
  const open = async () => {
    const context = await chromium.launchPersistentContext(profile, launchOptions());
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(600_000);
    await page.goto(url);
    await page.locator('#ready', { hasText: 'ready' }).waitFor();
    return { context, page };
  };
  type Api = {
    benchRead: {
      write(s: Shape): Promise<{ ms: number; bytes: number }>;
      read(s: Shape, p: 'window' | 'columns', fresh: boolean): Promise<{ ms: number }>;
      match(s: Shape, first: boolean): Promise<MatchTimes>;
      rank(s: Shape): Promise<{ ms: number }>;
      remove(s: Shape): Promise<void>;
    };
  };
  try {
    const results: {
      shape: Shape;
      window: number[];
      columns: number[];
      matches: MatchTimes[] | null;
      rank: number | null;
    }[] = [];
    for (const shape of shapes) {
      let { context, page } = await open();
      const w = await page.evaluate((s) => (window as unknown as Api).benchRead.write(s), shape);
      await context.close();
      ({ context, page } = await open()); // cold: a new browser process and an empty reader
      const read = (p: 'window' | 'columns', fresh: boolean): Promise<number> =>
        page.evaluate(
          ([s, p, f]) => (window as unknown as Api).benchRead.read(s, p, f).then((r) => r.ms),
          [shape, p, fresh] as const
        );
      const windowMs = [await read('window', true), await read('window', false)];
      const columns = [await read('columns', true), await read('columns', false)];
      // The app's match on this recording (the shape the app uses only: it is slow on others).
      const match = (first: boolean) =>
        page.evaluate(([s, f]) => (window as unknown as Api).benchRead.match(s, f), [
          shape,
          first
        ] as const);
      const matches = shape === shapes[0] ? [await match(true), await match(false)] : null;
      const rankMs =
        shape === shapes[0]
          ? await page.evaluate((s) => (window as unknown as Api).benchRead.rank(s), shape)
          : null;
      await page.evaluate((s) => (window as unknown as Api).benchRead.remove(s), shape);
      await context.close();
      results.push({ shape, window: windowMs, columns, matches, rank: rankMs?.ms ?? null });
      const tag = `c${shape.chunk}_w${shape.width}`;
      console.error(
        `# read ${tag}: wrote ${(w.bytes / 1e6).toFixed(0)} MB in ${(w.ms / 1000).toFixed(1)} s; window ${windowMs.map((x) => x.toFixed(1))} ms, columns ${columns.map((x) => x.toFixed(0))} ms (cold, warm)`
      );
    }
    const base = results[0];
    for (const r of results) {
      const tag = r === base ? '' : `_c${r.shape.chunk}_w${r.shape.width}`;
      emit(`window_read_ms_cold${tag}`, r.window[0], 'ms', r === base ? null : base.window[0]);
      emit(`window_read_ms_warm${tag}`, r.window[1], 'ms', r === base ? null : base.window[1]);
      emit(`column_read_ms_cold${tag}`, r.columns[0], 'ms', r === base ? null : base.columns[0]);
      emit(`column_read_ms_warm${tag}`, r.columns[1], 'ms', r === base ? null : base.columns[1]);
    }
    const [first, again] = base.matches!;
    for (const [name, m] of [
      ['first', first],
      ['again', again]
    ] as const)
      console.error(
        `# match from IndexedDB (${name}): ${m.candidates} candidates; read ${m.read.toFixed(0)} ms, scan ${m.scan.toFixed(0)} ms, rank ${m.rank.toFixed(0)} ms`
      );
    // Baseline: the same query on tiles already in memory would be match_ms_warm; here the
    // baseline is the first query, so "again" shows what the worker's column cache saves.
    emit('match_idb_ms_first', first.ms, 'ms', null);
    emit('match_idb_ms_again', again.ms, 'ms', first.ms);
    // Ranking reads every unit at every step: its baseline is reading 10 of them (column read).
    emit('rank_idb_ms', base.rank!, 'ms', base.columns[0]);
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
