import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/engine/answers.js';
import type { Manifest } from '../../src/manifest/schema.js';

const manifest = {
  stack: 'demo',
  questions: [
    { id: 'greeting', prompt: 'Greeting?', pattern: '[A-Za-z ]{1,40}' },
    { id: 'port', prompt: 'Port?', default: '8080' },
  ],
} as unknown as Manifest;

describe('answers', () => {
  it('takes given answers, fills defaults, and keeps keelson.* options', () => {
    expect(resolveAnswers(manifest, { greeting: 'Hello there', 'keelson.luks-device': '/dev/vdb' })).toEqual({
      ok: true,
      answers: { greeting: 'Hello there', port: '8080', 'keelson.luks-device': '/dev/vdb' },
    });
  });

  it.each([
    [{}, 'greeting', /has no answer/],
    [{ greeting: 'Hi; $(reboot)' }, 'greeting', /must match/],
    [{ greeting: 'Hi\nthere' }, 'greeting', /control characters/],
    [{ greeting: 'Hi', colour: 'red' }, 'colour', /not a question of stack demo/],
  ])('refuses %j naming %s', (provided, id, message) => {
    const r = resolveAnswers(manifest, provided);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual({ id, message: expect.stringMatching(message) as string });
  });
});
