/**
 * Which of the files a user picked make up the LSTMVis project: a folder (paths below the picked
 * folder), several files (bare names), or a zip's entries. The project is the folder that holds
 * lstm.yml nearest the top; its files are named relative to it. Pure code.
 */
import { LstmvisError } from './config';

export interface PickedFile<B> {
  /** the path as picked: "proj/lstm.yml" (a folder or a zip) or "lstm.yml" (files) */
  path: string;
  data: B;
}

export interface PickedProject<B> {
  folder: string;
  /** name relative to the project folder → file */
  files: Map<string, B>;
}

/** Entries that are not part of anyone's project (macOS zip metadata, hidden files). */
const junk = (path: string) => /(^|\/)(__MACOSX|\.DS_Store)(\/|$)/.test(path);

export function pickedProject<B>(picked: PickedFile<B>[], what: string): PickedProject<B> {
  const files = picked
    .map((f) => ({ ...f, path: f.path.replace(/\\/g, '/').replace(/^\/+/, '') }))
    .filter((f) => f.path && !f.path.endsWith('/') && !junk(f.path));
  const ymls = files.filter((f) => f.path === 'lstm.yml' || f.path.endsWith('/lstm.yml'));
  if (!ymls.length)
    throw new LstmvisError(
      `No lstm.yml among ${what}: pick the LSTMVis project folder (the one with lstm.yml), all its files, or a zip of it.`
    );
  const depth = (p: string) => p.split('/').length;
  const top = Math.min(...ymls.map((f) => depth(f.path)));
  const roots = ymls.filter((f) => depth(f.path) === top);
  if (roots.length > 1)
    throw new LstmvisError(
      `Found ${roots.length} projects in ${what} (${roots.map((f) => f.path).join(', ')}): pick one project's folder.`
    );
  const prefix = roots[0].path.slice(0, -'lstm.yml'.length);
  const inside = new Map<string, B>();
  for (const f of files)
    if (f.path.startsWith(prefix)) inside.set(f.path.slice(prefix.length), f.data);
  const folder = prefix.replace(/\/$/, '').split('/').pop() || '';
  return { folder, files: inside };
}
