/**
 * Interventions in the browser on the bundled model: clamp the "in string" cell the ranking
 * finds (L1.fwd.c:192) over a window that starts mid-document, re-run in the query worker, and
 * check the results — the run began at the document's start and says so, the unit's trace holds
 * the value, and the losses before and after equal onnxruntime-node running the same model
 * (record/core.ts with the same intervention, from step 0) — then a value outside the unit's
 * range (marked), every unit of the stream at once, and the JSON export.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { recordChunks } from '../../src/lib/record/core';
import type { Intervention } from '../../src/lib/record/intervention';
import type { TensorCtor } from '../../src/lib/record/step';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';

// The profile holds the demo recorded with kinds = h,c (tests/helpers/browserTest.ts).
test.use({ demoKinds: 'h,c' });

/** Loss of the actual next token at steps [a, b) with the interventions, run from step 0 in Node. */
async function nodeLosses(a: number, b: number, list: Intervention[]) {
  const bytes = new Uint8Array(readFileSync('models/code-lstm.onnx'));
  const graph = prepareForRecording(decodeModel(bytes), { internals: true, overrides: true });
  const spec = parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer']);
  const ids = createTokenizer(spec).encode(
    readFileSync('static/corpora/stb_c_lexer.h.txt', 'utf8')
  ).ids;
  const session = await ort.InferenceSession.create(graph.bytes);
  const V = spec.vocab.length;
  const losses: number[] = [];
  await recordChunks({
    session,
    Tensor: ort.Tensor as unknown as TensorCtor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids: ids.subarray(0, b + 1),
    chunkSize: 4096,
    kinds: new Set(['h']),
    interventions: list,
    sink: {
      commit: async (r) => {
        const l = r.outputs!.logits.data as Float32Array;
        for (let i = 0; i < r.length; i++) {
          const t = r.start + i;
          if (t < a || t >= b) continue;
          const row = l.subarray(i * V, (i + 1) * V);
          const max = Math.max(...row);
          const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
          losses.push(logZ - row[ids[t + 1]]);
        }
      }
    }
  });
  return losses;
}

async function exportJson(page: Page) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('intervention-results').getByRole('button', { name: 'JSON' }).click()
  ]);
  return JSON.parse(readFileSync((await file.path())!, 'utf8'));
}

test('clamp the string cell mid-document, re-run the window, compare with Node; edges', async ({
  page,
  demo
}) => {
  test.setTimeout(300_000);
  const t0 = 4_000;
  await page.goto(`${demo}&stream=L1.fwd.c&t=${t0}`);
  await openPanel(page, 'Clamp');
  const panel = page.getByRole('region', { name: 'Clamp units and re-run' });
  await expect(panel).toContainText('No units yet');
  await panel.getByRole('combobox').first().selectOption('set');
  await panel.getByRole('spinbutton').first().fill('-3');
  await panel.getByRole('textbox', { name: 'Unit numbers to add' }).fill('192');
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(panel).toContainText('L1.fwd.c unit 192 = -3');
  await panel.getByRole('button', { name: 'Re-run window' }).click();
  const results = page.getByTestId('intervention-results');
  await expect(results).toContainText('starts mid-document, so the model ran from step 0', {
    timeout: 120_000
  });
  await expect(results.getByRole('slider')).toBeVisible();
  await page.screenshot({ path: 'test-results/intervene-1280.png' });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: 'test-results/intervene-1920.png' });
  await page.setViewportSize({ width: 1280, height: 800 });

  const doc = await exportJson(page);
  const [a, b] = doc.window as [number, number];
  expect(a).toBe(t0);
  expect(doc.ran_from).toBe(0);
  expect(doc.traces[0].intervened.every((v: number) => v === -3)).toBe(true);
  // Same model, same intervention, from step 0 in onnxruntime-node: the same losses.
  const list: Intervention[] = [
    { stream: 'L1.fwd.c', units: [192], op: 'set', value: -3, from: a, to: b }
  ];
  const [before, after] = await Promise.all([nodeLosses(a, b, []), nodeLosses(a, b, list)]);
  const steps = doc.steps as { loss_before: number; loss_after: number }[];
  for (let i = 0; i < steps.length; i++) {
    expect(Math.abs(steps[i].loss_before - before[i]), `step ${a + i}`).toBeLessThan(1e-3);
    expect(Math.abs(steps[i].loss_after - after[i]), `step ${a + i}`).toBeLessThan(1e-3);
  }
  expect(steps.some((s) => Math.abs(s.loss_after - s.loss_before) > 0.01)).toBe(true);

  // A value outside the unit's range over the recording: allowed, and marked.
  await panel.getByRole('spinbutton').first().fill('50');
  await panel.getByRole('textbox', { name: 'Unit numbers to add' }).fill('192');
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await panel.getByRole('button', { name: 'Re-run window' }).click();
  await expect(results).toContainText('outside range', { timeout: 60_000 });
  await expect(results).toContainText('the original run reused');

  // A most-affected token jumps the view there.
  await results.getByRole('table').first().getByRole('button').first().click();
  await expect(results.locator('tr.current')).toHaveCount(1);

  // Every unit of the stream at once.
  await panel.getByRole('button', { name: 'Clear' }).click();
  await panel.getByRole('combobox').first().selectOption('zero');
  const all = Array.from({ length: 256 }, (_, u) => u).join(',');
  await panel.getByRole('textbox', { name: 'Unit numbers to add' }).fill(all);
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(panel).toContainText('L1.fwd.c 256 units zero');
  await panel.getByRole('button', { name: 'Re-run window' }).click();
  await expect(results).toContainText('mean Δloss', { timeout: 60_000 });
  const zeroed = await exportJson(page);
  expect(zeroed.interventions[0].units).toHaveLength(256);
  expect(zeroed.traces).toHaveLength(24);
});
