// keelson's command line. With no command in a terminal it opens the wizard; the headless commands below
// run the same engine for scripts, CI and support staff.
import { ignoreClosedStdout } from './closed-pipe.js';
import { Argument, Command, CommanderError, Option } from 'commander';
import { HostError } from '../host/host-error.js';
import { NotUtf8TextError } from '../host/workstation-files.js';
import { KEELSON_VERSION } from '../engine/version.js';
import { EXIT, UsageError } from './exit-codes.js';
import { visibleText } from '../engine/visible-text.js';
import type { PlanFlags } from './commands/plan.js';
import type { ApplyFlags } from './commands/apply.js';
import type { UpgradeFlags } from './commands/upgrade.js';
import type { HostFlags } from './open-host.js';
import { addHelpFooters, withExample } from './help-text.js';
import { SHELLS, type Shell } from './completion-shells.js';
import type { DoctorFlags } from './commands/doctor.js';
import type { KeygenFlags } from './commands/keygen.js';
import type { PackFlags } from './commands/pack.js';
import type { VerifyFlags } from './commands/verify.js';
import type { RollbackFlags } from './commands/rollback.js';
import type { LogsFlags } from './commands/logs.js';
import type { SupportBundleFlags } from './commands/support-bundle.js';
import type { UninstallFlags } from './commands/uninstall.js';

// Each command is loaded only when it runs: the engine, ssh2 and Ink are heavy, and --version or the
// wizard's first frame should not wait for the code of the other commands.
const planCommand = async (flags: PlanFlags) => (await import('./commands/plan.js')).planCommand(flags);
const applyCommand = async (file: string | undefined, flags: ApplyFlags) => (await import('./commands/apply.js')).applyCommand(file, flags);
const upgradeCommand = async (flags: UpgradeFlags) => (await import('./commands/upgrade.js')).upgradeCommand(flags);
const rollbackCommand = async (flags: RollbackFlags) => (await import('./commands/rollback.js')).rollbackCommand(flags);
const statusCommand = async (flags: HostFlags & { json?: boolean }) => (await import('./commands/status.js')).statusCommand(flags);
const uninstallCommand = async (flags: UninstallFlags) => (await import('./commands/uninstall.js')).uninstallCommand(flags);
const doctorCommand = async (flags: DoctorFlags) => (await import('./commands/doctor.js')).doctorCommand(flags);
const logsCommand = async (name: string | undefined, flags: LogsFlags) => (await import('./commands/logs.js')).logsCommand(name, flags);
const supportBundleCommand = async (flags: SupportBundleFlags) => (await import('./commands/support-bundle.js')).supportBundleCommand(flags);
const schemaCommand = async () => { (await import('./commands/schema.js')).schemaCommand(); };
const keygenCommand = async (flags: KeygenFlags) => (await import('./commands/keygen.js')).keygenCommand(flags);
const packCommand = async (dir: string, flags: PackFlags) => (await import('./commands/pack.js')).packCommand(dir, flags);
const verifyCommand = async (file: string, flags: VerifyFlags) => (await import('./commands/verify.js')).verifyCommand(file, flags);
const wizardCommand = async (flags: HostFlags & { stack?: string; trust?: string }) => (await import('./commands/wizard.js')).wizardCommand(flags);
// Both are made from the program itself (the root of the command they run in), as --help is.
const completionCommand = async (shell: Shell, _flags: unknown, cmd: Command) => { (await import('./commands/completion.js')).completionCommand(shell, cmd.parent ?? cmd); };
const manCommand = async (_flags: unknown, cmd: Command) => { (await import('./commands/man.js')).manCommand(cmd.parent ?? cmd); };
const licensesCommand = async () => (await import('./commands/licenses.js')).licensesCommand();

const hostOptions = (cmd: Command): Command =>
  cmd
    .option('--host <user@host[:port]>', 'the target over SSH (default: this machine)')
    .option('--identity <keyfile>', 'SSH private key (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--accept-new-host-key', 'trust a host key seen for the first time (headless first contact)')
    .option('--host-key <SHA256:…>', 'trust only this host key fingerprint (pinning)')
    .option('--known-hosts <file>', 'known_hosts file to verify against (default: ~/.ssh/known_hosts)')
    .option('--connect-timeout <seconds>', 'how long the SSH handshake may take (default 20; a slow link or a busy host)');

