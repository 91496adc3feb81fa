import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../../../tests/helpers/explorerSession';
import { rankAllUnits } from '../../query/rankAll';
import RankPanel from './RankPanel.svelte';
import RankResults from './RankResults.svelte';
import type { ShownTrack } from './tracks.svelte';

const digitTrack: ShownTrack = {
  key: 'class',
  name: 'character class',
  kind: 'categorical',
  categories: ['letter', 'digit'],
  values: new Float32Array(64),
  lo: 0,
  hi: 1
};

describe('RankPanel', () => {
  it('says what to do while no track is shown', () => {
    const { context } = openSession();
    render(RankPanel, { context });
    const panel = screen.getByRole('region', { name: 'Rank units by a track' });
    expect(panel.textContent).toMatch(/Show a track first/);
    expect(within(panel).queryByRole('button', { name: 'Rank all units' })).toBeNull();
  });

  it('offers the categories of a categorical track and the metrics, and is blocked while a match runs', () => {
    const { session, context } = openSession();
    session.tracks.shown = [digitTrack];
    render(RankPanel, { context });
    const category = screen.getByRole('combobox', { name: 'Category' }) as HTMLSelectElement;
    expect([...category.options].map((o) => o.textContent)).toEqual(['is letter', 'is digit']);
    const metric = screen.getByRole('combobox', { name: 'Metric' }) as HTMLSelectElement;
    expect([...metric.options].map((o) => o.value)).toEqual(['auto', 'auc', 'pearson', 'spearman']);
    const rank = screen.getByRole('button', { name: 'Rank all units' }) as HTMLButtonElement;
    expect(rank.disabled).toBe(false);
    session.match.running = true;
    flushSync();
    expect(rank.disabled).toBe(true);
    expect(rank.title).toBe('A match is running.');
  });
});

describe('RankResults', () => {
  /** A real ranking of the session's recording: unit 3 follows the track's sign. */
  async function ranked(withTwin = false) {
    const opened = openSession(64, 8);
    const { session } = opened;
    const values = Float32Array.from({ length: 64 }, (_, t) => (Math.sin(t * 0.4) > 0.5 ? 1 : 0));
    const report = await rankAllUnits(session.view.reader, values, { name: 'sine above ½' });
    const rank = session.ranking as unknown as { kept: unknown[]; shownId: number | null };
    // The "twin": the same track ranked on another recording (here: the track reversed in time).
    const twin = withTwin
      ? await rankAllUnits(session.view.reader, values.slice().reverse(), { name: 'sine above ½' })
      : null;
    rank.kept = [{ id: 7, label: 'sine above ½', createdAt: 0, report, twin }];
    rank.shownId = 7;
    return { ...opened, report, twin };
  }

  it('shows every unit best first with held-out scores, the chance baseline and the warnings', async () => {
    const { context, report } = await ranked();
    render(RankResults, { context });
    const rows = within(screen.getByTestId('rank-table')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(8);
    const firstCells = [...rows[0].querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(firstCells[1]).toBe(String(report.units[0].unit));
    expect(firstCells[2]).toBe(report.units[0].score!.toFixed(3));
    expect(screen.getByTestId('rank-chance').textContent).toContain(report.chance.best!.toFixed(3));
    // 64 steps is short, and one document: both are said, not hidden.
    expect(screen.getByRole('status').textContent).toMatch(/Short recording/);
    expect(screen.getByRole('status').textContent).toMatch(/One document only/);
  });

  it("shows the untrained twin's best, held-out and chance figures beside the model's", async () => {
    const { context, twin } = await ranked(true);
    render(RankResults, { context });
    const line = screen.getByTestId('rank-twin').textContent!;
    expect(line).toContain(`best ${twin!.units[0].score!.toFixed(3)}`);
    expect(line).toContain(`chance ${twin!.chance.best!.toFixed(3)}`);
  });

  it('sorts by a column when its header is clicked, and selects a unit', async () => {
    const { session, context } = await ranked();
    render(RankResults, { context });
    await fireEvent.click(screen.getByRole('button', { name: 'unit' }));
    const units = () =>
      within(screen.getByTestId('rank-table'))
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.querySelectorAll('td')[1].textContent);
    expect(units()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    await fireEvent.click(screen.getByRole('button', { name: 'unit ▴' }));
    expect(units()[0]).toBe('7');
    const row = within(screen.getByTestId('rank-table')).getAllByRole('row')[1];
    await fireEvent.click(within(row).getByRole('button', { name: 'select' }));
    expect(session.sel.units).toEqual([7]);
  });
});
