/**
 * The record command's output directories (--out, --zarr): checked before anything is made, created
 * only when the run starts writing, and removed again when the run fails.
 *
 * - A new directory is created (with its missing parents); an existing empty one is used.
 * - An existing non-empty one is refused unless --force. With --force, --out keeps its other files
 *   but loses the previous recording (manifest.json and the files it lists: streams, outputs,
 *   corpus); a --zarr directory must be a Zarr store, which is replaced whole.
 * - A file, or a path under a file, is refused.
 * - When a run fails after it started writing: a directory the run created is removed with
 *   everything in it; in a directory that was there before, what the run added is removed.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError } from './inputFiles';

export type OutputKind = 'recording' | 'zarr';

/** What is at a path, or null when nothing is (also when a part of the path is a file). */
export function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new InputError(`Cannot look at ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
}

const isZarrStore = (dir: string) =>
  existsSync(join(dir, 'zarr.json')) || existsSync(join(dir, '.zgroup'));

const isInside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r !== '' && !r.startsWith('..') && resolve(parent, r) === child;
};

export class OutputDir {
  readonly path: string;
  /** The first directory this run created (the outermost of those it made), if any. */
  private created: string | null = null;
  /** What an existing directory held when the run started writing. */
  private before = new Set<string>();
  /** An existing directory that held files, replaced under --force. */
  readonly replaces: boolean;
  private readonly existed: boolean;
  private started = false;
  /** The directories to make, outermost first (mkdir -p by hand: Node's loops on some paths). */
  private readonly missing: string[] = [];

  /** Check `given` (as the user typed it, for messages) without changing anything on disk. */
  constructor(
    readonly given: string,
    readonly flag: string,
    readonly kind: OutputKind,
    readonly force: boolean
  ) {
    this.path = resolve(given);
    const what = `${flag} ${given}`;
    const stat = statOrNull(this.path);
    if (stat && !stat.isDirectory()) {
      throw new InputError(
        `${what} is a file, not a directory. Give a directory (a new one is made).`
      );
    }
    if (stat) {
      const entries = readdirSync(this.path);
      this.existed = true;
      this.replaces = entries.length > 0;
      if (this.replaces && !force) {
        throw new InputError(
          `${what} already holds ${entries.length} file(s). Give a new or empty directory, or add ` +
            '--force to replace the recording in it.'
        );
      }
      if (this.replaces && kind === 'zarr' && !isZarrStore(this.path)) {
        throw new InputError(
          `${what} holds files but no Zarr store, and --force replaces only a Zarr store. Give a new ` +
            'or empty directory.'
        );
      }
      this.checkWritable(this.path, `${what} is not writable.`);
      return;
    }
    this.existed = false;
    this.replaces = false;
    // The nearest existing ancestor must be a writable directory.
    this.missing.push(this.path);
    let up = dirname(this.path);
    for (;;) {
      const s = statOrNull(up);
      if (s && !s.isDirectory()) {
        throw new InputError(`${what} is under ${up}, which is a file. Give a directory path.`);
      }
      if (s) break;
      this.missing.unshift(up);
      up = dirname(up);
    }
    this.checkWritable(up, `Cannot make ${what}: ${up} is not writable.`);
  }

  private checkWritable(dir: string, message: string): void {
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new InputError(message);
    }
  }

  /** Refuse two output directories that are the same, or a recording inside the Zarr store. */
  static checkApart(out: OutputDir, zarr: OutputDir): void {
    if (out.path === zarr.path) {
      throw new InputError('--out and --zarr must be different directories.');
    }
    if (isInside(out.path, zarr.path)) {
      throw new InputError('--out cannot be inside the --zarr store; put them side by side.');
    }
  }

  /** Make the directory (or, under --force, clear the previous recording) to start writing. */
  create(): void {
    this.started = true;
    if (!this.existed) {
      for (const dir of this.missing) {
        try {
          mkdirSync(dir);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // A parent the other output directory made (--out new/npy --zarr new/rec.zarr).
          if (code === 'EEXIST' && statOrNull(dir)?.isDirectory()) continue;
          throw new InputError(
            `Cannot make ${this.flag} ${this.given}: mkdir ${dir} failed (${code ?? e}).`
          );
        }
        this.created ??= dir;
      }
      return;
    }
    if (this.replaces && this.kind === 'zarr') {
      rmSync(this.path, { recursive: true, force: true });
      mkdirSync(this.path);
    } else if (this.replaces) {
      this.removePreviousRecording();
    }
    this.before = new Set(readdirSync(this.path));
  }

  /** The files an earlier manifest.json lists (by bare name), and the manifest itself. */
  private removePreviousRecording(): void {
    const manifest = join(this.path, 'manifest.json');
    if (!existsSync(manifest)) return;
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as {
        streams?: { file?: unknown }[];
        outputs?: { file?: unknown }[];
        corpus?: Record<string, unknown>;
      };
      const files = [...(m.streams ?? []), ...(m.outputs ?? [])].map((f) => f?.file);
      files.push(...Object.values(m.corpus ?? {})); // the corpus text, token ids and offsets
      for (const f of files) {
        if (typeof f === 'string' && f === basename(f) && /\.(npy|txt)$/.test(f))
          rmSync(join(this.path, f), { force: true });
      }
    } catch {
      // Not a manifest we can read: it is replaced, the other files are left alone.
    }
    rmSync(manifest, { force: true });
  }

  /** Undo what the run wrote; says what was removed, for the error message. */
  remove(): string {
    if (!this.started) return '';
    if (this.created) {
      rmSync(this.created, { recursive: true, force: true });
      return `removed ${this.created === this.path ? this.given : this.created}`;
    }
    if (!existsSync(this.path)) return '';
    for (const e of readdirSync(this.path)) {
      if (!this.before.has(e)) rmSync(join(this.path, e), { recursive: true, force: true });
    }
    return `removed what it wrote in ${this.given}`;
  }
}
