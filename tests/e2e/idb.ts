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

/** One stored row (timestep t) of a stream, as numbers. */
export async function storedRow(
  page: Page,
  where: { recordingId: number; stream: string; t: number; chunkSize: number; units: number }
): Promise<number[]> {
  return page.evaluate(
    ({ recordingId, stream, t, chunkSize, units }) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const chunk = Math.floor(t / chunkSize);
          const req = open.result
            .transaction('chunks')
            .objectStore('chunks')
            .get([recordingId, stream, chunk]);
          req.onsuccess = () => {
            const data = req.result.data as Float32Array;
            const local = t - chunk * chunkSize;
            resolve(Array.from(data.subarray(local * units, (local + 1) * units)));
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    where
  );
}
