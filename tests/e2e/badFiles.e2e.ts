/**
 * Vocabulary and corpus files the library page must refuse: each gets a message that names the
 * problem, nothing is stored, and the page stays usable (a good file is taken right after).
 */
import { expect, test } from '../helpers/browserTest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const model = join(import.meta.dirname, '../fixtures/rnn/lstm2_tokens_batchfirst/model.onnx');
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

test('bad vocabulary and corpus files are refused with a message and nothing is stored', async ({
  page
}) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page
    .getByLabel('Add model…')
    .first()
    .setInputFiles({
      name: 'lstm2.onnx',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(model)
    });
  await expect(page.getByRole('status')).toContainText('It has no vocabulary');
  const card = page.locator('article[data-model="lstm2.onnx"]');
  const alert = page.getByRole('alert');
  const addVocabulary = (name: string, buffer: Buffer) =>
    card.getByLabel('Add vocabulary…').setInputFiles({ name, mimeType: 'text/plain', buffer });

  const bad: [string, Buffer, string][] = [
    [
      'repeated.txt',
      Buffer.from('a\nb\nc\na\n'),
      'the token "a" appears twice (line 1 and line 4)'
    ],
    ['latin1.txt', Buffer.from('a\nb\né\n', 'latin1'), 'is not UTF-8 text: byte 0xE9'],
    ['wide.txt', utf16('a\nb\n'), '"wide.txt" is UTF-16 text, not UTF-8. Save it as UTF-8'],
    [
      'neg.dict',
      Buffer.from('a 0\nb -1\n'),
      '"neg.dict", line 2: the id "-1" of "b" is not a whole number'
    ],
    ['two.dict', Buffer.from('a 0\nb 1\na 2\n'), 'the token "a" has two ids (0 and 2)']
  ];
  for (const [name, buffer, message] of bad) {
    await addVocabulary(name, buffer);
    await expect(alert).toContainText(message);
    await expect(card).toContainText('No vocabulary in the model');
  }
  await addVocabulary('good.dict', Buffer.from('a 0\nb 1\n 2\nc 3\n'));
  await expect(card).toContainText('vocabulary: 4 char tokens (good.dict)');

  const corpora = page.getByRole('list', { name: 'Corpora' }).locator('li');
  const before = await corpora.count();
  const addCorpus = (name: string, buffer: Buffer) =>
    page.getByLabel('Add corpus…').setInputFiles({ name, mimeType: 'text/plain', buffer });
  await addCorpus('wide.c', utf16('int x = 1;\n'));
  await expect(alert).toContainText('"wide.c" is UTF-16 text, not UTF-8');
  await addCorpus('blank.c', Buffer.from(' \n\t\n'));
  await expect(alert).toContainText('"blank.c" holds only whitespace');
  await expect(corpora).toHaveCount(before);
  await addCorpus('fine.c', Buffer.from('int x = 1;\n'));
  await expect(page.getByRole('status')).toContainText('Added corpus "fine.c"');
  await expect(corpora).toHaveCount(before + 1);
});
