// A vitest reporter beside the default one: every skipped test is listed loudly at the end, with why it was skipped
// (a test that needs root says so), and under CI=1 any skipped test fails the run: CI proves everything or says no.
import type { Reporter, TestModule } from 'vitest/node';

export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === '1' || env.CI === 'true';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const skipped = modules.flatMap((m) =>
      [...m.children.allTests('skipped')].map((t) => {
        const r = t.result();
        const note = r.state === 'skipped' ? r.note : undefined;
        return `  ${m.relativeModuleId} > ${t.fullName}${note === undefined ? '' : `\n      why: ${note}`}`;
      }),
    );
    if (skipped.length === 0) return;
    const ci = inCi();
    process.stderr.write(
      `\n!!! ${skipped.length} test${skipped.length === 1 ? ' was' : 's were'} SKIPPED: what they prove was not proven on this machine.\n${skipped.join('\n')}\n` +
        (ci ? '!!! CI=1: a skipped test fails the run.\n' : '!!! With CI=1 this fails the run.\n'),
    );
    if (ci) process.exitCode = 1;
  }
}
