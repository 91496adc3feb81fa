/**
 * The unit page's results as the user reads them, on data computed by the real query over an
 * in-memory recording: a unit's contexts (a click shows the step), a constant unit, a recording
 * that is not finished, and the empty track-score slot.
 */
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { runUnitProfile } from '../../query/runUnitProfile';
import { memoryRecording } from '../../store/memoryRecording';
import { RecordingReader } from '../../store/reader';
import { divergingScale } from '../colour';
import UnitBody from './UnitBody.svelte';
import { UnitPageState } from './unitPage.svelte';

// jsdom has no layout: bind:clientWidth's observer never reports (the histograms keep their default width).
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const [T, U] = [6000, 4];
const text = 'abcdefghij'.repeat(T / 10);

async function resultOf(unit: number, o: { status?: 'recording'; chunksDone?: number } = {}) {
  const { source, recording } = memoryRecording({
    steps: T,
    units: U,
    chunkSize: 2048,
    stream: 'L0.fwd.h',
    ...o,
    // unit 0: constant; the others wave
    chunkValues: (_c, start, rows) =>
      Float32Array.from({ length: rows * U }, (_, i) => {
        const [t, u] = [start + Math.floor(i / U), i % U];
        return u === 0 ? 0.25 : Math.sin(t / (7 + u)) * 0.9;
      })
  });
  // One character per token: token t is text[t], id its letter.
  const tokens = async (c: number) => {
    const n = Math.min(2048, T - c * 2048);
    const offsets = Uint32Array.from({ length: n }, (_, i) => c * 2048 + i);
    return { ids: Int32Array.from(offsets, (t) => t % 10), offsets };
  };
  const reader = new RecordingReader({ ...source, tokens }, recording);
  return runUnitProfile(reader, 'L0.fwd.h', unit);
}

function show(result: Awaited<ReturnType<typeof resultOf>>, onopen = vi.fn()) {
  const page = new UnitPageState(
    { stream: result.stream, unit: result.unit },
    { kind: 'idb', id: 1 }
  );
  render(UnitBody, {
    result,
    page,
    text,
    scale: divergingScale(1),
    labelOf: (id: number) => 'abcdefghij'[id],
    recording: 'memory',
    onopen
  });
  return onopen;
}

describe('UnitBody', () => {
  it('shows the statistics and contexts; a context shows its step in the explorer', async () => {
    const res = await resultOf(2);
    const onopen = show(res);
    expect(screen.getByTestId('unit-stats').textContent).toMatch(/mean −?0\.\d{3} · sd 0\.\d{3}/);
    const top = within(screen.getByTestId('top-contexts')).getAllByRole('button');
    expect(top).toHaveLength(10);
    await fireEvent.click(top[0]);
    expect(onopen).toHaveBeenCalledWith(res.profile.top[0].t);
    // The step's token is outlined and its text is the corpus text at that step.
    const peak = top[0].querySelector('.peak')!;
    expect(peak.textContent).toBe(text[res.profile.top[0].t]);
    // Token responses: ten letters, each seen 600 times.
    expect(within(screen.getByTestId('tokens-up')).getAllByRole('row').length).toBeGreaterThan(1);
    expect(screen.getByTestId('track-scores-empty').textContent).toMatch(/once the track ranking/);
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('a constant unit says so instead of drawing empty histograms', async () => {
    show(await resultOf(0));
    expect(screen.getByTestId('unit-stats').textContent).toMatch(
      /This unit is constant: 0\.\d{3} at all 6,000 steps/
    );
    expect(screen.queryByTestId('top-contexts')).toBeNull();
    expect(screen.queryByTestId('histogram-overall')).toBeNull();
  });

  it('a recording still being made: the page covers what is recorded, and says so', async () => {
    show(await resultOf(1, { status: 'recording', chunksDone: 1 }));
    expect(screen.getByRole('note').textContent).toMatch(
      /"memory" is not finished: this page covers its first 2,048 of 6,000 tokens/
    );
  });
});
