import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { canvasCalls } from '../../../../tests/helpers/canvas2d';
import type { WindowData } from './explorer.svelte';
import SelectPlot from './SelectPlot.svelte';
import { SelectionState } from './selection.svelte';

const steps = 10;
const units = 3;
const values = Float32Array.from({ length: steps * units }, (_, i) => Math.sin(i * 0.37));
const data: WindowData = {
  stream: 'L0.fwd.h',
  t0: 100,
  steps,
  units,
  values,
  tokens: Array.from({ length: steps }, () => 'a'),
  offsets: new Uint32Array(steps),
  predictions: null,
  // 8-bit h over [-1, 1]: one quantisation step for every unit
  quantum: { units, starts: [100], steps: new Float32Array(units).fill(2 / 255) }
};

function setup() {
  const sel = new SelectionState();
  const onchange = vi.fn();
  const onhover = vi.fn();
  const view = render(SelectPlot, {
    data,
    values,
    cellWidth: 12,
    height: 200,
    sel,
    hoverT: null,
    onhover,
    onchange
  });
  return { sel, onchange, onhover, view };
}

describe('SelectPlot', () => {
  beforeEach(() => {
    canvasCalls.length = 0;
  });

  it('strokes one line per selected unit on top of the density', () => {
    const { sel } = setup();
    expect(canvasCalls.filter((c) => c.method === 'stroke')).toHaveLength(0);
    canvasCalls.length = 0;
    sel.added = [0, 2];
    flushSync();
    expect(canvasCalls.filter((c) => c.method === 'stroke')).toHaveLength(2);
  });

  it('draws the brush and its padding where the selection says', () => {
    const { sel, view } = setup();
    sel.brush = [102, 105];
    sel.padLeft = 1;
    sel.padRight = 2;
    flushSync();
    const brush = view.container.querySelector('rect.brush')!;
    expect([brush.getAttribute('x'), brush.getAttribute('width')]).toEqual(['24', '36']);
    const pads = [...view.container.querySelectorAll('rect.pad')];
    expect(pads.map((p) => [p.getAttribute('x'), p.getAttribute('width')])).toEqual([
      ['12', '12'],
      ['60', '24']
    ]);
  });

  it('moves θ with the arrow keys (1% of the axis) and re-runs the rule', async () => {
    const { sel, onchange } = setup();
    const theta = screen.getByRole('slider', { name: /Threshold θ/ });
    const lo = Number(theta.getAttribute('aria-valuemin'));
    const hi = Number(theta.getAttribute('aria-valuemax'));
    const before = sel.threshold;
    await fireEvent.keyDown(theta, { key: 'ArrowUp' });
    expect(sel.threshold).toBeCloseTo(before + (hi - lo) / 100, 2);
    expect(onchange).toHaveBeenCalledTimes(1);
    await fireEvent.keyDown(theta, { key: 'ArrowDown' });
    expect(sel.threshold).toBeCloseTo(before, 2);
  });
});
