/**
 * UI latency (part of npm run bench), in headless Chromium at 1920×1080 on the built app with the
 * demo recording, from the app's own performance measures, at the smallest zoom (1 px per step:
 * the widest window): hover_ms (pointer over a heatmap column → heatmap and inspector updated),
 * heatmap_paint_ms (the heatmap repainted for a new window) and pan_redraw_ms (`]` or `[` → the
 * next window read from IndexedDB and every view — heatmap, tokens, line plot, histogram —
 * painted), over 34 pages forward and back after 4 warm-up pages.
 * Target: 16 ms (one frame).
 */
import { benchPort, previewServer } from './benchBrowser';
import { launchOptions } from './chromiumFlags';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function uiBench(root: string, emit: Emit): Promise<void> {
  const server = await previewServer(root, benchPort(4190));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.setDefaultTimeout(300_000);
    page.on('pageerror', (e) => console.error(`# page error: ${e.message}`));
    page.on('crash', () => console.error('# page crashed'));
    await page.goto(server.url);
    await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const item = page.locator('[data-status="complete"]').first();
    await item.waitFor();
    await item.getByRole('link', { name: 'Open' }).click();
    const heatmap = page.getByTestId('heatmap');
    await heatmap.waitFor();
    await page.getByRole('application').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('-');
    await page.waitForTimeout(500);
    const box = (await heatmap.boundingBox())!;
    const units = await page.getByRole('combobox', { name: 'Stream' }).inputValue();
    const steps = Math.floor(box.width);

    for (let i = 0; i < 80; i++) {
      await page.mouse.move(box.x + 5 + ((i * 17) % (box.width - 10)), box.y + box.height / 2);
      await page.waitForTimeout(20);
    }
    await page.getByRole('application').focus();
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // One pan: press the key, wait until its redraw is measured.
    const turnPage = async (key: string) => {
      const before = await page.evaluate(
        () => performance.getEntriesByName('cellscope:pan-redraw').length
      );
      await page.keyboard.press(key);
      // Poll (not waitForFunction: its polling stalled in headless runs here).
      for (let tries = 0; tries < 500; tries++) {
        const n = await page.evaluate(
          () => performance.getEntriesByName('cellscope:pan-redraw').length
        );
        if (n > before) break;
        await page.waitForTimeout(20);
      }
    };
    // Warm-up: the first few pans run before V8 has optimised the paint code (17–24 ms here).
    for (let i = 0; i < 4; i++) await turnPage(']');
    await page.evaluate(() => performance.clearMeasures('cellscope:pan-redraw'));
    // Page forward to the end of the recording, then back.
    for (let i = 0; i < 17; i++) await turnPage(']');
    for (let i = 0; i < 17; i++) await turnPage('[');
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
        profile: {
          nodes: {
            id: number;
            callFrame: { functionName: string; url: string; lineNumber: number };
          }[];
          samples: number[];
        };
      };
      const self = new Map<number, number>();
      for (const s of profile.samples) self.set(s, (self.get(s) ?? 0) + 1);
      const rows = profile.nodes
        .map((n) => ({
          n: self.get(n.id) ?? 0,
          f: `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
        }))
        .sort((a, b) => b.n - a.n)
        .slice(0, 25);
      console.error(rows.map((r) => `${r.n}\t${r.f}`).join('\n'));
    }
    const [hover, pan, paint] = await page.evaluate(() =>
      ['cellscope:hover', 'cellscope:pan-redraw', 'cellscope:heatmap-paint'].map((n) =>
        performance.getEntriesByName(n).map((e) => e.duration)
      )
    );
    console.error(
      `# ui: ${units}, ${steps} steps × 256 units in view; ${hover.length} hovers, ${pan.length} pans`
    );
    emit('hover_ms_median', quantile(hover, 0.5), 'ms', 16);
    emit('hover_ms_p95', quantile(hover, 0.95), 'ms', 16);
    emit('heatmap_paint_ms_median', quantile(paint, 0.5), 'ms', 16);
    emit('heatmap_paint_ms_p95', quantile(paint, 0.95), 'ms', 16);
    emit('pan_redraw_ms_median', quantile(pan, 0.5), 'ms', 16);
    emit('pan_redraw_ms_p95', quantile(pan, 0.95), 'ms', 16);
  } finally {
    await browser.close();
    server.stop();
  }
}
