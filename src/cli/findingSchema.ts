/**
 * Writes the published JSON Schema of a cellscope finding (static/schema/finding-v1.json) from
 * the valibot schema the app validates with: `npx tsx src/cli/findingSchema.ts`. A unit test
 * fails when the file and the schema drift apart.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { FindingSchema, FINDING_FORMAT } from '../lib/findings/schema';

export function findingJsonSchema(): object {
  return {
    ...toJsonSchema(FindingSchema, { errorMode: 'ignore' }),
    $id: 'https://cellscope.invalid/schema/finding-v1.json',
    title: `cellscope finding (${FINDING_FORMAT})`,
    description:
      'What a user found in a recording: model and corpus (by SHA-256), stream, window, brush, padding, threshold, normalisation, selected units, match results, tracks, title and notes.'
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../../static/schema/finding-v1.json', import.meta.url));
  writeFileSync(out, JSON.stringify(findingJsonSchema(), null, 2) + '\n');
  console.log(`wrote ${out}`);
}
