import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../../../tests/helpers/explorerSession';
import { rankByCorrelation } from '../../analysis/unitRanking';
import RankPanel from './RankPanel.svelte';
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
    expect(panel.textContent).toMatch(/Show a track above/);
    expect(within(panel).queryByRole('button', { name: 'Rank units' })).toBeNull();
  });

  it('offers the categories of a categorical track, and is blocked while a match runs', () => {
    const { session, context } = openSession();
    session.tracks.shown = [digitTrack];
    render(RankPanel, { context });
    const category = screen.getByRole('combobox', { name: 'Category' }) as HTMLSelectElement;
    expect([...category.options].map((o) => o.textContent)).toEqual(['is letter', 'is digit']);
    const rank = screen.getByRole('button', { name: 'Rank units' }) as HTMLButtonElement;
    expect(rank.disabled).toBe(false);
    session.match.running = true;
    flushSync();
    expect(rank.disabled).toBe(true);
    expect(rank.title).toBe('A match is running.');
  });

  it('lists the ranking by |r| with signs, and selects a unit into the select view', async () => {
    const { session, context } = openSession();
    session.tracks.shown = [digitTrack];
    const r = Float64Array.from([0.1, -0.7, 0.3, NaN, 0.65, 0, -0.2, 0.05]);
    session.ranking.result = {
      stream: 'L0.fwd.h',
      label: 'character class is digit',
      ranked: rankByCorrelation(r),
      r,
      steps: 64
    };
    render(RankPanel, { context });
    const rows = within(screen.getByTestId('rank-table')).getAllByRole('row').slice(1);
    const cells = rows.map((row) => [...row.querySelectorAll('td')].slice(0, 2));
    expect(cells.slice(0, 3).map(([u, v]) => `${u.textContent} ${v.textContent}`)).toEqual([
      '1 −0.700',
      '4 +0.650',
      '2 +0.300'
    ]);
    // A unit whose r is undefined (constant) is not ranked.
    expect(cells.some(([u]) => u.textContent === '3')).toBe(false);
    const select = within(rows[0]).getByRole('button', { name: 'select' });
    await fireEvent.click(select);
    expect(session.sel.units).toEqual([1]);
    expect(select.getAttribute('aria-pressed')).toBe('true');
  });
});
