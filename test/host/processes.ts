// Small helpers for asserting that a process really ended (test support for the timeout tests).

import { readFile } from 'node:fs/promises';

/** True when no process has this pid, or only its zombie is left (a container's pid 1 may never reap it). */
export async function processGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Waits up to `withinMs` for the process to go: a signal is delivered at once, but the kill happens when the process is next scheduled. */
export async function goneWithin(pid: number, withinMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await processGone(pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function readPids(path: string): Promise<number[]> {
  const text = await readFile(path, 'utf8');
  return text.split(/\s+/).filter((s) => s !== '').map(Number);
}
