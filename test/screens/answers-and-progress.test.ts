// What the wizard leaves on the workstation: an answers file the headless CLI replays (secrets apart, 0600),
// and its progress in conf (a temp directory here), never with a secret in it.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAnswersFiles, secretsPathFor } from '../../src/cli/wizard-answers-file.js';
import { fileProgressStore, wizardSettingsFile } from '../../src/cli/wizard-progress-store.js';
import { loadAnswers } from '../../src/cli/context.js';
import { loadSecretAnswers } from '../../src/cli/secrets-file.js';
import { demoManifest } from './helpers/fixtures.js';

const temp = () => mkdtempSync(join(tmpdir(), 'keelson-wizard-'));

describe('writeAnswersFiles', () => {
  it('writes answers that `--answers` replays and secrets that `--secrets` reads, the secrets 0600', async () => {
    const dir = temp();
    const saved = await writeAnswersFiles({
      keelson: 'npm run keelson --',
      answersPath: join(dir, 'demo.answers.yaml'),
      stackRef: 'demo',
      answers: { domain: 'shop.example.org', port: '8081' },
      secrets: { 'admin-token': "it's: a #secret" },
      host: 'admin@192.0.2.10:2222',
    });
    expect(saved.secretsPath).toBe(join(dir, 'demo.answers.secrets.yaml'));
    expect(saved.replay).toBe(`npm run keelson -- apply --stack demo --answers ${join(dir, 'demo.answers.yaml')} --secrets ${join(dir, 'demo.answers.secrets.yaml')} --host admin@192.0.2.10:2222 --yes`);
    expect(await loadAnswers(demoManifest, saved.answersPath)).toEqual({ domain: 'shop.example.org', port: '8081' });
    expect((await loadSecretAnswers(saved.secretsPath ?? '', {})).values).toEqual({ 'admin-token': "it's: a #secret" });
    expect(statSync(saved.secretsPath ?? '').mode & 0o777).toBe(0o600);
    const answersText = readFileSync(saved.answersPath, 'utf8');
    expect(answersText).toContain('stack: demo');
    expect(answersText).not.toContain('a #secret');
  });

  it('writes no secrets file when the stack asks none', async () => {
    const saved = await writeAnswersFiles({ keelson: 'keelson', answersPath: join(temp(), 'a.yaml'), stackRef: '/srv/stack.yaml', answers: {}, secrets: {} });
    expect(saved.secretsPath).toBeNull();
    expect(saved.replay).not.toContain('--secrets');
  });

  it.each([
    ['a.yaml', 'a.secrets.yaml'],
    ['a.yml', 'a.secrets.yaml'],
    ['answers', 'answers.secrets.yaml'],
  ])('puts the secrets of %s in %s', (a, s) => {
    expect(secretsPathFor(a)).toBe(s);
  });
});

describe('fileProgressStore', () => {
  const progress = { target: { kind: 'ssh' as const, destination: 'admin@host', identity: '/k' }, stackRef: 'demo', answers: { domain: 'x' }, screen: 'step' as const, stepIndex: 1, skipped: ['accounts'], savedAt: '2025-01-01T00:00:00Z' };

  it('keeps progress across instances (the next keelson run), 0600, and forgets it on clear', () => {
    const cwd = temp();
    fileProgressStore(wizardSettingsFile(cwd)).save(progress);
    const again = fileProgressStore(wizardSettingsFile(cwd));
    expect(again.load()).toEqual(progress);
    expect(statSync(join(cwd, 'wizard.json')).mode & 0o777).toBe(0o600);
    again.clear();
    expect(fileProgressStore(wizardSettingsFile(cwd)).load()).toBeNull();
  });

  it('treats progress it cannot read as none, rather than failing the wizard', () => {
    const cwd = temp();
    writeFileSync(join(cwd, 'wizard.json'), JSON.stringify({ progress: { screen: 'apply', answers: 3 } }));
    expect(fileProgressStore(wizardSettingsFile(cwd)).load()).toBeNull();
  });

  it.each([
    ['an ssh target without a destination', { ...progress, target: { kind: 'ssh', destination: '' } }],
    ['a negative step', { ...progress, stepIndex: -1 }],
    ['a fractional step', { ...progress, stepIndex: 1.5 }],
    ['an answer that is not text', { ...progress, answers: { domain: 3 } }],
    ['no savedAt', { ...progress, savedAt: undefined }],
  ])('reads %s as no progress', (_what, saved) => {
    const cwd = temp();
    writeFileSync(join(cwd, 'wizard.json'), JSON.stringify({ progress: saved }));
    expect(fileProgressStore(wizardSettingsFile(cwd)).load()).toBeNull();
  });

  it('keeps the other settings of the file, drops fields it does not know, and reads a file that is not JSON as none', () => {
    const cwd = temp();
    writeFileSync(join(cwd, 'wizard.json'), JSON.stringify({ other: 1, progress: { ...progress, extra: 'x' } }));
    const store = fileProgressStore(wizardSettingsFile(cwd));
    expect(store.load()).toEqual(progress);
    store.clear();
    expect(JSON.parse(readFileSync(join(cwd, 'wizard.json'), 'utf8'))).toEqual({ other: 1 });
    writeFileSync(join(cwd, 'wizard.json'), '{ not json');
    expect(store.load()).toBeNull();
  });
});
