/**
 * The shape of the state space, on the bundled demo recorded in the browser: cluster the units
 * of L1.fwd.h in the query worker, reorder the heatmap's rows by cluster and by the selection
 * (the unit axis names the unit each row shows), open the correlation matrix and check a pair's
 * r against Pearson's r computed here from the stored tiles (read straight from IndexedDB); the
 * order survives a reload (it is in the link).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';

// The profile holds the demo recorded with kinds = h (tests/helpers/browserTest.ts).
test.use({ demoKinds: 'h' });

/** Every stored value of one unit of a stream, in step order, decoded from the raw tiles. */
async function storedColumn(page: Page, recordingId: number, stream: string, unit: number) {
  return page.evaluate(
    ({ recordingId, stream, unit }) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('tiles').objectStore('tiles');
          const range = IDBKeyRange.bound(
            [recordingId, stream, 0, 0],
            [recordingId, stream, Infinity, Infinity]
          );
          const req = store.getAll(range);
          req.onsuccess = () => {
            type Row = { chunk: number; block: number; tile: Record<string, never> };
            const rows = (req.result as Row[]).sort((a, b) => a.chunk - b.chunk);
            const out: number[] = [];
            for (const { block, tile } of rows) {
              const t = tile as unknown as {
                rows: number;
                units: number;
                unitMajor: boolean;
                q: Uint8Array;
                range: [number, number] | null;
                lo: Float32Array;
                step: Float32Array;
              };
              const u = unit - block * t.units;
              if (u < 0 || u >= t.units) continue;
              for (let r = 0; r < t.rows; r++) {
                const code = t.unitMajor ? t.q[u * t.rows + r] : t.q[r * t.units + u];
                out.push(
                  t.range
                    ? t.range[0] + (code * (t.range[1] - t.range[0])) / 255
                    : t.lo[u] + code * t.step[u]
                );
              }
            }
            open.result.close();
            resolve(out);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    { recordingId, stream, unit }
  );
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The unit the unit axis names when the pointer is on row `row` of `rows`. */
async function unitInRow(page: Page, row: number, rows: number): Promise<number> {
  const box = (await page.getByTestId('unit-axis').boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + ((row + 0.5) * box.height) / rows);
  return Number(await page.getByTestId('unit-axis').locator('text.over').textContent());
}

test('cluster units, reorder the heatmap rows, read r from the correlation matrix', async ({
  page,
  demo: href
}) => {
  test.setTimeout(240_000);
  const recordingId = Number(new URL(href, 'http://x').searchParams.get('rec'));
  await page.goto(`${href}&stream=L1.fwd.h`);
  await page.getByRole('tab', { name: /^Order/ }).click();
  const panel = page.getByRole('region', { name: 'Order rows, cluster units' });
  await expect(panel).toContainText('Clustering reads every unit');
  await expect(panel.getByRole('button', { name: 'Show the correlation matrix' })).toBeDisabled();

  // Rows in number order: row 5 shows unit 5.
  expect(await unitInRow(page, 5, 256)).toBe(5);

  await panel.getByLabel('Clustering method').selectOption('average');
  await panel.getByLabel('Number of clusters').fill('6');
  await panel.getByLabel('Number of clusters').press('Enter');
  await panel.getByRole('button', { name: 'Cluster units of L1.fwd.h' }).click();
  const summary = panel.getByTestId('cluster-summary');
  await expect(summary).toContainText('6 clusters of 256 units', { timeout: 120_000 });
  await expect(summary).toContainText('over all 34,689 steps');
  await expect(panel.getByRole('radio', { name: 'Cluster' })).toBeChecked();

  // Open the matrix: its first row/column is the heatmap's first row.
  await panel.getByRole('button', { name: 'Show the correlation matrix' }).click();
  const matrix = page.getByTestId('correlation-matrix');
  await expect(matrix).toBeVisible();
  const readout = page.getByTestId('correlation-readout');
  const mbox = (await matrix.locator('canvas').boundingBox())!;
  const cell = (row: number, col: number) => ({
    x: mbox.x + ((col + 0.5) * mbox.width) / 256,
    y: mbox.y + ((row + 0.5) * mbox.height) / 256
  });
  await page.mouse.move(cell(0, 0).x, cell(0, 0).y);
  const first = Number((await readout.locator('b').first().textContent())!);
  expect(await unitInRow(page, 0, 256)).toBe(first);
  // Clustered rows are not in number order.
  const inRows = [];
  for (const r of [0, 40, 80, 120, 160, 200]) inRows.push(await unitInRow(page, r, 256));
  expect(inRows).not.toEqual([0, 40, 80, 120, 160, 200]);
  await page.screenshot({ path: 'test-results/order-1280.png' });

  // A pair's r, against Pearson's r of the stored values.
  await page.mouse.move(cell(3, 200).x, cell(3, 200).y);
  await expect(readout).toContainText('r =');
  const units = (await readout.locator('p').first().locator('b').allTextContents()).map(Number);
  const shown = Number(
    (await page.getByTestId('correlation-r').textContent())!.replace('−', '-').replace('+', '')
  );
  const [a, b] = units;
  expect(a).not.toBe(b);
  const x = await storedColumn(page, recordingId, 'L1.fwd.h', a);
  const y = await storedColumn(page, recordingId, 'L1.fwd.h', b);
  expect(x.length).toBe(34_689);
  const want = pearson(x, y);
  expect(Math.abs(shown - want)).toBeLessThan(6e-4);

  // Click the cell: both units join the selection; rows with the selected units first.
  await page.mouse.click(cell(3, 200).x, cell(3, 200).y);
  await panel.getByRole('radio', { name: 'Selected units first' }).check();
  const top = [await unitInRow(page, 0, 256), await unitInRow(page, 1, 256)];
  expect(top.sort((p, q) => p - q)).toEqual([a, b].sort((p, q) => p - q));

  // Keyboard: focus the matrix, arrows move the picked pair.
  await matrix.focus();
  await page.keyboard.press('ArrowDown');
  await expect(readout).toContainText('unit');

  // Back to number order.
  await panel.getByRole('radio', { name: 'Unit number' }).check();
  expect(await unitInRow(page, 5, 256)).toBe(5);

  await page.setViewportSize({ width: 1920, height: 1080 });
  await panel.getByRole('radio', { name: 'Cluster' }).check();
  const big = (await matrix.locator('canvas').boundingBox())!;
  await page.mouse.move(big.x + big.width * 0.3, big.y + big.height * 0.6);
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'test-results/order-1920.png' });

  // The order is in the link: a reload clusters again and the rows come back in the same order.
  await expect(page).toHaveURL(/[?&]order=cluster%3Aaverage%3A6/);
  await page.reload();
  await page.getByRole('tab', { name: /^Order/ }).click();
  await expect(panel.getByTestId('cluster-summary')).toContainText('6 clusters of 256 units', {
    timeout: 120_000
  });
  await expect(panel.getByRole('radio', { name: 'Cluster' })).toBeChecked();
  expect(await unitInRow(page, 0, 256)).toBe(first);
});
