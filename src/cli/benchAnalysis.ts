/**
 * Analysis benchmark (part of npm run bench): in headless Chromium, a synthetic 4 × 256-unit,
 * 1M-step recording in IndexedDB (tests/bench/analysisBench.ts) — rank_all_ms (every unit
 * against a 0/1 track: AUC, held-out, chance) against reading those bytes once (read_all_ms);
 * unit_page_ms (one unit's histograms, top-k and quantile samples over 1M steps) against reading
 * its column once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions } from './chromiumFlags';
import { benchPort } from './benchBrowser';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;

export async function analysisBench(root: string, emit: Emit, steps: number): Promise<void> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: benchPort(4188), strictPort: true }
  });
  await server.listen();
  const profile = mkdtempSync(join(tmpdir(), 'cellscope-analysis-'));
  type Api = {
    benchAnalysis: {
      write(steps: number): Promise<{ ms: number; bytes: number }>;
      readAll(): Promise<{ ms: number }>;
      rankAll(): Promise<{ ms: number; best: string; score: number; chance: number }>;
      unitPage(): Promise<{ ms: number; readMs: number }>;
      remove(): Promise<void>;
    };
  };
  const open = async () => {
    const context = await chromium.launchPersistentContext(profile, launchOptions());
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(1_800_000);
    await page.goto(`http://127.0.0.1:${benchPort(4188)}/tests/bench/analysis.html`);
    await page.locator('#ready', { hasText: 'ready' }).waitFor();
    return { context, page };
  };
  try {
    let { context, page } = await open();
    const w = await page.evaluate((n) => (window as unknown as Api).benchAnalysis.write(n), steps);
    console.error(
      `# analysis: wrote ${(w.bytes / 1e6).toFixed(0)} MB in ${(w.ms / 1000).toFixed(0)} s`
    );
    await context.close();
    ({ context, page } = await open()); // cold: a new browser process
    const read = await page.evaluate(() => (window as unknown as Api).benchAnalysis.readAll());
    await context.close();
    ({ context, page } = await open());
    const rank = await page.evaluate(() => (window as unknown as Api).benchAnalysis.rankAll());
    console.error(
      `# rank_all: best ${rank.best} score ${rank.score.toFixed(3)}, chance ${rank.chance.toFixed(3)}`
    );
    const unit = await page.evaluate(() => (window as unknown as Api).benchAnalysis.unitPage());
    emit('read_all_ms', read.ms, 'ms', null);
    emit('rank_all_ms', rank.ms, 'ms', read.ms);
    emit('unit_column_read_ms', unit.readMs, 'ms', null);
    emit('unit_page_ms', unit.ms, 'ms', unit.readMs);
    await page.evaluate(() => (window as unknown as Api).benchAnalysis.remove());
    await context.close();
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
