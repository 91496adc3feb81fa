import { describe, expect, it } from 'vitest';
import { pickedProject } from './pick';

const files = (...paths: string[]) => paths.map((path) => ({ path, data: path }));

describe('the project among picked files', () => {
  it('takes a folder, bare files, or a zip with the project one folder down', () => {
    const folder = pickedProject(files('proj/lstm.yml', 'proj/s.h5', 'proj/sub/w.dict'), 'x');
    expect(folder.folder).toBe('proj');
    expect([...folder.files.keys()]).toEqual(['lstm.yml', 's.h5', 'sub/w.dict']);
    const bare = pickedProject(files('lstm.yml', 's.h5'), 'x');
    expect(bare.folder).toBe('');
    expect([...bare.files.keys()]).toEqual(['lstm.yml', 's.h5']);
    const zip = pickedProject(
      files('__MACOSX/proj/._lstm.yml', 'proj/', 'proj/lstm.yml', 'proj/.DS_Store', 'other.txt'),
      'p.zip'
    );
    expect([...zip.files.keys()]).toEqual(['lstm.yml']);
  });

  it('uses the top project when projects nest, and refuses two side by side or none', () => {
    expect(pickedProject(files('a/lstm.yml', 'a/b/lstm.yml'), 'x').folder).toBe('a');
    expect(() => pickedProject(files('a/lstm.yml', 'b/lstm.yml'), 'data.zip')).toThrow(
      "Found 2 projects in data.zip (a/lstm.yml, b/lstm.yml): pick one project's folder."
    );
    expect(() => pickedProject(files('s.h5', 'w.dict'), 'the 2 files picked')).toThrow(
      'No lstm.yml among the 2 files picked: pick the LSTMVis project folder (the one with lstm.yml), all its files, or a zip of it.'
    );
  });
});
