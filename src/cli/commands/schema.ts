// keelson schema: the manifest's JSON Schema, for editors (yaml-language-server and friends).
import { manifestJsonSchema } from '../../manifest/json-schema.js';

export const schemaCommand = (): void => {
  process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
};