// The one example each command's --help (and the man page) shows.
const EXAMPLES: Record<string, string> & { keelson: string } = {
  keelson: 'keelson plan --stack demo --host admin@192.0.2.10',
  plan: 'keelson plan --stack demo --host admin@192.0.2.10 --out plan.json',
  apply: 'keelson apply plan.json --host admin@192.0.2.10 --yes',
  status: 'keelson status --host admin@192.0.2.10 --json',
  schema: 'keelson schema > keelson-manifest.schema.json',
  wizard: 'keelson wizard --host admin@192.0.2.10 --identity ~/.ssh/id_ed25519',
  completion: 'source <(keelson completion bash)',
  man: 'keelson man | man -l -',
  licenses: 'keelson licenses | less',
  doctor: 'keelson doctor --host admin@192.0.2.10 --json --only unit,storage',
  keygen: 'keelson keygen --out vendor-2026',
  pack: 'keelson pack ./my-stack --key vendor-2026.key --out my-stack-1.0.0.keelson',
  verify: 'keelson verify my-stack-1.0.0.keelson --trust vendor-2026.pub',
  upgrade: 'keelson upgrade --stack demo-1.1.0.yaml --host admin@192.0.2.10 --check',
  rollback: 'keelson rollback --host admin@192.0.2.10 --yes',
  logs: 'keelson logs web --host admin@192.0.2.10 --since "1 hour ago" --lines 500',
  'support-bundle': 'keelson support-bundle --host admin@192.0.2.10 --out case-4711.tar.gz',
  uninstall: 'keelson uninstall --host admin@192.0.2.10 --purge --confirm-stack demo --yes',
};

// The failed mark (a rollback that failed too) stops apply, upgrade and rollback until the operator clears it.
const clearFailedOption = (cmd: Command): Command =>
  cmd.option('--clear-failed', 'clear the failed mark of the stack (read why first: keelson status); the clearing is journaled and kept in the history');

// A stack archive (FILE.keelson) is verified against a trusted key before anything of it is read further.
const trustOptions = (cmd: Command): Command =>
  cmd
    .option('--trust <pubkey>', 'the minisign public key a stack archive must be signed by (default: ~/.config/keelson/trusted.pub)')
    .option('--allow-unsigned', "do not check a stack archive's signature (its checksums still are); the plan and the journal say so");

// A stack installed from a signed archive takes a new version signed by another key only when the operator says so.
const newSignerOption = (cmd: Command): Command =>
  cmd.option('--allow-new-signer', 'accept a stack archive signed by another key than the installed version (check the new key with its vendor first); a manifest file after a signed install needs --allow-unsigned');

const passphraseOption = (cmd: Command): Command =>
  cmd.option('--passphrase-fd <n>', "read the secret key's passphrase from this file descriptor (e.g. --passphrase-fd 3 3<file); default: typed on the terminal");

