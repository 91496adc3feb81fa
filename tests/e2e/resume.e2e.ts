/**
 * A recording interrupted by a closed tab resumes from its last committed chunk, and the finished
 * recording is bit-identical to an uninterrupted one.
 */
import { expect, test } from '@playwright/test';
import { recordings } from '../helpers/idb';

test('kill the tab mid-recording, reopen, resume: identical to an uninterrupted recording', async ({
  context
}) => {
  let page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Record the demo' }).click();
  await expect(page.getByRole('progressbar', { name: 'Recording progress' })).toHaveAttribute(
    'aria-valuenow',
    /^([1-9]|[1-7]\d)$/
  );
  // At least one chunk committed (commits trail the progress bar by one chunk), then the tab goes.
  await expect.poll(async () => (await recordings(page))[0]?.chunksDone ?? 0).toBeGreaterThan(0);
  await page.close(); // the tab (and its recording worker) is gone mid-recording

  page = await context.newPage();
  await page.goto('/');
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'paused');
  const [stopped] = await recordings(page);
  expect(stopped.chunksDone).toBeGreaterThan(0);
  expect(stopped.chunksDone).toBeLessThan(stopped.chunks);
  await item.getByRole('button', { name: 'Resume' }).click();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 150_000 });

  // The same recording again, uninterrupted.
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(page.locator('[data-status="complete"]')).toHaveCount(2, { timeout: 150_000 });
  const ids = (await recordings(page)).map((r) => r.id).sort();
  const diff = await page.evaluate(
    ([a, b]) =>
      new Promise<{ tiles: number; tokens: number; mismatches: number }>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = async () => {
          const db = open.result;
          const all = (store: string, id: number) =>
            new Promise<Record<string, unknown>[]>((res, rej) => {
              const req = db.transaction(store).objectStore(store).index('recordingId').getAll(id);
              req.onsuccess = () => res(req.result);
              req.onerror = () => rej(req.error);
            });
          const key = (r: Record<string, unknown>) =>
            `${r.stream ?? ''}/${r.chunk}/${r.block ?? ''}`;
          const bytes = (v: unknown) =>
            v ? Array.from(new Uint8Array((v as ArrayBufferView).buffer)).join() : '';
          const flat = (r: Record<string, unknown>) => {
            const t = (r.tile ?? r) as Record<string, unknown>;
            return [
              bytes(t.q ?? t.ids),
              bytes(t.lo ?? t.offsets),
              bytes(t.step),
              JSON.stringify(t.range ?? null)
            ].join('|');
          };
          let mismatches = 0;
          const counts = { tiles: 0, tokens: 0 };
          for (const store of ['tiles', 'tokens'] as const) {
            const [ra, rb] = [await all(store, a), await all(store, b)];
            const mb = new Map(rb.map((r) => [key(r), flat(r)]));
            if (ra.length !== rb.length) mismatches++;
            for (const r of ra) if (mb.get(key(r)) !== flat(r)) mismatches++;
            counts[store] = ra.length;
          }
          db.close();
          resolve({ ...counts, mismatches });
        };
      }),
    ids
  );
  expect(diff.tiles).toBeGreaterThan(0);
  expect(diff.tokens).toBe(stopped.chunks);
  expect(diff.mismatches).toBe(0);
});
