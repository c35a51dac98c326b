import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/host/line-splitter.js';

describe('LineSplitter', () => {
  it('emits complete lines as they arrive and the unterminated rest at the end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('one\ntw'));
    expect(lines).toEqual(['one']);
    splitter.push(Buffer.from('o\r\nthree'));
    expect(lines).toEqual(['one', 'two']);
    splitter.end();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('keeps a multi-byte character that straddles two chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('größe 🙂\n');
    for (const byte of bytes) splitter.push(Uint8Array.of(byte));
    splitter.end();
    expect(lines).toEqual(['größe 🙂']);
  });

  it('emits empty lines but no phantom line after a final newline', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('\n\nx\n'));
    splitter.end();
    expect(lines).toEqual(['', '', 'x']);
  });
});
