/**
 * Every bad LSTMVis project the import refuses, each with its one precise message (the file,
 * the key or dataset, what is wrong, what to do), and what it only warns about. Each case is a
 * copy of the h5py-made fixture with one thing broken (files from tests/fixtures/lstmvis/bad).
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badFile, openDir, projectCopy } from '../helpers/lstmvisFixture';

/** A copy of words/ with `edit` applied; what opening it throws. */
async function refusal(edit: (dir: string) => void): Promise<string> {
  const dir = projectCopy('words');
  edit(dir);
  try {
    (await openDir(dir)).close();
  } catch (e) {
    expect((e as Error).name).toBe('LstmvisError');
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('The import accepted a bad project.');
}

const editYml = (dir: string, from: string | RegExp, to: string) => {
  const path = join(dir, 'lstm.yml');
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
};

describe('LSTMVis import: bad input', () => {
  it('a yml that is not YAML', async () => {
    expect(
      await refusal((d) => editYml(d, 'states:\n  file: states', 'states: [\n  file: states'))
    ).toMatch(/^lstm\.yml is not YAML: .+ at line \d+, column \d+\.$/);
  });

  it('a yml that is YAML but not a mapping of sections', async () => {
    expect(await refusal((d) => writeFileSync(join(d, 'lstm.yml'), '- states.hdf5\n'))).toBe(
      'lstm.yml holds a list, not the mapping of sections LSTMVis reads (files, word_sequence, states).'
    );
  });

  it('a ref that files does not define', async () => {
    expect(await refusal((d) => editYml(d, 'file: states\n', 'file: state_file\n'))).toBe(
      'lstm.yml: states.file is "state_file", but files has no ref "state_file" (its refs: states, train, words, pos, pos_dict, meta).'
    );
  });

  it('a file that is not in the folder', async () => {
    expect(await refusal((d) => rmSync(join(d, 'pos.dict')))).toBe(
      'lstm.yml: files.pos_dict is "pos.dict", which is not in the project folder (it holds: lstm.yml, meta.hdf5, pos.hdf5, states.hdf5, train.dict, train.hdf5).'
    );
  });

  it('a dataset path the file does not have', async () => {
    expect(await refusal((d) => editYml(d, 'path: states2}', 'path: states3}'))).toBe(
      'states.hdf5 has no dataset "states3" (states.types[2]); it has: output1, output2, states1, states2.'
    );
  });

  it('a dictionary ref that names an HDF5 file', async () => {
    expect(await refusal((d) => editYml(d, 'dict_file: words', 'dict_file: train'))).toMatch(
      /^lstm\.yml: word_sequence\.dict_file is "train", which names train\.hdf5: a dictionary ref must name a \.dict or \.txt file/
    );
  });

  it('HDF5 that is corrupt: truncated, or not HDF5 at all', async () => {
    const truncated = await refusal((d) =>
      copyFileSync(badFile('states_truncated.hdf5'), join(d, 'states.hdf5'))
    );
    expect(truncated).toMatch(
      /^states\.hdf5 is not a readable HDF5 file \(truncated file: eof = \d+, .*\): it is corrupt or not HDF5\. Write it again with h5py\.$/
    );
    const garbage = await refusal((d) =>
      copyFileSync(badFile('states_garbage.hdf5'), join(d, 'states.hdf5'))
    );
    expect(garbage).toBe(
      'states.hdf5 is not a readable HDF5 file (file signature not found): it is corrupt or not HDF5. Write it again with h5py.'
    );
  });

  it('states longer than the word sequence', async () => {
    expect(
      await refusal((d) => copyFileSync(badFile('states_longer.hdf5'), join(d, 'states.hdf5')))
    ).toBe(
      'states.hdf5:/states1 (states.types[0]) has 159 rows but the word sequence train.hdf5:/word_ids has 154 tokens: the states are longer than the word sequence. Row t of each must be token t; write both from the same run.'
    );
  });

  it('datasets of different lengths', async () => {
    expect(
      await refusal((d) => copyFileSync(badFile('states_shorter.hdf5'), join(d, 'states.hdf5')))
    ).toBe(
      'Datasets of different lengths: train.hdf5:/word_ids has 154 tokens but states.hdf5:/output2 (states.types[3]) has 151 rows. Row t of every dataset must be token t (LSTMVis would silently misalign them); write them from the same run.'
    );
  });

  it('a state dataset that is not 2-D', async () => {
    expect(
      await refusal((d) => copyFileSync(badFile('states_3d.hdf5'), join(d, 'states.hdf5')))
    ).toBe(
      'states.hdf5:/states2 (states.types[2]) has shape [154, 2, 3]: a state dataset must be 2-D [tokens, cells].'
    );
  });

  it('a word id absent from the dict', async () => {
    expect(
      await refusal((d) => copyFileSync(badFile('train_unknown_id.hdf5'), join(d, 'train.hdf5')))
    ).toBe(
      'train.hdf5:/word_ids: token 42 has id 999, which train.dict does not have (its 20 ids run 1…20). Every id of the word sequence must be in the dict.'
    );
  });

  it('a dict with duplicate ids', async () => {
    expect(
      await refusal((d) => copyFileSync(badFile('train_duplicate_ids.dict'), join(d, 'train.dict')))
    ).toBe(
      'train.dict, lines 5 and 21: id 5 is given to "a" and to "zebu". Give each id one token (LSTMVis would silently keep the last).'
    );
  });

  it('a meta track of another length', async () => {
    expect(await refusal((d) => editYml(d, 'path: surprise', 'path: freq'))).toBe(
      'Datasets of different lengths: meta.hdf5:/freq (meta.surprise) has 21 values but the word sequence has 154 tokens. Row t of every dataset must be token t (LSTMVis would silently misalign them); write them from the same run.'
    );
  });

  it('unknown keys are warnings, not refusals', async () => {
    const dir = projectCopy('words');
    editYml(dir, 'name: toy sentences', 'name: toy sentences\nauthor: me');
    editYml(
      dir,
      '{type: state, layer: 1, path: states1}',
      '{type: state, layer: 1, path: states1, hue: 3}'
    );
    const p = await openDir(dir);
    p.close();
    expect(p.warnings).toContain(
      'lstm.yml: unknown key "author" (LSTMVis ignores it; so does this import).'
    );
    expect(p.warnings).toContain(
      'lstm.yml: unknown key "states.types[0].hue" (LSTMVis ignores it; so does this import).'
    );
    expect(p.streams).toHaveLength(4);
  });
});
