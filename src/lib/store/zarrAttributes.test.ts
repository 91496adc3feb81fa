import { describe, expect, it } from 'vitest';
import { checkDocuments, parseAttributes } from './zarrAttributes';

const attrs = (documents: unknown) => ({
  cellscope: {
    format: 'cellscope-record/1',
    tokens: 10,
    streamSpecs: [{ id: 'L0.fwd.h', units: 4 }],
    documents
  }
});

describe('cellscope.documents of a Zarr store', () => {
  it('gives each document its first step and characters; none is one document, the whole text', () => {
    const docs = [
      { name: 'a', start: 0, chars: [0, 4] },
      { name: 'b', start: 4, chars: [5, 9] },
      { name: 'empty', start: 10, chars: [10, 10] }
    ];
    const m = parseAttributes(attrs(docs), 'rec.zarr', 3);
    expect(checkDocuments('rec.zarr', m.documents, 10, 10)).toEqual([
      { name: 'a', start: 0, end: 4, token: 0 },
      { name: 'b', start: 5, end: 9, token: 4 },
      { name: 'empty', start: 10, end: 10, token: 10 }
    ]);
    expect(checkDocuments('rec.zarr', undefined, 10, 12)).toEqual([
      { name: 'rec.zarr', start: 0, end: 12, token: 0 }
    ]);
  });

  it('refuses documents out of order, past the end, or not starting at 0, naming the entry', () => {
    const bad =
      (docs: unknown[], tokens = 10, chars = 10) =>
      () =>
        checkDocuments(
          'rec.zarr',
          parseAttributes(attrs(docs), 'rec.zarr', 3).documents,
          tokens,
          chars
        );
    expect(bad([{ name: 'a', start: 2 }])).toThrow(
      /rec\.zarr: the recording's attribute cellscope\.documents\[0\] must start at token 0\. Write the store again/
    );
    expect(
      bad([
        { name: 'a', start: 0 },
        { name: 'b', start: 11 }
      ])
    ).toThrow(/documents\[1\] starts at token 11, out of order or past the last \(10\)/);
    expect(
      bad([
        { name: 'a', start: 0, chars: [0, 6] },
        { name: 'b', start: 3, chars: [4, 8] }
      ])
    ).toThrow(/documents\[1\] has characters \[4, 8\), out of order or past the text's 10/);
    expect(() => parseAttributes(attrs([{ name: 'a', start: -1 }]), 'rec.zarr', 3)).toThrow(
      /cellscope\.documents/
    );
  });
});
