/**
 * A bad Zarr store opened by URL: the explorer says what is wrong and what to do (no stack trace,
 * no frozen tab), nothing is stored, and the app stays usable (back to the library, then a good
 * store opens). The stores are written by the record command's Zarr writer and then damaged.
 */
import { expect, test } from '../helpers/browserTest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { ZarrStoreWriter } from '../../src/cli/zarrStore';
import { recordings } from '../helpers/idb';

const dir = mkdtempSync(join(tmpdir(), 'cellscope-badzarr-e2e-'));
const T = 600;
let server: Server;
let origin = '';

/** A good recording of one stream; `damage` then edits its group or array metadata. */
function store(name: string, damage?: (group: Record<string, unknown>) => void) {
  const w = new ZarrStoreWriter(
    join(dir, name),
    [{ id: 'L0.fwd.h', units: 16, kind: 'h' }],
    T,
    256
  );
  for (let c = 0; c * 256 < T; c++) {
    const rows = Math.min(256, T - c * 256);
    w.writeRows(c * 256, rows, {
      'L0.fwd.h': Float32Array.from({ length: rows * 16 }, (_, i) => Math.tanh(Math.sin(i + c)))
    });
  }
  const text = 'int main(void) { return 0; }\n'.repeat(30).slice(0, T);
  w.writeTokens(
    Int32Array.from(text, (ch) => ch.charCodeAt(0) % 98),
    Uint32Array.from({ length: T }, (_, t) => t),
    text
  );
  const attrs = {
    format: 'cellscope-record/1',
    tokens: T,
    chunkRows: 256,
    streamSpecs: [{ id: 'L0.fwd.h', units: 16 }]
  };
  w.finish(attrs);
  if (damage) {
    const file = join(dir, name, 'zarr.json');
    const group = JSON.parse(readFileSync(file, 'utf8'));
    damage(group);
    writeFileSync(file, JSON.stringify(group));
  }
}

test.beforeAll(async () => {
  store('good.zarr');
  store('billions.zarr', (g) => {
    (g.attributes as { cellscope: { tokens: number } }).cellscope.tokens = 5_000_000_000;
  });
  store('negative.zarr');
  const arr = join(dir, 'negative.zarr', 'L0.fwd.h', 'zarr.json');
  const meta = JSON.parse(readFileSync(arr, 'utf8'));
  meta.chunk_grid.configuration.chunk_shape = [-256, 64];
  writeFileSync(arr, JSON.stringify(meta));
  mkdirSync(join(dir, 'notzarr.zarr'));
  writeFileSync(join(dir, 'notzarr.zarr', 'zarr.json'), JSON.stringify({ name: 'my data' }));

  server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    try {
      if (!path.startsWith(dir + sep)) throw new Error('outside');
      res.end(readFileSync(path));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => server?.close());

for (const [what, name, message] of [
  [
    'a zarr.json that is JSON but not a Zarr group',
    'notzarr.zarr',
    /notzarr\.zarr\/zarr\.json is JSON but not Zarr v3 metadata: zarr_format is missing\. Give the address of a Zarr store's root group/
  ],
  [
    'a negative chunk size',
    'negative.zarr',
    /negative\.zarr\/L0\.fwd\.h\/zarr\.json is JSON but not Zarr v3 array metadata: chunk_grid\.configuration\.chunk_shape\[0\] is -256, not a whole number ≥ 1/
  ],
  [
    'a store that claims billions of tokens',
    'billions.zarr',
    /cellscope\.tokens is 5,000,000,000, not a whole number from 1 to 100,000,000/
  ]
] as const) {
  test(`opening ${what} by URL says what is wrong; the app stays usable and stores nothing`, async ({
    page
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const started = Date.now();
    await page.goto(`/explore?src=${encodeURIComponent(`${origin}/${name}`)}`);
    await expect(page.getByText('Nothing to explore here')).toBeVisible();
    const shown = page.locator('.empty p');
    await expect(shown).toHaveText(message);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(shown).not.toContainText(/TypeError|RangeError|\bat .*\.js/);
    expect(errors).toEqual([]);

    // Still usable: back to the library, nothing was stored; then a good store opens.
    await page.getByRole('link', { name: 'Back to the library' }).click();
    await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
    expect(await recordings(page)).toEqual([]);
    await page.goto(`/explore?src=${encodeURIComponent(`${origin}/good.zarr`)}`);
    await expect(page.getByTestId('heatmap')).toBeVisible();
    await expect(page.getByTestId('position')).toContainText('of 600');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
}
