/**
 * The Space views over an in-memory recording: the projection of a one-unit stream is a 1-D
 * strip that says so (and draws the window's trajectory on it); the saturation view reads out a
 * unit picked with the keys in every gate of its layer and counts the long-memory units.
 */
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../../../tests/helpers/explorerSession';
import { SaturationCounter } from '../../analysis/gateSaturation';
import { runProjection } from '../../query/runProjection';
import ProjectionView from './ProjectionView.svelte';
import SaturationView from './SaturationView.svelte';
import SpacePanel from './SpacePanel.svelte';
import type { ExplorerSession } from './session.svelte';
import { SpaceState } from './space.svelte';

// jsdom lays nothing out: the views' bound sizes stay 0 (their smallest plots).
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

function withSpace(units: number) {
  const opened = openSession(64, units);
  const space = new SpaceState({ kind: 'idb', id: 1 });
  (opened.session as unknown as ExplorerSession).space = space;
  return { ...opened, space };
}

describe('ProjectionView', () => {
  it('a stream of one unit: a 1-D strip, said so, with the window on it', async () => {
    const { session, context, space } = withSpace(1);
    space.projection = (
      await runProjection(session.view.reader, { stream: 'L0.fwd.h', method: 'pca' })
    ).result;
    await session.view.load();
    render(ProjectionView, { context });
    expect(screen.getByRole('note').textContent).toContain(
      'This stream has one unit: its projection is the unit’s own value (centred), a 1-D strip.'
    );
    expect(screen.queryByTestId('explained')).toBeNull();
    expect(screen.getByTestId('projection-note').textContent).toContain(
      'L0.fwd.h · PCA of 64 of 64 steps (seed 1)'
    );
    await new Promise((r) => setTimeout(r, 0));
    await tick();
    const trail = screen.getByTestId('trajectory');
    expect(trail.getAttribute('data-steps')).toBe(String(session.view.data!.steps));
    // Every step of the strip sits on one line.
    const ys = new Set([...trail.getAttribute('d')!.matchAll(/,([\d.]+)/g)].map((m) => m[1]));
    expect(ys.size).toBe(1);
  });

  it('says what to do before anything is projected', () => {
    const { context } = withSpace(4);
    render(ProjectionView, { context });
    expect(
      screen.getByText('Project a stream in the Space tab to see its state space here.')
    ).toBeTruthy();
  });
});

describe('SaturationView', () => {
  it('keys pick a unit: its fractions in every gate of the layer; long-memory count', () => {
    const { context, space } = withSpace(4);
    // Known gates: 4 units × 10 steps; the forget gate of unit 2 is open on 6 steps.
    const gate = (stream: string, value: (t: number, u: number) => number) => {
      const c = new SaturationCounter(stream, 4);
      c.addRows(
        Float32Array.from({ length: 40 }, (_, i) => value(Math.floor(i / 4), i % 4)),
        10
      );
      return c.result();
    };
    space.saturation = {
      source: 'stored',
      steps: 10,
      ms: 1,
      layers: [
        {
          layer: 'L0.fwd',
          op: 'LSTM',
          gates: [
            gate('L0.fwd.i', (t) => (t < 3 ? 0.05 : 0.5)),
            gate('L0.fwd.f', (t, u) => (u === 2 && t < 6 ? 0.95 : 0.5)),
            gate('L0.fwd.o', () => 0.5)
          ]
        }
      ]
    };
    render(SaturationView, { context });
    const f = document.querySelector('svg[data-gate="L0.fwd.f"]')!;
    expect(f.getAttribute('aria-label')).toContain(
      'f · forget gate: 4 units, 1 right-saturated more than half of the steps.'
    );
    for (let i = 0; i < 3; i++) fireEvent.keyDown(f, { key: 'ArrowRight' });
    flushSync();
    const readout = screen.getByTestId('saturation-readout').textContent!;
    expect(readout).toContain('L0.fwd unit 2');
    expect(readout).toContain('i: 0.300 shut · 0.000 open');
    expect(readout).toContain('f: 0.000 shut · 0.600 open');
    expect(document.querySelectorAll('circle.hover')).toHaveLength(3);
  });

  it('the Space tab counts long-memory units per layer and says where the gates came from', () => {
    const { context, space } = withSpace(4);
    const c = new SaturationCounter('L0.fwd.f', 2);
    c.addRows(Float32Array.of(0.95, 0.5, 0.95, 0.5, 0.2, 0.5), 3);
    space.saturation = {
      source: 'recomputed',
      steps: 3,
      ms: 1,
      layers: [{ layer: 'L0.fwd', op: 'LSTM', gates: [c.result()] }]
    };
    render(SpacePanel, { context });
    const summary = screen.getByTestId('saturation-summary');
    expect(summary.textContent).toMatch(
      /L0\.fwd\s+1\s+of 2\s+forget-gate units open > half the time/
    );
    expect(
      within(screen.getByRole('region', { name: 'Gate saturation' })).getByText(
        /Gates recomputed by running the model again/
      )
    ).toBeTruthy();
  });
});
