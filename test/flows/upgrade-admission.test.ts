// What an upgrade refuses before it plans anything, and the answers it runs with. Pure.
import { describe, expect, it } from 'vitest';
import { questionsToAsk, upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { admitUpgrade, compareVersions } from '../../src/flows/upgrade/refusals.js';
import { restartSet } from '../../src/flows/upgrade/restart-set.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { parseRecord } from '../../src/state/parse-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost } from './deployed-host.js';

const v100 = loadStack('demo');
const v110 = loadStack('demo-1.1.0');
const installed = deployedHost(v110, { greeting: 'Hi', motto: 'Go' });
const record = parseRecord(installed.recordText);
const refusal = (m: Manifest, allowDowngrade = false) => {
  const r = admitUpgrade(record, m, { allowDowngrade });
  return r.ok ? 'admitted' : `${r.refusal.code}: ${r.refusal.message} → ${r.refusal.remedy}`;
};

describe('admitUpgrade', () => {
  it.each<[string, Manifest, string | RegExp]>([
    ['the next version', { ...v110, version: '1.2.0' }, 'admitted'],
    ['the same version (a repair, or up to date)', v110, 'admitted'],
    ['a downgrade', v100, 'downgrade: demo 1.1.0 is installed; the manifest is the older 1.0.0. → Pass --allow-downgrade if you mean it (data written by the newer version may not be readable by the older one).'],
    ['rootful instead of rootless', { ...v110, mode: 'rootful' }, /^upgrade-mode-changed: The new manifest runs demo rootful; it is installed rootless\. → keelson does not move a stack in place: uninstall demo and install it again/],
    ['another owner', { ...v110, owner: 'someone' }, /^upgrade-owner-changed: The new manifest names the owner someone; demo is installed for keelson-demo\./],
    ['another data mount', { ...v110, dataMount: '/srv' }, /^upgrade-data-mount-changed: The new manifest puts the data on \/srv; it is on \/home now\..*after moving the data yourself/],
    ['another stack name', { ...v110, stack: 'other' }, 'not-installed: other is not installed on this host (installed here: demo; a manifest\'s stack name must be the installed one). → not installed: use apply (keelson apply --stack …) for a first install.'],
  ])('%s', (_name, m, want) => {
    if (typeof want === 'string') expect(refusal(m)).toBe(want);
    else expect(refusal(m)).toMatch(want);
  });

  it('a downgrade with --allow-downgrade is admitted; a host without a record says "not installed: use apply"', () => {
    expect(refusal(v100, true)).toBe('admitted');
    const none = admitUpgrade({ kind: 'absent' }, v110);
    expect(none.ok ? '' : none.refusal.remedy).toMatch(/^not installed: use apply/);
  });

  it('a newer, a corrupt and a failed record are refused with what to do', () => {
    const newer = admitUpgrade(parseRecord('{"format":"keelson-state/9","stacks":{}}'), v110);
    expect(newer.ok ? '' : newer.refusal.code).toBe('record-newer');
    const corrupt = admitUpgrade(parseRecord('{'), v110);
    expect(corrupt.ok ? '' : corrupt.refusal.message).toMatch(/^\/var\/lib\/keelson\/state\.json is not JSON/);
    const failedText = installed.recordText.replace('"failed": null', '"failed": { "at": "t", "reason": "the rollback failed", "runId": "r" }');
    const failed = admitUpgrade(parseRecord(failedText), v110);
    expect(failed.ok ? '' : failed.refusal.code).toBe('stack-failed');
  });

  it('versions compare as semver', () => {
    expect([compareVersions('1.10.0', '1.9.0'), compareVersions('1.0.0', '1.0.0'), compareVersions('1.0.0-rc.1', '1.0.0'), compareVersions('2', '10')]).toEqual([1, 0, -1, -1]);
  });
});

describe('upgradeAnswers', () => {
  it('kept from the record, new ones from the answers file or the default, removed ones dropped; the file wins', () => {
    const r = upgradeAnswers(v110, { greeting: 'Hi', old: 'x' }, { motto: 'Onwards' });
    expect(r).toEqual({ ok: true, value: { answers: { greeting: 'Hi', motto: 'Onwards' }, kept: ['greeting'], asked: ['motto'], dropped: ['old'] } });
    const changed = upgradeAnswers(v110, { greeting: 'Hi' }, { greeting: 'Hello again' });
    expect(changed.ok ? [changed.value.answers.greeting, changed.value.kept] : []).toEqual(['Hello again', []]);
  });

  it('a new question without a default and without an answer, or a kept answer the new pattern refuses: a clear error', () => {
    const strict = { ...v110, questions: v110.questions.map((q) => (q.id === 'motto' ? { id: q.id, prompt: q.prompt } : { ...q, pattern: '[a-z]+' })) };
    const r = upgradeAnswers(strict, { greeting: 'Hi' }, {});
    expect(r.ok ? [] : r.problems).toEqual([
      { id: 'greeting', message: 'the answer kept from the install must match [a-z]+ in 1.1.0: give a new one in --answers FILE' },
      { id: 'motto', message: 'is a new question (The motto the status container reports) without a default: add it to the answers file (--answers FILE)' },
    ]);
  });
});

describe('questionsToAsk', () => {
  it('the wizard asks exactly what upgradeAnswers needs given: new questions and kept answers the new version refuses', () => {
    expect(questionsToAsk(v110, { greeting: 'Hi', old: 'x' }).map((q) => q.id)).toEqual(['motto']);
    expect(questionsToAsk(v110, { greeting: 'Hi', motto: 'Go' })).toEqual([]);
    const strict = { ...v110, questions: v110.questions.map((q) => (q.id === 'greeting' ? { ...q, pattern: '[a-z]+' } : q)) };
    expect(questionsToAsk(strict, { greeting: 'Hi', motto: 'Go' }).map((q) => q.id)).toEqual(['greeting']);
    // A record from format 1 kept no answers: every question is asked.
    expect(questionsToAsk(v110, null).map((q) => q.id)).toEqual(v110.questions.map((q) => q.id));
    // With those answered, upgradeAnswers has nothing left to refuse.
    expect(upgradeAnswers(strict, { greeting: 'Hi', motto: 'Go' }, { greeting: 'hello' }).ok).toBe(true);
  });
});

describe('restartSet', () => {
  it('a changed container and whatever requires it, dependencies first', () => {
    expect(restartSet(v100, new Set(['api']))).toEqual(['api', 'web']);
    expect(restartSet(v100, new Set(['web']))).toEqual(['web']);
    expect(restartSet(v110, new Set(['page']))).toEqual(['page', 'web', 'status']);
  });
});