export const buildProgram = (): Command => {
  const program = new Command('keelson')
    .description('Bring a hardened Podman Quadlet stack onto a Linux host: checks, plan, apply.')
    .version(KEELSON_VERSION, '-V, --version')
    .showHelpAfterError('(keelson --help lists the commands)')
    .exitOverride();

  newSignerOption(hostOptions(trustOptions(
    program
      .command('plan')
      .description('gather facts (one round trip), check the host and show what apply would change')
      .requiredOption('--stack <name|file>', 'a bundled stack (demo, cdr-link) or a manifest file')
      .option('--answers <file>', "answers to the stack's questions (YAML or JSON)")
      .option('--json', 'print the plan as JSON')
      .option('--out <file>', 'also save the plan as JSON, to apply later')
      .option('--timings', "show where the time went: the fact script's round trip and each probe's own time, slowest first")
      .option('--setup-luks <device>', 'set up LUKS2 on this EMPTY disk for the data mount (refused if it holds anything)')
      .option('--luks-key-file <path>', 'where on the host the generated LUKS key is kept (default /etc/cryptsetup-keys.d/NAME.key)'),
  ))).action(planCommand);

  newSignerOption(clearFailedOption(hostOptions(trustOptions(
    program
      .command('apply')
      .description('apply a fresh plan, or a saved one (refused if the host changed since)')
      .argument('[planfile]', 'a plan saved with "keelson plan --out"')
      .option('--stack <name|file>', 'a bundled stack or a manifest file (needed without a plan file)')
      .option('--answers <file>', "answers to the stack's questions")
      .option('--secrets <file>', 'secret answers (a 0600 YAML file); or KEELSON_SECRET_<ID> in the environment')
      .option('--setup-luks <device>', 'set up LUKS2 on this EMPTY disk for the data mount (refused if it holds anything)')
      .option('--luks-key-file <path>', 'where on the host the generated LUKS key is kept')
      .option('--yes', 'apply without asking (headless)')
      .option('--json', 'print the result as JSON'),
  )))).action(applyCommand);

  passphraseOption(
    program
      .command('keygen')
      .description('make a signing key pair: NAME.pub and NAME.key (0600, encrypted with a passphrase; never printed)')
      .requiredOption('--out <name>', 'write NAME.pub and NAME.key (never replaces existing files)')
      .option('--unencrypted', 'do not encrypt the secret key (keep it somewhere safe: anyone who reads it can sign)'),
  ).action(keygenCommand);

  passphraseOption(
    program
      .command('pack')
      .description("build a signed stack archive: the manifest, its image archives (imageFile) and a minisign signature")
      .argument('<stack-dir>', 'the directory holding manifest.yaml and images/*.tar')
      .requiredOption('--key <secret-key>', 'the minisign secret key to sign with (keelson keygen, or minisign -G)')
      .requiredOption('--out <file.keelson>', 'the archive to write'),
  ).action(packCommand);

  program
    .command('verify')
    .description("check a stack archive's signature and every checksum, as plan and apply do")
    .argument('<file.keelson>', 'the stack archive')
    .option('--trust <pubkey>', 'the minisign public key it must be signed by (default: ~/.config/keelson/trusted.pub)')
    .option('--json', 'JSON output')
    .action(verifyCommand);

  newSignerOption(clearFailedOption(hostOptions(trustOptions(
    program
      .command('upgrade')
      .description('upgrade a deployed stack to the manifest\'s version: summary, phases, automatic rollback (exit 0 done or up to date, 1 failed or rolled back, 3 refused or blocked, 4 --check: upgrade available)')
      .requiredOption('--stack <name|file>', 'the new version: a bundled stack or a manifest file')
      .option('--answers <file>', 'answers to NEW questions (kept answers are reused; an answer here replaces the kept one)')
      .option('--secrets <file>', 'secret answers (a 0600 YAML file); or KEELSON_SECRET_<ID> in the environment')
      .option('--check', 'read-only: print what the upgrade would do (exit 0 up to date, 4 upgrade available, 3 blocked)')
      .option('--yes', 'upgrade without asking (headless)')
      .option('--json', 'print the summary (and the outcome) as JSON')
      .option('--allow-downgrade', 'allow a manifest (or a stack archive\'s signed version) older than the deployed version'),
  )))).action(upgradeCommand);

  clearFailedOption(hostOptions(
    program
      .command('rollback')
      .description('roll back an upgrade that did not finish (interrupted, or its own rollback failed) from the plan it saved on the host; the plan is shown first (exit 0 done or nothing to roll back, 1 failed, 3 refused)')
      .option('--stack <name>', 'the deployed stack (default: the last run\'s, or the only one)')
      .option('--yes', 'roll back without asking (headless)')
      .option('--json', 'print the result as JSON'),
  )).action(rollbackCommand);

  hostOptions(
    program
      .command('uninstall')
      .description("remove a deployed stack: units, unit files, networks, the record's entry; the data stays unless --purge (exit 0 done or nothing to do, 1 failed, 2 bad usage, 3 refused)")
      .option('--stack <name>', 'the stack to remove (needed when the host has more than one)')
      .option('--purge', 'also delete its volumes (exported first, checksummed, onto the data mount), secrets, images and the accounts keelson created')
      .option('--confirm-stack <name>', "the stack's name again: --purge --yes needs it")
      .option('--no-backup', "with --purge: do not export the volumes first (you have your own backup); the plan says they are deleted unsaved")
      .option('--yes', 'go on without asking (headless); without it the plan is printed and nothing changes')
      .option('--json', 'print the plan (and the outcome) as JSON'),
  ).action(uninstallCommand);

  hostOptions(
    program.command('status').description('what keelson deployed on the host, each unit as it runs now, and how the last run ended (one round trip, read-only)').option('--json', 'JSON output'),
  ).action(statusCommand);

  hostOptions(
    program
      .command('doctor')
      .description("what is wrong with the deployed stacks: read-only checks from the host's record, in one round trip")
      .option('--json', 'print the checks as JSON')
      .option('--only <ids>', 'only these checks: ids or their leading parts, comma-separated (e.g. unit,storage:auditd)')
      .option('--skip <ids>', 'leave these checks out (same form as --only)')
      .addHelpText('after', '\nDoctor changes nothing on the host; each remedy is printed for you to run.\nExit codes: 0 no check fails, 3 at least one check fails, 1 doctor could not run (the message says why).'),
  ).action(doctorCommand);

  hostOptions(
    program
      .command('logs')
      .description("the journal of the deployed stack's units, each from the manager that runs it (read-only)")
      .argument('[unit]', 'a unit or container of the stack (web, web.service, demo.target, STACK:NAME); default: all of them')
      .option('--since <time>', 'only lines since then, as journalctl takes it ("1 hour ago", "2026-12-01 08:00")')
      .option('--lines <n>', 'at most this many lines (default 200)')
      .option('--follow', 'keep printing new lines until Ctrl-C'),
  ).action(logsCommand);

  hostOptions(
    program
      .command('support-bundle')
      .description('a redacted tar.gz for support: doctor, the record, unit files, unit states, bounded journals, versions (read-only on the host)')
      .option('--out <file>', 'where to write it (default keelson-support-HOST-TIME.tar.gz); the pseudonym map goes beside it, 0600')
      .option('--list', 'show what would be collected and from where, and collect nothing'),
  ).action(supportBundleCommand);

  program.command('schema').description('print the manifest JSON Schema (for editors)').action(schemaCommand);

  hostOptions(program.command('wizard', { isDefault: true }).description('the step wizard (the default in a terminal)'))
    .addOption(new Option('--stack <name|file>', 'start with this stack (a bundled name, a manifest file, or a stack archive FILE.keelson)'))
    .option('--trust <pubkey>', 'the minisign public key a stack archive must be signed by (default: ~/.config/keelson/trusted.pub); the wizard never skips the signature')
    .action(wizardCommand);

  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action(completionCommand);
  program.command('man').description('print the manual page (roff)').action(manCommand);
  program.command('licenses').description("print keelson's licence and the licences of the packages bundled into it (read-only, no host)").action(licensesCommand);

  withExample(program, EXAMPLES.keelson);
  for (const cmd of program.commands) {
    const example = EXAMPLES[cmd.name()];
    if (example !== undefined) withExample(cmd, example);
  }
  return addHelpFooters(program);
};

export const reportError = (e: unknown): number => {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  // Messages quote manifests, answers files and hosts: control characters are shown, never obeyed by the terminal.
  if (e instanceof UsageError || e instanceof NotUtf8TextError) {
    process.stderr.write(visibleText(`keelson: ${e.message}\n`));
    return EXIT.usage;
  }
  if (e instanceof HostError) {
    process.stderr.write(visibleText(`keelson: ${e.message}\n  → ${e.remedy}\n`));
    return EXIT.failed;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(visibleText(`keelson: ${message}\n  (set KEELSON_DEBUG=1 for details)\n`));
  if (process.env.KEELSON_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
  return EXIT.failed;
};

const main = async (): Promise<void> => {
  ignoreClosedStdout();
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    process.exitCode = reportError(e);
  }
};

void main();
