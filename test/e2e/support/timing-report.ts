// The table printed at the end of every e2e run: per scenario file, its wall time and where it went.
import type { TimingRecord } from './timings.js';

const s = (ms: number): string => (ms / 1000).toFixed(0).padStart(6);

export const parseTimings = (text: string): TimingRecord[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TimingRecord);

export const timingReport = (records: readonly TimingRecord[]): string => {
  const files = [...new Set(records.map((r) => r.file))].sort((a, b) => (a.startsWith('state ') === b.startsWith('state ') ? (a < b ? -1 : 1) : a.startsWith('state ') ? -1 : 1));
  const sum = (file: string, phase: TimingRecord['phase']) => records.filter((r) => r.file === file && r.phase === phase).reduce((t, r) => t + r.ms, 0);
  const rows = files.map((file) => {
    const start = sum(file, 'start');
    const keelson = sum(file, 'keelson');
    const wait = sum(file, 'wait');
    const state = sum(file, 'state');
    const wall = sum(file, 'wall');
    const other = wall > 0 ? wall - start - keelson - wait : 0;
    return `  ${file.padEnd(28)}${s(wall)}${s(start)}${s(keelson)}${s(wait)}${s(state)}${wall > 0 ? s(other) : '     -'}`;
  });
  const details = records
    .filter((r) => r.phase !== 'wall')
    .map((r) => `  ${r.file.padEnd(28)}${r.phase.padEnd(8)}${s(r.ms)}  ${r.label}`);
  return [
    'e2e timings (seconds; "start" is a cold boot, a restore or a reboot; "other" is the tests\' own checks over SSH)',
    `  ${'file'.padEnd(28)}${'wall'.padStart(6)}${'start'.padStart(6)}${'keel.'.padStart(6)}${'waits'.padStart(6)}${'state'.padStart(6)}${'other'.padStart(6)}`,
    ...rows,
    'each timed step:',
    ...details,
  ].join('\n');
};
