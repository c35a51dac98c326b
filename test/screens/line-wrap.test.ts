// Text laid out to the terminal width: prose wraps between words (a path breaks after a "/", never inside a file
// name), a file's line wraps exactly (its rows put together are the line, byte for byte), widths are columns.
import { describe, expect, it } from 'vitest';
import { CONTINUED, lineText, seg, textWidth, wrapExact, wrapLine, wrapText, wrapped } from '../../screens/lines/line.js';

describe('wrapText', () => {
  it('breaks a path too long for the line after a "/", never inside the file name', () => {
    const rows = wrapText('+ /etc/systemd/system/network-online.target.d/keelson-network-online.conf: boot waits for the network', 56, '    ');
    expect(rows).toEqual(['+ /etc/systemd/system/network-online.target.d/', '    keelson-network-online.conf: boot waits for the', '    network']);
    for (const r of rows) expect(textWidth(r)).toBeLessThanOrEqual(56);
  });

  it('moves a word that fits on a line of its own to the next row whole', () => {
    expect(wrapText('the unit keelson-network-online.conf is written', 30)).toEqual(['the unit', 'keelson-network-online.conf is', 'written']);
  });

  it('cuts only what has no break point at all (a hash), and loses no character', () => {
    const hash = 'f'.repeat(100);
    const rows = wrapText(`sha256 ${hash}`, 40);
    expect(rows.join('').replace('sha256', '')).toBe(hash);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(40);
  });

  it('counts columns, not characters: wide characters fit the row', () => {
    for (const r of wrapText('挨拶 '.repeat(30), 21)) expect(textWidth(r)).toBeLessThanOrEqual(21);
    expect(wrapped('挨拶 '.repeat(30), 21).every((l) => textWidth(lineText(l)) <= 21)).toBe(true);
  });
});

describe('wrapExact', () => {
  const line = `+Exec=/usr/bin/env ${'A=1 '.repeat(30)}/bin/httpd -f -p 8080`;

  it('shows every byte of a long diff line: the rows put together are the line', () => {
    const rows = wrapExact(line, 60, '      ').map(lineText);
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) expect(textWidth(r)).toBeLessThanOrEqual(60);
    const [first = '', ...rest] = rows;
    expect(first.slice(6) + rest.map((r) => r.slice(7)).join('')).toBe(line);
  });

  it('marks each continuation in the sign column, so it never reads as a line of the file', () => {
    const rows = wrapExact(line, 60, '      ').map(lineText);
    expect(rows[0]?.[6]).toBe('+');
    for (const r of rows.slice(1)) expect(r.slice(0, 7)).toBe(`      ${CONTINUED}`);
    expect(wrapExact('+short', 60, '      ').map(lineText)).toEqual(['      +short']);
  });
});

describe('wrapLine', () => {
  it('wraps a line of several styles, each row keeping the styles of its words', () => {
    const rows = wrapLine([seg('1. Preflight: OS, Podman and packages', { bold: true }), seg(' (blocked)', { tone: 'bad' })], 30, '   ');
    expect(rows.map(lineText)).toEqual(['1. Preflight: OS, Podman and', '   packages (blocked)']);
    expect(rows[1]).toEqual([seg('   '), seg('packages', { bold: true }), seg(' (blocked)', { tone: 'bad' })]);
  });
});
