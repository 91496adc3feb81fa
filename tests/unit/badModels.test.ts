/**
 * Models the library refuses, each with a message that names the problem and what to do:
 * onnxruntime-web's own errors (IR or opset too new, a custom-domain operator) explained in one
 * line from the real runtime's text (ort-web wasm in Node, loaded as the recording worker loads
 * it), the runtime limits those explanations quote checked against that runtime, and models whose
 * token input the browser cannot tell or feed. Fixtures: tests/fixtures/badmodels (make.ts).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { validateModel } from '../../src/lib/recorder/validate';
import type { OrtModule } from '../../src/lib/record/options';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import {
  explainOrtError,
  MAX_IR_VERSION,
  MAX_OPSET,
  ORT_WEB_VERSION,
  ortMessage
} from '../../src/lib/onnx/runtimeErrors';
import { addModel, checkModel } from '../../src/lib/store/library';
import { CellscopeDB } from '../../src/lib/store/db';
import { root } from '../helpers/modelFixture';

const bad = (name: string) =>
  new Uint8Array(readFileSync(`${root}tests/fixtures/badmodels/${name}.onnx`));
const rnn = (name: string) =>
  new Uint8Array(readFileSync(`${root}tests/fixtures/rnn/${name}/model.onnx`));

let db: CellscopeDB | undefined;
let n = 0;
beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

/** What the recording worker's validate() reports: onnxruntime's error loading the model, or null. */
const validate = (bytes: Uint8Array) => validateModel(ort as unknown as OrtModule, bytes);

/** Load a copy of the token LSTM stamped with another IR version or opset. */
async function loads(edit: (m: ReturnType<typeof decodeModel>) => void): Promise<boolean> {
  const m = decodeModel(rnn('lstm2_tokens_batchfirst'));
  edit(m);
  return (await validate(encodeModel(m))) === null;
}

describe('the limits of onnxruntime-web the messages quote', () => {
  it(`are those of the onnxruntime-web in use (${ORT_WEB_VERSION})`, async () => {
    const pkg = JSON.parse(
      readFileSync(`${root}node_modules/onnxruntime-web/package.json`, 'utf8')
    );
    expect(pkg.version).toBe(ORT_WEB_VERSION);
    expect(ort.env.versions.web).toBe(ORT_WEB_VERSION);
    const ir = (v: number) => (m: ReturnType<typeof decodeModel>) => {
      m.irVersion = v as unknown as typeof m.irVersion;
    };
    expect(await loads(ir(MAX_IR_VERSION))).toBe(true);
    expect(await loads(ir(MAX_IR_VERSION + 1))).toBe(false);
  });

  for (const [domain, max] of Object.entries(MAX_OPSET)) {
    it(`loads opset ${max} of ${domain}, not ${max + 1}`, async () => {
      const opset = (v: number) => (m: ReturnType<typeof decodeModel>) => {
        m.irVersion = 10 as unknown as typeof m.irVersion;
        const own = m.opsetImport.find((o) => (o.domain || 'ai.onnx') === domain);
        if (own) own.version = v as unknown as typeof own.version;
        else m.opsetImport.push({ domain, version: v as unknown as number });
      };
      expect(await loads(opset(max))).toBe(true);
      expect(await loads(opset(max + 1))).toBe(false);
    });
  }
});

describe("onnxruntime-web's errors, explained in one line (real runtime, fixture models)", () => {
  for (const [name, summary, raw] of [
    [
      'opset-too-new',
      `This model needs opset ${MAX_OPSET['ai.onnx'] + 1} of ai.onnx; onnxruntime-web ${ORT_WEB_VERSION} supports up to opset ${MAX_OPSET['ai.onnx']}. Re-export it with opset_version=${MAX_OPSET['ai.onnx']} or lower (torch.onnx.export(…, opset_version=${MAX_OPSET['ai.onnx']})).`,
      /Opset 27 is under development.*Current official support for domain ai\.onnx is till opset 26/
    ],
    [
      'ir-too-new',
      `This model needs ONNX IR version ${MAX_IR_VERSION + 1}; onnxruntime-web ${ORT_WEB_VERSION} supports up to IR version ${MAX_IR_VERSION}. Re-export it with an older exporter, or save it with model.ir_version = ${MAX_IR_VERSION} if it uses nothing newer.`,
      /Unsupported model IR version: 14, max supported IR version: 13/
    ],
    [
      'custom-op',
      `This model uses the operator Scale of the custom domain com.example, which onnxruntime-web ${ORT_WEB_VERSION} does not have (custom operators cannot be loaded in the browser). Re-export it with standard ONNX operators only.`,
      /com\.example:Scale\(-1\) is not a registered function\/op/
    ]
  ] as const) {
    it(`${name}: the library's checks pass, onnxruntime-web refuses it, the summary says why`, async () => {
      const bytes = bad(name);
      const { info } = checkModel(bytes, `${name}.onnx`);
      const problem = await validate(bytes);
      expect(problem).toMatch(raw);
      const explained = explainOrtError(problem!, info);
      expect(explained.summary).toBe(summary);
      expect(explained.summary).not.toMatch(/\n/);
      expect(explained.details).toBe(problem!.trim());
    });
  }
});

