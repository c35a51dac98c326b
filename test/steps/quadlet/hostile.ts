// Hostile values for the quoting proof, and the .container keelson writes for them. The real Quadlet generator's
// dry-run output for this file is recorded in test/golden/quadlet-real/ (Podman 5.4.2, Debian 13).
import { healthCmdValue, quoteWord, quoteWords } from '../../../steps/quadlet/systemd-quote.js';

export const hostileWords: readonly string[] = [
  'plain', 'two words', '  lead  ', 'double"quote', "single'quote", "'q'", '"dq"', 'back\\slash', 'trail\\', '\\',
  '100%', '%h/%n', '%%', '$HOME', '${HOME}', '$$', '$(rm -rf /)', '`id`', 'a;b', ';;', '#x', ';x', '=', 'ünï ✓',
  '\\x20', '\\n', "mix 'a' \"b\" \\ $X %p",
];

export const hostileEnv = `K=${hostileWords.join(' | ')}`;
export const hostileHealth: readonly string[] = ['/bin/sh', '-c', hostileWords.join(' ')];

export const hostileContainer = (): string =>
  [
    '[Container]',
    'ContainerName=hostile',
    'Image=localhost/x:1',
    `Exec=${quoteWords(hostileWords)}`,
    `Environment=${quoteWord(hostileEnv)}`,
    `HealthCmd=${healthCmdValue(hostileHealth)}`,
    '',
  ].join('\n');
