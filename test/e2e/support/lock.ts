// A lock shared by the scenario files' worker processes: flock(1) holds it for as long as its stdin stays open, so
// it is released when the holder finishes, throws, or dies.
import { spawn } from 'node:child_process';

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const holder = spawn('flock', [path, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const closed = new Promise<void>((resolve) => {
    holder.on('close', () => {
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    holder.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    holder.on('error', reject);
    holder.on('close', (code) => { reject(new Error(`flock ${path} ended (exit ${String(code)}) before the lock was taken`)); });
  });
  try {
    return await fn();
  } finally {
    holder.stdin.end();
    await closed;
  }
}
