// The stacks bundled with keelson, for the wizard's list. A bundled manifest that does not load is left out of
// the list (and logged): the operator can still name a file.
import { bundledStacks, loadStack } from './context.js';
import type { StackChoice } from '../../screens/controller.js';

export const listBundledStacks = async (onProblem: (name: string, why: string) => void): Promise<StackChoice[]> => {
  const out: StackChoice[] = [];
  for (const name of (await bundledStacks()).sort()) {
    try {
      const { manifest } = await loadStack(name);
      out.push({ ref: name, name: manifest.stack, version: manifest.version, ...(manifest.description === undefined ? {} : { description: manifest.description }) });
    } catch (e) {
      onProblem(name, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
};
