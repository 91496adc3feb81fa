import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { topUnitsByMagnitude } from '../../analysis/topUnits';
import { divergingScale } from '../colour';
import Inspector from './Inspector.svelte';

const row = Float32Array.from([0.1, -0.9, 0.5, 0.95, -0.2, 0.0]);
const props = () => ({
  t: 1234,
  token: '<b>"',
  position: { line: 3, col: 7 },
  document: null,
  stream: 'L1.fwd.h',
  top: topUnitsByMagnitude(row, 4),
  units: row.length,
  scale: divergingScale(1),
  selected: [2, 3],
  row,
  predictions: { loss: 0.8765, top: [{ token: '\n', p: 0.61 }] },
  onhoverunit: vi.fn()
});

describe('Inspector', () => {
  it('says what to do before anything is hovered', () => {
    render(Inspector, { ...props(), t: null });
    expect(screen.getByRole('complementary', { name: 'Inspector' }).textContent).toMatch(
      /Hover a token/
    );
  });

  it('lists the top units by |value|, marks selected ones, and shows the token as text', () => {
    render(Inspector, props());
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.dataset.unit)).toEqual(['3', '1', '2', '4']);
    expect(rows[0].classList.contains('picked')).toBe(true);
    expect(rows[1].classList.contains('picked')).toBe(false);
    // User text is data: the token's markup is shown, never parsed.
    expect(screen.getByTestId('inspector-token').textContent).toBe('<b>"');
    expect(screen.getByTestId('inspector-token').querySelector('b')).toBeNull();
    // Selected units with their values, highest first.
    expect(screen.getByTestId('selected-values').textContent).toMatch(/^3: .*2: /);
    expect(within(screen.getByTestId('predictions')).getByText(/61%/)).toBeTruthy();
    expect(screen.getByText(/loss 0\.88 nats/)).toBeTruthy();
  });

  it('a classifier: every class by its name as written, with its probability, no loss', () => {
    const top = [
      { token: 'Gospels & Acts', p: 0.64 },
      { token: 'Law', p: 0.3 },
      { token: '<i>x</i>', p: 0.06 },
      { token: 'Poetry', p: 0.0002 }
    ];
    render(Inspector, { ...props(), classifier: true, predictions: { loss: NaN, top } });
    const table = screen.getByTestId('predictions');
    const rows = within(table).getAllByRole('row');
    const cells = (r: HTMLElement) =>
      [...r.querySelectorAll('td')].map((c) => c.textContent!.trim()).join('|');
    expect(rows.map(cells)).toEqual([
      'Gospels & Acts||64%',
      'Law||30%',
      '<i>x</i>||6.0%',
      // a probability that rounds to 0.0% is not shown as 0
      'Poetry||<0.1%'
    ]);
    expect(table.querySelector('i')).toBeNull();
    expect(screen.getByText(/Class probabilities/)).toBeTruthy();
    expect(screen.queryByText(/nats/)).toBeNull();
  });

  it('hovering a unit row reports it (to highlight it in the heatmap)', async () => {
    const p = props();
    render(Inspector, p);
    const first = screen.getAllByRole('row')[1];
    await fireEvent.mouseEnter(first);
    expect(p.onhoverunit).toHaveBeenLastCalledWith(3);
    await fireEvent.mouseLeave(first);
    expect(p.onhoverunit).toHaveBeenLastCalledWith(null);
  });
});
