/**
 * Models the library refuses: onnxruntime-web's own error (opset or IR too new, a custom-domain
 * operator) is explained in one line with its raw text folded below, a model with several integer
 * inputs is told how its token input is named; nothing is stored and the page stays usable.
 * Fixtures: tests/fixtures/badmodels (make.ts).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, '../fixtures');

async function addModel(page: Page, name: string, path: string) {
  await page
    .getByLabel('Add model…')
    .first()
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path) });
}

const models = (page: Page) => page.getByRole('list', { name: 'Models' }).locator('article');

test('a model onnxruntime-web cannot load: one line says why, its message is folded, nothing is stored', async ({
  page
}) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await expect(models(page)).toHaveCount(1);
  for (const [name, line, raw] of [
    [
      'opset-too-new',
      '"opset-too-new.onnx" was not added. This model needs opset 27 of ai.onnx; onnxruntime-web 1.30.0 supports up to opset 26. Re-export it with opset_version=26 or lower',
      /Opset 27 is under development/
    ],
    [
      'ir-too-new',
      '"ir-too-new.onnx" was not added. This model needs ONNX IR version 14; onnxruntime-web 1.30.0 supports up to IR version 13.',
      /Unsupported model IR version: 14, max supported IR version: 13/
    ],
    [
      'custom-op',
      '"custom-op.onnx" was not added. This model uses the operator Scale of the custom domain com.example, which onnxruntime-web 1.30.0 does not have',
      /com\.example:Scale\(-1\) is not a registered function\/op/
    ]
  ] as const) {
    await addModel(page, `${name}.onnx`, join(fixtures, 'badmodels', `${name}.onnx`));
    const alert = page.getByRole('alert');
    await expect(alert.locator('p')).toContainText(line);
    await expect(alert.locator('p')).not.toContainText(raw);
    // onnxruntime's own text is there, folded until asked for.
    const details = alert.locator('details');
    await expect(details.locator('summary')).toHaveText("onnxruntime's message");
    await expect(details.locator('pre')).toBeHidden();
    await details.locator('summary').click();
    await expect(details.locator('pre')).toBeVisible();
    await expect(details.locator('pre')).toContainText(raw);
    await expect(models(page)).toHaveCount(1);
  }

  // Still usable: a model it can run is added next.
  await addModel(page, 'lstm2.onnx', join(fixtures, 'rnn/lstm2_tokens_batchfirst/model.onnx'));
  await expect(page.getByRole('status')).toContainText('Added model "lstm2.onnx"');
  await expect(models(page)).toHaveCount(2);
});

test('a model with several integer inputs: names them and says cellscope.input picks the token input', async ({
  page
}) => {
  await page.goto('/');
  await expect(models(page)).toHaveCount(1);
  await addModel(page, 'two.onnx', join(fixtures, 'badmodels/two-int-inputs.onnx'));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(
    '"two.onnx" has 2 integer inputs, tokens (int64 [batch, seq]) and lengths (int64 [batch]), and nothing says which one takes the token ids: the model\'s cellscope.input metadata key names it'
  );
  await expect(alert.locator('details')).toHaveCount(0);
  await expect(models(page)).toHaveCount(1);
});
