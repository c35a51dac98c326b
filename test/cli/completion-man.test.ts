// The completions and the man page say what --help says: every command and every option that `keelson --help` and
// `keelson COMMAND --help` print (from a real keelson process), completed by the real bash and fish and by zsh's
// script under stand-ins for its completion system, and rendered by the real groff; each help ends with one example
// and the exit codes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_MEANINGS } from '../../src/cli/exit-codes.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const keelson = async (args: string[]): Promise<string> => {
  const r = await execa('node', [BIN, ...args], { stdin: 'ignore', env: { COLUMNS: '200' } });
  return r.stdout;
};

/** The lines of one section of commander's help ("Commands:", "Options:"), up to the next blank line. */
const section = (help: string, title: string): string[] => {
  const lines = help.split('\n');
  const start = lines.indexOf(title);
  const end = lines.findIndex((l, i) => i > start && l === '');
  return start < 0 ? [] : lines.slice(start + 1, end < 0 ? undefined : end);
};
const commandsIn = (help: string): string[] => section(help, 'Commands:').flatMap((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1] ?? []);
const optionsIn = (help: string): string[] => section(help, 'Options:').flatMap((l) => [...(/^ {2}(?:-\w, )?(--[\w-]+)/.exec(l)?.slice(1) ?? [])]);

let topHelp: string;
let commands: string[];
const helpOf = new Map<string, string>();
let scripts: Record<'bash' | 'zsh' | 'fish' | 'man', string>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-completion-'));
  topHelp = await keelson(['--help']);
  commands = commandsIn(topHelp);
  const real = commands.filter((c) => c !== 'help');
  const [helps, bash, zsh, fish, man] = await Promise.all([
    Promise.all(real.map((c) => keelson([c, '--help']))),
    keelson(['completion', 'bash']),
    keelson(['completion', 'zsh']),
    keelson(['completion', 'fish']),
    keelson(['man']),
  ]);
  real.forEach((c, i) => helpOf.set(c, helps[i] ?? ''));
  scripts = { bash, zsh, fish, man };
});

describe('--help', () => {
  it('lists the commands, each with options of its own help', () => {
    expect(commands).toEqual(expect.arrayContaining(['plan', 'apply', 'status', 'schema', 'wizard', 'completion', 'man', 'licenses', 'help']));
    expect(optionsIn(helpOf.get('plan') ?? '')).toEqual(expect.arrayContaining(['--stack', '--answers', '--host', '--help']));
  });

  it("ends keelson's help and every command's with one example of that command and the exit codes", () => {
    for (const [name, help] of [['keelson', topHelp] as const, ...helpOf]) {
      const example = /\nExample:\n {2}\$ ([^\n]*)\n/.exec(help)?.[1];
      expect(example, `${name} --help has no example`).toBeDefined();
      expect(example, `${name}'s example is not one of ${name}`).toContain(name === 'keelson' ? 'keelson ' : `keelson ${name}`);
      expect(help, name).toContain(`Exit codes:\n${EXIT_MEANINGS.map((e) => `  ${e.code}  ${e.meaning}`).join('\n')}\n`);
    }
  });
});

describe('keelson completion bash', () => {
  /** What the real bash offers for the words typed so far (the last one being completed). */
  const complete = async (...typed: string[]): Promise<string[]> => {
    await writeFile(join(dir, 'keelson.bash'), scripts.bash);
    const words = ['keelson', ...typed].map((w) => `'${w}'`).join(' ');
    const r = await execa('bash', ['--norc', '-c', `source keelson.bash; COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _keelson_completion; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: dir });
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  it('completes every command, and each command to exactly the options its --help lists', async () => {
    expect((await complete('')).filter((w) => !w.startsWith('-')).sort()).toEqual([...commands].sort());
    for (const [name, help] of helpOf) expect((await complete(name, '--')).sort(), name).toEqual(optionsIn(help).sort());
  });

  it("completes a choice from commander's list, a file after an option that takes one, and a command after options", async () => {
    expect((await complete('completion', '')).filter((w) => !w.startsWith('-'))).toEqual(['bash', 'zsh', 'fish']);
    await writeFile(join(dir, 'stack-x.yaml'), 'stack: x\n');
    expect(await complete('plan', '--stack', 'stack-')).toEqual(['stack-x.yaml']);
    expect(await complete('pl')).toEqual(['plan']);
  });
});

describe('keelson completion fish', () => {
  const complete = async (line: string): Promise<string[]> => {
    const r = await execa('fish', ['--no-config', '-c', `source ${join(dir, 'keelson.fish')}; complete -C '${line}'`]);
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] ?? '');
  };

  it('completes every command, and each command to exactly the options its --help lists (real fish)', async () => {
    await writeFile(join(dir, 'keelson.fish'), scripts.fish);
    expect((await complete('keelson ')).sort()).toEqual([...commands].sort());
    for (const [name, help] of helpOf) expect((await complete(`keelson ${name} --`)).sort(), name).toEqual(optionsIn(help).sort());
    expect((await complete('keelson completion ')).sort()).toEqual(['bash', 'fish', 'zsh']);
  });
});

describe('keelson completion zsh', () => {
  it('is valid zsh', async () => {
    await writeFile(join(dir, '_keelson'), scripts.zsh);
    const r = await execa('zsh', ['-n', join(dir, '_keelson')], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  // zsh's completion system needs a terminal; its _arguments and _describe are stood in for by functions that print
  // the specs the script hands them, for the command zsh would be completing.
  it('hands _arguments, for each command, exactly the options its --help lists; _describe every command', async () => {
    await writeFile(join(dir, '_keelson'), scripts.zsh);
    const run = async (state: string, command: string) =>
      (await execa('zsh', ['-f', '-c', `compdef() {}; _describe() { print -l -- \${(P)\${@[-1]}} }; _arguments() { [[ $1 == -C ]] && { state=${state}; line=(${command}); return }; print -l -- "$@" }; source ./_keelson; _keelson`], { cwd: dir })).stdout.split('\n');
    expect((await run('command', '')).map((l) => l.split(':')[0]).sort()).toEqual([...commands].sort());
    for (const [name, help] of helpOf) {
      const specs = await run('args', name);
      const longs = specs.flatMap((s) => /^(?:\([^)]*\))?(--[\w-]+)/.exec(s)?.[1] ?? []);
      expect(longs.sort(), name).toEqual(optionsIn(help).sort());
    }
  });
});

describe('keelson man', () => {
  it('renders with groff without a warning, every command and option in it, and the exit codes', async () => {
    const warnings = await execa('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: scripts.man, reject: false });
    expect(warnings.stderr).toBe('');
    const text = (await execa('groff', ['-man', '-Tascii', '-P', '-cbou'], { input: scripts.man, env: { MANWIDTH: '200' } })).stdout.replace(/-\n\s*/g, '-');
    for (const c of commands.filter((c) => c !== 'help')) expect(text).toContain(`keelson ${c}`);
    for (const [name, help] of helpOf) for (const o of optionsIn(help)) expect(text, `${name} ${o}`).toContain(o);
    for (const e of EXIT_MEANINGS) expect(text.replace(/\s+/g, ' ')).toContain(`${e.code} ${e.meaning}`);
  });

});
