/**
 * WebGPU: this machine has no GPU; `--enable-unsafe-webgpu` gives Chromium a software
 * (SwiftShader) adapter, which runs onnxruntime-web's WebGPU build for real. Auto mode must not
 * pick a software adapter; a forced WebGPU recording must equal the WASM one.
 */
import { expect, test } from '../helpers/browserTest';
import { storedRow } from '../helpers/idb';
import { launchOptions } from './chromium';
import { corpus, recordTiny } from '../helpers/recordTiny';

test.use({ launchOptions: launchOptions(['--enable-unsafe-webgpu']) });

test('auto keeps WASM (software adapter); forced WebGPU records the same values', async ({
  page
}) => {
  const wasm = await recordTiny(page, 'auto');
  expect(wasm.note).toMatch(/^WASM: WebGPU not used, only a software WebGPU adapter/);

  const gpu = await recordTiny(page, 'webgpu');
  expect(gpu.note).toMatch(
    /^WebGPU \(chosen in the recording options; WebGPU \d+ vs WASM \d+ tokens\/s on the first chunk\)\.$/
  );
  // Both providers computed the same states: equal within two 8-bit steps of h's codec.
  for (const t of [0, 10, corpus.length - 1]) {
    const where = { stream: 'L1.fwd.h', t, chunkSize: 2048, units: 256 };
    const a = await storedRow(page, { recordingId: wasm.id, ...where });
    const b = await storedRow(page, { recordingId: gpu.id, ...where });
    const worst = Math.max(...a.map((v, u) => Math.abs(v - b[u])));
    expect(worst).toBeLessThanOrEqual(2 / 127.5 + 1e-6);
    expect(a.some((v) => Math.abs(v) > 0.1)).toBe(true);
  }
});
