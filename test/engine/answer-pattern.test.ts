// Issue 12 item 3: a question's pattern cannot freeze the wizard (it checks every key press) or the plan.
import { describe, expect, it } from 'vitest';
import { resolveAnswers, validateAnswer } from '../../src/engine/answers.js';
import { manifestSchema } from '../../src/manifest/schema.js';

const question = { id: 'q', prompt: 'Q', pattern: '(a+)+' };

describe('answers are matched in linear time', () => {
  it('(a+)+ against 34 "a"s and "!" answers at once, as a mismatch', () => {
    const t = performance.now();
    expect(validateAnswer(question, `${'a'.repeat(34)}!`)).toBe('must match (a+)+');
    expect(validateAnswer(question, 'a'.repeat(1000))).toBeNull();
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('the whole answer must match, as before', () => {
    expect(validateAnswer({ id: 'q', prompt: 'Q', pattern: '[a-z]+' }, 'abc1')).toBe('must match [a-z]+');
    expect(validateAnswer({ id: 'q', prompt: 'Q', pattern: 'a|b' }, 'ab')).toBe('must match a|b');
  });

  it('an answer with a bidi override is refused', () => {
    const m = manifestSchema.parse({ stack: 's', version: '1.0.0', mode: 'rootful', questions: [{ id: 'q', prompt: 'Q' }], containers: [{ name: 'w', image: 'localhost/w:1', user: '1:1' }] });
    const r = resolveAnswers(m, { q: 'abc\u202edef' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toMatch(/bidi/);
  });
});
