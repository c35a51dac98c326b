// The stack archives the wizard verified in this run, by their checksum list's sha256 (a plan names its archive so):
// apply loads the images only from one of these, never from a file this run did not check. Not screen data: each
// holds the reader of a workstation file.
import type { PlanArchive } from '../engine/plan.js';
import type { ArchiveStack } from './stack-archive.js';

export interface WizardArchives {
  readonly remember: (a: ArchiveStack) => void;
  /** The verified archive a stack was read from (its file, as the Stack screen names it); an upgrade checks its signer. */
  readonly bySource: (file: string) => ArchiveStack | undefined;
  /** applyPlan's stackArchive for this plan (none without an archive); throws when this run did not verify it. */
  readonly forPlan: (archive: PlanArchive | undefined) => { readonly stackArchive?: Pick<ArchiveStack, 'readEntry'> };
}

export const wizardArchives = (): WizardArchives => {
  const verified = new Map<string, ArchiveStack>();
  const byFile = new Map<string, ArchiveStack>();
  return {
    remember: (a) => {
      verified.set(a.archive.sumsSha256, a);
      byFile.set(a.archive.file, a);
    },
    bySource: (file) => byFile.get(file),
    forPlan: (archive) => {
      if (archive === undefined) return {};
      const a = verified.get(archive.sumsSha256);
      if (a === undefined) throw new Error(`the stack archive ${archive.file} was not read in this run: choose it again on the Stack screen`);
      return { stackArchive: { readEntry: a.readEntry } };
    },
  };
};