describe('explainOrtError on other messages', () => {
  it('names the domain an operator uses without importing it', () => {
    const e = explainOrtError(
      "Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: No opset import for domain 'com.example'"
    );
    expect(e.summary).toMatch(
      /uses operators of the domain com\.example but does not import its opset/
    );
  });
  it('names an operator its opset does not define', () => {
    const e = explainOrtError(
      "Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: No Op registered for Frobnicate with domain_version of 14"
    );
    expect(e.summary).toMatch(
      /uses the operator Frobnicate, which opset 14 of ai\.onnx does not define/
    );
  });
  it('names an onnxruntime contrib operator the web build lacks', () => {
    const e = explainOrtError(
      'Fatal error: com.microsoft:Frobnicate(-1) is not a registered function/op'
    );
    expect(e.summary).toMatch(
      /operator Frobnicate of com\.microsoft, which onnxruntime-web .* does not include/
    );
  });
  it('names a kernel missing for the types a node gets', () => {
    const e = explainOrtError(
      "Could not find an implementation for LSTM(22) node with name '/rnn/LSTM'"
    );
    expect(e.summary).toMatch(/no kernel for the operator LSTM \(opset 22, node "\/rnn\/LSTM"\)/);
  });
  it('falls back on what the model says (a too-new opset) when the text is unfamiliar', () => {
    const e = explainOrtError('something else', { irVersion: 8, opsets: { 'ai.onnx': 40 } });
    expect(e.summary).toMatch(
      /^This model needs opset 40 of ai\.onnx; onnxruntime-web .* supports up to opset 26/
    );
    expect(e.details).toBe('something else');
  });
  it('otherwise gives onnxruntime’s message without its wrapper and source location', () => {
    const raw =
      "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: /mnt/x/onnxruntime/core/graph/graph.cc:1234 void onnxruntime::Graph::Foo(int) Type mismatch in node X\n";
    expect(ortMessage(raw)).toBe('Type mismatch in node X');
    const e = explainOrtError(raw);
    expect(e.summary).toBe(
      `onnxruntime-web ${ORT_WEB_VERSION} cannot load this model: Type mismatch in node X`
    );
    expect(e.details).toBe(raw.trim());
  });
});

describe('the token input: named, fed, or refused with what to do', () => {
  const refuses = async (bytes: Uint8Array, name: string, message: RegExp) => {
    db = new CellscopeDB(`bad-models-${n++}`);
    await expect(addModel(db, bytes, name)).rejects.toThrow(message);
    expect(await db.models.count()).toBe(0);
  };

  it('several integer inputs: lists them and says cellscope.input picks the token input', async () => {
    await refuses(
      bad('two-int-inputs'),
      'two.onnx',
      /^"two\.onnx" has 2 integer inputs, tokens \(int64 \[batch, seq\]\) and lengths \(int64 \[batch\]\), and nothing says which one takes the token ids: the model's cellscope\.input metadata key names it \(Python: onnx\.helper\.set_model_props\(m, \{"cellscope\.input": "tokens"\}\); onnx\.save\(m, "model\.onnx"\)\)\. The browser feeds only that input/
    );
  });

  it('named by cellscope.input, the other input still needs feeding: says so', async () => {
    await refuses(
      bad('two-int-inputs-named'),
      'named.onnx',
      /^"named\.onnx" takes lengths \(int64 \[batch\]\) besides its token input tokens; the browser feeds only the token ids .* or record it with the command line, which feeds every input: npm run record -- --model M\.onnx --out DIR --feed NAME=values\.npy/
    );
  });

  it('cellscope.input naming an input the model does not have', async () => {
    const m = decodeModel(rnn('lstm2_tokens_batchfirst'));
    m.metadataProps.push({ key: 'cellscope.input', value: 'ids' });
    await refuses(
      encodeModel(m),
      'ids.onnx',
      /^"ids\.onnx" names its token input "ids" \(metadata key cellscope\.input\), but the model has no input of that name: its inputs are tokens \(int64 \[batch, seq\]\)/
    );
  });

  it('a float-feature model with another input (sequence lengths) the browser cannot feed', async () => {
    await refuses(
      rnn('lstm_seqlens_batch3'),
      'lens.onnx',
      /^"lens\.onnx" feeds its recurrent layers from x \(float features\) but also takes lens \(int32\).*--csv features\.csv --feed NAME=values\.npy\.$/
    );
  });

  it('the one token input of the fixtures and the demo still passes', async () => {
    for (const name of ['lstm2_tokens_batchfirst', 'gru_bidir_tokens'])
      expect(checkModel(rnn(name), name).info.tokenInput?.name).toBe('tokens');
    expect(
      checkModel(new Uint8Array(readFileSync(`${root}models/code-lstm.onnx`)), 'demo').info
        .tokenInput
    ).not.toBeNull();
  });
});
