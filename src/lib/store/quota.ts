/** Storage space: what the browser grants this origin, and asking it to keep our data. */
export interface SpaceEstimate {
  usage: number;
  quota: number;
  persisted: boolean;
}

export async function storageEstimate(): Promise<SpaceEstimate | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const e = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
}

/** Ask the browser not to evict our recordings under storage pressure (it may say no). */
export async function requestPersistence(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  return (await navigator.storage.persisted()) || navigator.storage.persist();
}

/** IndexedDB's "quota exceeded" (Dexie keeps the DOMException's name). */
export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; inner?: { name?: string } } | null;
  return err?.name === 'QuotaExceededError' || err?.inner?.name === 'QuotaExceededError';
}
