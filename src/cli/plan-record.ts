// The deployment record as it came with a plan's facts (the Quadlet step reads it; no extra round trip): what the
// checks made of the record after planning (the failed mark, the signer) read it from here.
import type { ProbeOutput } from '../facts/fact.js';
import { RECORD_PATH } from '../state/record-schema.js';
import { fileFact } from '../../steps/storage/facts.js';

/** The record's text, or null when there is none (or it was not among the facts). */
export const recordTextOf = (raw: ReadonlyMap<string, ProbeOutput>): string | null => {
  const fact = fileFact(RECORD_PATH);
  const record = fact.parse(raw.get(fact.id) ?? { stdout: '', stderr: '', exitCode: 1 });
  return record.kind === 'present' ? record.content : null;
};
