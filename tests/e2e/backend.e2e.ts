/**
 * Execution providers: WASM by default, and the choice is always explained in the library.
 * (webgpu.e2e.ts covers a browser with a WebGPU adapter.)
 */
import { expect, test } from '../helpers/browserTest';
import { recordTiny } from '../helpers/recordTiny';

test('without a WebGPU adapter the recording uses WASM and says why', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(r.url()));
  const { note } = await recordTiny(page, 'auto');
  expect(note).toMatch(/^WASM: WebGPU not used, no WebGPU adapter/);
  // The WebGPU build (its own 27 MB wasm) is never downloaded on the default path.
  expect(fetched.filter((u) => /asyncify|webgpu/.test(u))).toEqual([]);
  expect(fetched.some((u) => /ort-wasm-simd-threaded-\w+\.wasm/.test(u))).toBe(true);
});
