/**
 * One direction of a recurrent layer as a small ONNX model: a Scan over time whose body is one
 * step of the ONNX operator's equations, with each step's h and c passed through an affine
 * `x·A_t + B_t` (A = 1, B = 0: untouched; A = 0, B = v: set to v; A = s, B = 0: scaled). That is
 * an intervention (record/interveneStep.ts) run by onnxruntime's kernels instead of JS: measured
 * about 8× faster than the JS recurrence (record/clampedCells.ts) for 2,000 steps of 256 units.
 * Only plain cells are built here (no clip, no peepholes, no coupled input-forget gate, and
 * activations that are single ONNX ops); the JS recurrence takes the rest.
 *
 * Inputs: xw [T, 1, G·H] (X·Wᵀ, no bias), h0 [1, H], c0 [1, H] (LSTM), hA, hB (and cA, cB)
 * [T, 1, H]. Outputs: h, c and the gates, each [T, 1, H], and the final hT, cT [1, H].
 */
import { floatValueInfo, node } from './graph';
import { encodeModel, onnx, type NodeProto } from './proto';

export interface CellScanSpec {
  op: 'LSTM' | 'GRU' | 'RNN';
  hidden: number;
  reverse: boolean;
  /** this direction's activation names: LSTM [f, g, h], GRU [f, g], RNN [f] */
  acts: string[];
  /** the recurrence weight [G·H, H] of this direction (ONNX gate order) */
  R: Float32Array;
  /** input-side and recurrent biases [G·H] */
  wb: Float32Array;
  rb: Float32Array;
  linearBeforeReset: boolean;
}

const OPS: Record<string, string> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  softsign: 'Softsign',
  softplus: 'Softplus'
};

/** Whether a layer direction can run as a cell Scan (else: the JS recurrence). */
export function cellScanSupported(
  acts: string[],
  opts: { clip?: number; peepholes: boolean; inputForget: boolean }
): boolean {
  return (
    opts.clip === undefined &&
    !opts.peepholes &&
    !opts.inputForget &&
    acts.every((a) => OPS[a.toLowerCase()] !== undefined)
  );
}

export const GATE_OUTPUTS = { LSTM: ['i', 'f', 'o', 'g'], GRU: ['z', 'r', 'n'], RNN: [] } as const;

function tensor(name: string, dims: number[], values: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dims,
    rawData: new Uint8Array(
      values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)
    )
  });
}

const int64s = (name: string, values: number[]) =>
  onnx.TensorProto.create({
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [values.length],
    int64Data: values
  });

/** R [rows, H] → Rᵀ [H, rows], for h_prev [1, H] · Rᵀ. */
function transpose(R: Float32Array, rows: number, H: number): Float32Array {
  const t = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) for (let k = 0; k < H; k++) t[k * rows + r] = R[r * H + k];
  return t;
}

