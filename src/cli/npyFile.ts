/**
 * Write a float32 .npy of known shape to disk block by block, so memory stays flat: rows appended
 * in order, or placed at their index (documents recorded side by side arrive interleaved).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { npyHeader } from '../lib/export/npy';

export class NpyFileWriter {
  private fd: number;
  private readonly headerBytes: number;
  private written = 0;

  constructor(
    readonly path: string,
    readonly shape: number[]
  ) {
    this.fd = openSync(path, 'w');
    const header = npyHeader('<f4', shape);
    this.headerBytes = header.byteLength;
    writeSync(this.fd, header);
  }

  append(rows: Float32Array): void {
    writeSync(this.fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    this.written += rows.length;
  }

  /** Values placed from flat index `at` on (row-major; a positional write, the file offset kept). */
  writeAt(at: number, values: Float32Array): void {
    const expected = this.shape.reduce((a, b) => a * b, 1);
    if (at < 0 || at + values.length > expected)
      throw new Error(`${this.path}: values ${at}–${at + values.length} lie outside ${expected}.`);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    writeSync(this.fd, bytes, 0, bytes.byteLength, this.headerBytes + at * 4);
    this.written += values.length;
  }

  close(): void {
    closeSync(this.fd);
    const expected = this.shape.reduce((a, b) => a * b, 1);
    if (this.written !== expected)
      throw new Error(`${this.path}: wrote ${this.written} values, expected ${expected}.`);
  }
}
