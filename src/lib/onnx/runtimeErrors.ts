/**
 * onnxruntime-web's own messages, explained: a one-line summary that says what the model needs
 * and what the runtime supports ("this model needs opset 27 of ai.onnx; onnxruntime-web 1.30.0
 * supports up to 26") and what to do, with the raw text kept as details for a folded view.
 *
 * The limits are those of the onnxruntime-web build the app ships, found by loading models stamped
 * with each IR version and opset (tests/unit/badModels.test.ts checks them against the real
 * runtime, so an upgrade that moves them fails there first).
 */

export const ORT_WEB_VERSION = '1.30.0';

/** The newest ONNX IR version onnxruntime-web 1.30.0 loads. */
export const MAX_IR_VERSION = 13;

/** The newest opset of each operator domain onnxruntime-web 1.30.0 loads. */
export const MAX_OPSET: Readonly<Record<string, number>> = {
  'ai.onnx': 26,
  'ai.onnx.ml': 5,
  'ai.onnx.training': 1,
  'ai.onnx.preview.training': 1,
  'com.microsoft': 1,
  'com.microsoft.nchwc': 1,
  'com.ms.internal.nhwc': 26,
  'org.pytorch.aten': 1
};

/** What is known of the model without running it (from inspectModel). */
export interface ModelFacts {
  irVersion?: number;
  opsets?: Record<string, number>;
}

export interface ExplainedError {
  /** one line: what is wrong, in the model's and the runtime's terms, and what to do */
  summary: string;
  /** onnxruntime's own text, to show folded; null when the summary is that text */
  details: string | null;
}

const ORT = `onnxruntime-web ${ORT_WEB_VERSION}`;

const irTooNew = (ir: number, max: number) =>
  `This model needs ONNX IR version ${ir}; ${ORT} supports up to IR version ${max}. ` +
  `Re-export it with an older exporter, or save it with model.ir_version = ${max} if it uses nothing newer.`;

const opsetTooNew = (domain: string, opset: number, max: number) =>
  `This model needs opset ${opset} of ${domain}; ${ORT} supports up to opset ${max}. ` +
  (domain === 'ai.onnx'
    ? `Re-export it with opset_version=${max} or lower (torch.onnx.export(…, opset_version=${max})).`
    : `Re-export it with ${domain} opset ${max} or lower.`);

/** onnxruntime's message without its wrapper ("Can't create a session. ERROR_CODE: …") and source location. */
export function ortMessage(raw: string): string {
  return raw
    .trim()
    .replace(/^Can't create a session\.\s*/, '')
    .replace(/^ERROR_CODE: \d+, ERROR_MESSAGE: /, '')
    .replace(/^\S+\.(cc|h|cpp):\d+ .*?\) (?=[A-Z])/, '')
    .replace(/^Fatal error: /, '');
}

export function explainOrtError(raw: string, model: ModelFacts = {}): ExplainedError {
  const details = raw.trim();
  const explained = (summary: string): ExplainedError => ({ summary, details });

  let m = details.match(/Unsupported model IR version: (\d+), max supported IR version: (\d+)/);
  if (m) return explained(irTooNew(Number(m[1]), Number(m[2])));

  m = details.match(
    /Opset (\d+) is under development[\s\S]*?official support for domain (\S+) is till opset (\d+)/
  );
  if (m) return explained(opsetTooNew(m[2], Number(m[1]), Number(m[3])));

  m = details.match(/([\w.]+):([\w.]+)\(-?\d+\) is not a registered function\/op/);
  if (m) {
    const [, domain, op] = m;
    return explained(
      domain.startsWith('com.microsoft') || domain.startsWith('ai.onnx')
        ? `This model uses the operator ${op} of ${domain}, which ${ORT} does not include. ` +
            'Re-export it with standard ONNX operators (without onnxruntime contrib ops or fusions).'
        : `This model uses the operator ${op} of the custom domain ${domain}, which ${ORT} does not ` +
            'have (custom operators cannot be loaded in the browser). Re-export it with standard ONNX operators only.'
    );
  }

  m = details.match(/No opset import for domain '([^']*)'/);
  if (m)
    return explained(
      `This model uses operators of the domain ${m[1]} but does not import its opset (opset_import), ` +
        'so it is not a valid ONNX model. Re-export it, or add the opset import.'
    );

  m = details.match(/No Op registered for (\S+) with domain_version of (\d+)/);
  if (m)
    return explained(
      `This model uses the operator ${m[1]}, which opset ${m[2]} of ai.onnx does not define (it is ` +
        `misspelt, custom, or from another opset), so ${ORT} cannot run it. Re-export it with standard ONNX operators.`
    );

  m = details.match(/Could not find an implementation for (\S+)\((\d+)\) node with name '([^']*)'/);
  if (m)
    return explained(
      `${ORT} has no kernel for the operator ${m[1]} (opset ${m[2]}, node "${m[3]}") with the data ` +
        'types this model gives it. Re-export the model with float32 weights and activations.'
    );

  // A message we do not recognise: say what we know from the model itself.
  if (model.irVersion && model.irVersion > MAX_IR_VERSION)
    return explained(irTooNew(model.irVersion, MAX_IR_VERSION));
  for (const [domain, opset] of Object.entries(model.opsets ?? {})) {
    const max = MAX_OPSET[domain === '' ? 'ai.onnx' : domain];
    if (max !== undefined && opset > max) return explained(opsetTooNew(domain, opset, max));
  }
  const text = ortMessage(details).split('\n')[0];
  return {
    summary: `${ORT} cannot load this model: ${text}`,
    details: text === details ? null : details
  };
}
