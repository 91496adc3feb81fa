/** Number and size formats used across the views. */
import { format } from 'd3';

export const fmtInt = format(',d');
export const fmtRate = (tokensPerSecond: number) => `${format(',.0f')(tokensPerSecond)} tokens/s`;

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 1) return '<1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 90 ? `${m} min ${Math.round(seconds - m * 60)} s` : `${(seconds / 3600).toFixed(1)} h`;
}

/** Whitespace made visible, for token strips and the inspector. */
export function visibleToken(s: string): string {
  if (s === ' ') return '·';
  if (s === '\n') return '↵';
  if (s === '\t') return '⇥';
  if (s === '\r') return '␍';
  return s.replace(/ /g, '·').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
