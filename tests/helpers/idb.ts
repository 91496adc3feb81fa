/** Read what the app stored, straight from IndexedDB in the page (no app code involved). */
import type { Page } from '@playwright/test';

export interface StoredRecording {
  id: number;
  status: string;
  tokens: number;
  chunkSize: number;
  chunksDone: number;
  chunks: number;
  tokensPerSecond: number | null;
}

export async function recordings(page: Page): Promise<StoredRecording[]> {
  return page.evaluate(
    () =>
      new Promise<StoredRecording[]>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('recordings').objectStore('recordings').getAll();
          req.onsuccess = () => {
            resolve(
              req.result.map(
                ({ state: _s, streams: _st, ...r }: Record<string, unknown>) =>
                  r as unknown as StoredRecording
              )
            );
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      })
  );
}

/**
 * One stored row (timestep t) of a stream, decoded here from the raw 8-bit tiles with the
 * documented formula (value = lo + code · step, or lo + code · (hi − lo) / 255 for fixed ranges).
 */
export async function storedRow(
  page: Page,
  where: {
    recordingId: number;
    stream: string;
    t: number;
    chunkSize: number;
    units: number;
    /** where chunks are cut at document starts: the chunk holding t and the step it starts at */
    chunk?: { index: number; start: number };
  }
): Promise<number[]> {
  return page.evaluate(
    ({ recordingId, stream, t, chunkSize, units, chunk: given }) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const chunk = given?.index ?? Math.floor(t / chunkSize);
          const local = t - (given?.start ?? chunk * chunkSize);
          const store = open.result.transaction('tiles').objectStore('tiles');
          const range = IDBKeyRange.bound(
            [recordingId, stream, chunk, 0],
            [recordingId, stream, chunk, Infinity]
          );
          const req = store.getAll(range);
          req.onsuccess = () => {
            const row: number[] = [];
            for (const { tile } of req.result.sort(
              (a: { block: number }, b: { block: number }) => a.block - b.block
            )) {
              for (let u = 0; u < tile.units; u++) {
                const code = tile.unitMajor
                  ? tile.q[u * tile.rows + local]
                  : tile.q[local * tile.units + u];
                row.push(
                  tile.range
                    ? tile.range[0] + (code * (tile.range[1] - tile.range[0])) / 255
                    : tile.lo[u] + code * tile.step[u]
                );
              }
            }
            if (row.length !== units)
              reject(new Error(`row has ${row.length} units, expected ${units}`));
            resolve(row);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    where
  );
}

/**
 * A SHA-256 of every stored tile and token chunk of a recording, keyed by where it sits
 * (stream/chunk/block, not the recording's id): two recordings hold the same values exactly when
 * these are equal, whichever profile each is in.
 */
export async function storedDigests(
  page: Page,
  recordingId: number
): Promise<{ tiles: Record<string, string>; tokens: Record<string, string> }> {
  return page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = async () => {
          const db = open.result;
          const all = (store: string) =>
            new Promise<Record<string, unknown>[]>((res, rej) => {
              const req = db.transaction(store).objectStore(store).index('recordingId').getAll(id);
              req.onsuccess = () => res(req.result);
              req.onerror = () => rej(req.error);
            });
          const key = (r: Record<string, unknown>) =>
            `${r.stream ?? ''}/${r.chunk}/${r.block ?? ''}`;
          const bytes = (v: unknown) =>
            v ? new Uint8Array((v as ArrayBufferView).buffer) : new Uint8Array();
          const digest = async (r: Record<string, unknown>) => {
            const t = (r.tile ?? r) as Record<string, unknown>;
            const parts = [
              bytes(t.q ?? t.ids),
              bytes(t.lo ?? t.offsets),
              bytes(t.step),
              new TextEncoder().encode(JSON.stringify(t.range ?? null))
            ];
            // Each part's length first, so that no two different sets of parts hash alike.
            const all = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
            let at = 0;
            for (const p of parts) {
              new DataView(all.buffer).setUint32(at, p.length);
              all.set(p, at + 4);
              at += 4 + p.length;
            }
            const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
            return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
          };
          const out: Record<string, Record<string, string>> = {};
          for (const store of ['tiles', 'tokens']) {
            out[store] = {};
            for (const r of await all(store)) out[store][key(r)] = await digest(r);
          }
          db.close();
          resolve(out as { tiles: Record<string, string>; tokens: Record<string, string> });
        };
      }),
    recordingId
  );
}
