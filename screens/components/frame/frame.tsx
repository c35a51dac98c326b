// Every screen sits in the same frame: where you are, what you are working on, then the body, then the keys.
import type { ReactNode } from 'react';
import { Box } from 'ink';
import { LineRow } from '../line-view/line-view.js';
import { seg, type Line } from '../../lines/line.js';
import { useLayout } from './use-layout.js';

export interface KeyHint {
  readonly key: string;
  readonly label: string;
}

export interface FrameProps {
  readonly title: string;
  /** Stack and target, once known: "demo 1.0.0 → ssh admin@host:22 (sudo)". */
  readonly context?: string;
  readonly keys: readonly KeyHint[];
  /** Replaces the key hints (a question the footer asks, e.g. "Quit now? y/n"). */
  readonly prompt?: Line;
  readonly children: ReactNode;
}

export const keyLine = (keys: readonly KeyHint[]): Line =>
  keys.flatMap((k, i) => [seg(i === 0 ? '' : '  '), seg(k.key, { bold: true }), seg(` ${k.label}`, { tone: 'muted' })]);

export const Frame = ({ title, context, keys, prompt, children }: FrameProps) => {
  const { width, bodyRows } = useLayout();
  const rule: Line = [seg('─'.repeat(width), { tone: 'muted' })];
  return (
    <Box flexDirection="column" width={width}>
      <LineRow line={[seg('keelson', { bold: true, tone: 'accent' }), seg('  '), seg(title, { bold: true })]} width={width} />
      <LineRow line={[seg(context ?? '', { tone: 'muted' })]} width={width} />
      <LineRow line={rule} width={width} />
      <Box flexDirection="column" height={bodyRows} overflow="hidden">
        {children}
      </Box>
      <LineRow line={rule} width={width} />
      <LineRow line={prompt ?? keyLine(keys)} width={width} />
    </Box>
  );
};
