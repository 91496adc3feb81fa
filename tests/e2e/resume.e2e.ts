/**
 * A recording stopped by Cancel, and then by a closed tab, resumes each time from its last
 * committed chunk; never complete until it is, and once finished bit-identical to an
 * uninterrupted recording of the same demo (the one tests/helpers/browserTest.ts records through
 * the library, with the same options as the demo button: kinds h,c, the default chunk size).
 */
import { expect, test } from '../helpers/browserTest';
import { recordings, storedDigests } from '../helpers/idb';

test('cancel, reload, resume; close the tab, reopen, resume: identical to an uninterrupted recording', async ({
  context,
  demoProfiles
}) => {
  test.setTimeout(300_000);
  let page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Record the demo' }).click();
  // Cancelled in the first part, so that the resumed run has chunks left to be interrupted in.
  await expect(page.getByRole('progressbar', { name: 'Recording progress' })).toHaveAttribute(
    'aria-valuenow',
    /^([1-9]|[1-3]\d)$/
  );
  await page.getByRole('button', { name: 'Cancel' }).click();
  let item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'paused');
  await expect(item).toContainText(/stopped at \d+%/);
  await expect(item.getByRole('link', { name: 'Open' })).toHaveCount(0);
  const [cancelled] = await recordings(page);
  expect(cancelled.status).toBe('paused');
  expect(cancelled.chunksDone).toBeGreaterThan(0);
  expect(cancelled.chunksDone).toBeLessThan(cancelled.chunks);

  // A reload in the middle does not turn it into a complete recording either.
  await page.reload();
  await expect(item).toHaveAttribute('data-status', 'paused');
  await item.getByRole('button', { name: 'Resume' }).click();
  // At least one more chunk committed (commits trail the progress bar by one chunk), then the
  // tab goes, its recording worker with it.
  await expect
    .poll(async () => (await recordings(page))[0].chunksDone)
    .toBeGreaterThan(cancelled.chunksDone);
  await page.close();

  page = await context.newPage();
  await page.goto('/');
  item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'paused');
  const [stopped] = await recordings(page);
  expect(stopped.chunksDone).toBeGreaterThan(cancelled.chunksDone);
  expect(stopped.chunksDone).toBeLessThan(stopped.chunks);
  await item.getByRole('button', { name: 'Resume' }).click();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 150_000 });
  const [done] = await recordings(page);
  expect(done.chunksDone).toBe(done.chunks);
  const resumed = await storedDigests(page, done.id);

  // The same demo recorded without interruption, in a profile of its own.
  const { context: other, href } = await demoProfiles.open('h,c');
  const otherPage = await other.newPage();
  await otherPage.goto('/');
  const whole = await storedDigests(
    otherPage,
    Number(new URL(href, 'http://x').searchParams.get('rec'))
  );
  await other.close();
  expect(Object.keys(resumed.tiles).length).toBeGreaterThan(0);
  expect(Object.keys(resumed.tokens)).toHaveLength(stopped.chunks);
  expect(resumed).toEqual(whole);
});