export function buildCellScan(s: CellScanSpec): Uint8Array {
  const H = s.hidden;
  const G = s.op === 'LSTM' ? 4 : s.op === 'GRU' ? 3 : 1;
  const lstm = s.op === 'LSTM';
  const act = (i: number, x: string, y: string) => node(OPS[s.acts[i].toLowerCase()], [x], [y]);
  const inits = [];
  const body: NodeProto[] = [];
  const gates: string[] = [];
  if (s.op === 'GRU') {
    // z and r: both biases; the candidate n keeps Wb and Rb apart (r multiplies the Rb part).
    const zr = new Float32Array(2 * H).map((_, r) => s.wb[r] + s.rb[r]);
    const Rt = transpose(s.R.subarray(0, 2 * H * H), 2 * H, H);
    const Rn = transpose(s.R.subarray(2 * H * H, 3 * H * H), H, H);
    inits.push(
      tensor('Rzr', [H, 2 * H], Rt),
      tensor('Rn', [H, H], Rn),
      tensor('bzr', [2 * H], zr),
      tensor('wbn', [H], s.wb.slice(2 * H, 3 * H)),
      tensor('rbn', [H], s.rb.slice(2 * H, 3 * H)),
      int64s('split3', [H, H, H]),
      int64s('split2', [H, H]),
      onnx.TensorProto.create({
        name: 'one',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [1],
        floatData: [1]
      })
    );
    body.push(
      node('Split', ['xw_t', 'split3'], ['xz', 'xr', 'xn'], { axis: 1 }),
      node('MatMul', ['h_prev', 'Rzr'], ['hzr']),
      node('Add', ['hzr', 'bzr'], ['hzr_b']),
      node('Split', ['hzr_b', 'split2'], ['hz', 'hr'], { axis: 1 }),
      node('Add', ['xz', 'hz'], ['pz']),
      node('Add', ['xr', 'hr'], ['pr']),
      act(0, 'pz', 'z'),
      act(0, 'pr', 'r'),
      node('Add', ['xn', 'wbn'], ['xn_b'])
    );
    if (s.linearBeforeReset) {
      body.push(
        node('MatMul', ['h_prev', 'Rn'], ['hn']),
        node('Add', ['hn', 'rbn'], ['hn_b']),
        node('Mul', ['r', 'hn_b'], ['rhn']),
        node('Add', ['xn_b', 'rhn'], ['pn'])
      );
    } else {
      body.push(
        node('Mul', ['r', 'h_prev'], ['rh']),
        node('MatMul', ['rh', 'Rn'], ['rhn']),
        node('Add', ['rhn', 'rbn'], ['rhn_b']),
        node('Add', ['xn_b', 'rhn_b'], ['pn'])
      );
    }
    body.push(
      act(1, 'pn', 'n'),
      node('Sub', ['one', 'z'], ['omz']),
      node('Mul', ['omz', 'n'], ['a1']),
      node('Mul', ['z', 'h_prev'], ['a2']),
      node('Add', ['a1', 'a2'], ['h_raw'])
    );
    gates.push('z', 'r', 'n');
  } else {
    const bias = new Float32Array(G * H).map((_, r) => s.wb[r] + s.rb[r]);
    inits.push(tensor('Rt', [H, G * H], transpose(s.R, G * H, H)), tensor('b', [G * H], bias));
    body.push(
      node('MatMul', ['h_prev', 'Rt'], ['hr']),
      node('Add', ['hr', 'xw_t'], ['pre0']),
      node('Add', ['pre0', 'b'], ['pre'])
    );
    if (lstm) {
      inits.push(int64s('split4', [H, H, H, H]));
      // ONNX gate order: i, o, f, c(g)
      body.push(
        node('Split', ['pre', 'split4'], ['pi', 'po', 'pf', 'pg'], { axis: 1 }),
        act(0, 'pi', 'i'),
        act(0, 'po', 'o'),
        act(0, 'pf', 'f'),
        act(1, 'pg', 'g'),
        node('Mul', ['f', 'c_prev'], ['fc']),
        node('Mul', ['i', 'g'], ['ig']),
        node('Add', ['fc', 'ig'], ['c_raw']),
        node('Mul', ['c_raw', 'cA_t'], ['c_a']),
        node('Add', ['c_a', 'cB_t'], ['c_new']),
        act(2, 'c_new', 'tc'),
        node('Mul', ['o', 'tc'], ['h_raw'])
      );
      gates.push('i', 'f', 'o', 'g');
    } else body.push(act(0, 'pre', 'h_raw'));
  }
  body.push(node('Mul', ['h_raw', 'hA_t'], ['h_a']), node('Add', ['h_a', 'hB_t'], ['h_new']));
  const scanOut = ['h', ...(lstm ? ['c'] : []), ...gates];
  const sources: Record<string, string> = { h: 'h_new', c: 'c_new' };
  for (const k of scanOut) body.push(node('Identity', [sources[k] ?? k], [`${k}_s`]));

  const v = (name: string, dims: (number | string)[]) => floatValueInfo(name, dims);
  const bodyGraph = onnx.GraphProto.create({
    name: 'step',
    node: body,
    initializer: inits,
    input: [
      v('h_prev', [1, H]),
      ...(lstm ? [v('c_prev', [1, H])] : []),
      v('xw_t', [1, G * H]),
      v('hA_t', [1, H]),
      v('hB_t', [1, H]),
      ...(lstm ? [v('cA_t', [1, H]), v('cB_t', [1, H])] : [])
    ],
    output: [
      v('h_new', [1, H]),
      ...(lstm ? [v('c_new', [1, H])] : []),
      ...scanOut.map((k) => v(`${k}_s`, [1, H]))
    ]
  });
  const scanInputs = ['xw', 'hA', 'hB', ...(lstm ? ['cA', 'cB'] : [])];
  const scan = onnx.NodeProto.create({
    opType: 'Scan',
    name: 'cell',
    input: ['h0', ...(lstm ? ['c0'] : []), ...scanInputs],
    output: ['hT', ...(lstm ? ['cT'] : []), ...scanOut],
    attribute: [
      { name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: bodyGraph },
      {
        name: 'num_scan_inputs',
        type: onnx.AttributeProto.AttributeType.INT,
        i: scanInputs.length
      },
      ...(s.reverse
        ? [
            {
              name: 'scan_input_directions',
              type: onnx.AttributeProto.AttributeType.INTS,
              ints: scanInputs.map(() => 1)
            },
            {
              name: 'scan_output_directions',
              type: onnx.AttributeProto.AttributeType.INTS,
              ints: scanOut.map(() => 1)
            }
          ]
        : [])
    ]
  });
  const graph = onnx.GraphProto.create({
    name: 'cellscope-cell-scan',
    node: [scan],
    input: [
      v('h0', [1, H]),
      ...(lstm ? [v('c0', [1, H])] : []),
      v('xw', ['T', 1, G * H]),
      v('hA', ['T', 1, H]),
      v('hB', ['T', 1, H]),
      ...(lstm ? [v('cA', ['T', 1, H]), v('cB', ['T', 1, H])] : [])
    ],
    output: [
      v('hT', [1, H]),
      ...(lstm ? [v('cT', [1, H])] : []),
      ...scanOut.map((k) => v(k, ['T', 1, H]))
    ]
  });
  return encodeModel(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      producerName: 'cellscope',
      graph
    })
  );
}
