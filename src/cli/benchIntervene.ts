/**
 * Intervention benchmark (part of npm run bench): in headless Chromium, the bundled model's
 * recording of the demo corpus, and a 2,000-token window re-run with 5 units of L1.fwd.c clamped
 * (tests/bench/interveneBench.ts), against plain inference of the unmodified model over the same
 * 2,000 tokens: intervene_first_ms (the very first, making the sessions), intervene_ms (a new
 * window: its original run too), intervene_warm_ms (the original kept, another clamp); then a
 * window 20,000 steps into the document (the part before it runs first, from the document's
 * start, or from the nearest checkpoint): intervene_mid_ms, intervene_mid_warm_ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions } from './chromiumFlags';
import { benchPort } from './benchBrowser';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;
type Result = { ms: number; reused: boolean; meanDLoss: number };
type Api = {
  benchIntervene: {
    setup(): Promise<{ ms: number; tokens: number }>;
    plain(a: number, b: number): Promise<{ ms: number }>;
    intervene(a: number, b: number, s: string, units: number[], v: number): Promise<Result>;
    remove(): Promise<void>;
  };
};

export async function interveneBench(root: string, emit: Emit): Promise<void> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    server: { host: '127.0.0.1', port: benchPort(4189), strictPort: true }
  });
  await server.listen();
  const profile = mkdtempSync(join(tmpdir(), 'cellscope-intervene-'));
  const context = await chromium.launchPersistentContext(profile, launchOptions());
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(900_000);
    await page.goto(`http://127.0.0.1:${benchPort(4189)}/tests/bench/intervene.html`);
    await page.locator('#ready', { hasText: 'ready' }).waitFor();
    const setup = await page.evaluate(() => (window as unknown as Api).benchIntervene.setup());
    console.error(
      `# intervene: recorded ${setup.tokens} tokens (h, c) in ${Math.round(setup.ms)} ms`
    );
    const W = 2000;
    const plain = await page.evaluate(
      ([a, b]) => (window as unknown as Api).benchIntervene.plain(a, b),
      [0, W]
    );
    const five = [192, 201, 7, 100, 250];
    const run = (a: number, units: number[], v: number) =>
      page.evaluate(
        ([a, b, units, v]) =>
          (window as unknown as Api).benchIntervene.intervene(
            a as number,
            b as number,
            'L1.fwd.c',
            units as number[],
            v as number
          ),
        [a, a + W, units, v] as const
      );
    // The first intervention also makes the sessions (the model with override inputs, the cell
    // Scan) and reads the clamped units' ranges: on another window, reported on its own.
    const first = await run(4000, five, -3);
    const cold = await run(0, five, -3);
    const warm = await run(
      0,
      five.map((u) => u + 1),
      0
    );
    const mid = await run(20_000, five, -3);
    const midWarm = await run(20_000, five, 3);
    console.error(
      `# intervene: mean Δloss ${cold.meanDLoss.toFixed(4)} (5 units of L1.fwd.c set to −3 over steps 0–1,999)`
    );
    emit('intervene_window_plain_ms', plain.ms, 'ms', null);
    emit('intervene_first_ms', first.ms, 'ms', plain.ms);
    emit('intervene_ms', cold.ms, 'ms', plain.ms);
    emit('intervene_warm_ms', warm.ms, 'ms', plain.ms);
    emit('intervene_mid_ms', mid.ms, 'ms', plain.ms);
    emit('intervene_mid_warm_ms', midWarm.ms, 'ms', plain.ms);
    await page.evaluate(() => (window as unknown as Api).benchIntervene.remove());
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
