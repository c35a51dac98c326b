// The deployment record as the wizard offers on it after connecting: Install on a host without a stack; Troubleshoot,
// Install / Reinstall / Repair (and the headless upgrade and uninstall) on one whose record names stacks. Pure.
import { readRecord } from '../flows/doctor/record-view.js';
import type { HostRecord } from '../../screens/controller.js';

/** The record's text (null: no file) → what the wizard needs of it; a record that names no stack (uninstalled) is none. */
export const hostRecordOf = (text: string | null): HostRecord => {
  const r = readRecord(text);
  if (r.kind === 'unreadable') return { kind: 'unreadable', why: r.why };
  if (r.kind === 'absent' || r.stacks.length === 0) return { kind: 'none' };
  return { kind: 'stacks', stacks: r.stacks.map((s) => ({ name: s.name, version: s.version, mode: s.mode, failed: s.failed })) };
};

