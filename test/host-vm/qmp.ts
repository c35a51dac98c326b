// A minimal QMP client (QEMU's JSON machine protocol over the unix socket given with -qmp): how the harness pauses
// a guest, saves it (migration to a file) and resumes a restored one. One command at a time; events are skipped.
import { connect, type Socket } from 'node:net';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Qmp {
  private buffer = '';
  private waiting: ((line: Record<string, unknown>) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line === '') continue;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if ('event' in msg) continue;
        const w = this.waiting;
        this.waiting = undefined;
        w?.(msg);
      }
    });
  }

  /** Connects (retrying while qemu creates the socket) and negotiates capabilities. */
  static async open(path: string, timeoutMs = 30_000): Promise<Qmp> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => {
            resolve(s);
          });
          s.once('error', reject);
        });
        const qmp = new Qmp(socket);
        await qmp.next(); // the greeting
        await qmp.execute('qmp_capabilities');
        return qmp;
      } catch (e) {
        if (Date.now() > until) throw new Error(`no QMP socket at ${path}: ${String(e)}`, { cause: e });
        await sleep(200);
      }
    }
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('QMP: no answer in 60 s'));
      }, 60_000);
      this.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const answer = this.next();
    this.socket.write(`${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`);
    const m = await answer;
    if ('error' in m) throw new Error(`QMP ${command}: ${JSON.stringify(m.error)}`);
    return m.return;
  }

  /** Polls query-migrate until it completes; throws on failure or after timeoutMs. */
  async waitMigration(timeoutMs: number): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = (await this.execute('query-migrate')) as Record<string, unknown>;
      if (r.status === 'completed') return r;
      if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`migration ${r.status}: ${JSON.stringify(r)}`);
      if (Date.now() > until) throw new Error(`migration not done after ${timeoutMs} ms: ${JSON.stringify(r)}`);
      await sleep(300);
    }
  }

  /** Polls query-status while the guest is still coming in (an incoming migration being loaded). */
  async waitStatusNot(status: string, timeoutMs: number): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = (await this.execute('query-status')) as { status: string };
      if (r.status !== status) return r.status;
      if (Date.now() > until) throw new Error(`guest still "${status}" after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
