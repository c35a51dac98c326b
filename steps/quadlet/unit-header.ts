// The first line of every file keelson writes says who manages it and hashes the rest, so a later run can tell
// its own untouched file from one an operator edited by hand, and from somebody else's file with the same name.
import { createHash } from 'node:crypto';

export type HeaderState = 'managed-unchanged' | 'managed-edited' | 'foreign';

export interface Header {
  readonly stack: string;
  readonly hash: string;
}

// The version is not in the header (it is in the deployment record): a version bump alone changes no file. Headers
// written before that still carry one, and are read the same.
const HEADER = /^# Managed by keelson — stack (\S+)(?: \S+)? — sha256:([0-9a-f]{64})$/;

/** The one sha256 (hex) keelson computes of a text or bytes: record hashes, unit headers, archive checksums. */
export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Prepends the header line to a unit body. */
export const withHeader = (stack: string, body: string): string => `# Managed by keelson — stack ${stack} — sha256:${sha256(body)}\n${body}`;

const split = (content: string): { first: string; rest: string } => {
  const nl = content.indexOf('\n');
  return nl < 0 ? { first: content, rest: '' } : { first: content.slice(0, nl), rest: content.slice(nl + 1) };
};

/** The header of a file, or null when its first line is not keelson's. */
export const readHeader = (content: string): Header | null => {
  const m = HEADER.exec(split(content).first);
  if (m === null) return null;
  const [, stack = '', hash = ''] = m;
  return { stack, hash };
};

/** Everything after the header line (the whole file when there is no header). */
export const bodyOf = (content: string): string => (readHeader(content) === null ? content : split(content).rest);

/** Did keelson write this file, and has it been touched since? */
export const headerState = (content: string): HeaderState => {
  const header = readHeader(content);
  if (header === null) return 'foreign';
  return sha256(split(content).rest) === header.hash ? 'managed-unchanged' : 'managed-edited';
};
