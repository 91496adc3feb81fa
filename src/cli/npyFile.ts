/** Write a float32 .npy of known shape to disk block by block, so memory stays flat. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { npyHeader } from '../lib/export/npy';

export class NpyFileWriter {
  private fd: number;
  private written = 0;

  constructor(
    readonly path: string,
    readonly shape: number[]
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, npyHeader('<f4', shape));
  }

  append(rows: Float32Array): void {
    writeSync(this.fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    this.written += rows.length;
  }

  close(): void {
    closeSync(this.fd);
    const expected = this.shape.reduce((a, b) => a * b, 1);
    if (this.written !== expected)
      throw new Error(`${this.path}: wrote ${this.written} values, expected ${expected}.`);
  }
}
