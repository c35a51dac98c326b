// The keys of each screen, for the footer (short) and the help screen (long).
import type { KeyHint } from '../components/frame/frame.js';
import type { ScreenId } from '../app/wizard-state.js';

export const HELP: Record<ScreenId, readonly [string, string][]> = {
  welcome: [['↑↓ enter', 'choose'], ['q', 'quit'], ['?', 'this help']],
  target: [['↑↓ enter', 'choose this machine or a host over SSH'], ['tab ↑↓', 'move between fields'], ['enter', 'connect'], ['esc / b', 'back'], ['ctrl+c / q', 'quit']],
  'host-run': [['↑↓ enter', 'resume, roll back or leave the interrupted run'], ['b', 'back'], ['q', 'quit']],
  stack: [['↑↓ enter', 'choose a bundled stack or a manifest file'], ['esc / b', 'back'], ['ctrl+c / q', 'quit']],
  questions: [['type', 'answer; problems show as you type'], ['tab ↑↓', 'move between questions'], ['enter', 'next question, then plan'], ['esc', 'back'], ['ctrl+c', 'quit']],
  step: [['↑↓ pgup pgdn', 'scroll'], ['enter', 'next step'], ['s', 'skip this step (leave its actions out), again to include it'], ['r', 'gather the facts again (after fixing something)'], ['b', 'back'], ['q', 'quit']],
  review: [['↑↓ pgup pgdn', 'scroll the whole plan'], ['enter', 'apply (asks to confirm)'], ['w', 'save the answers to a file for keelson apply --answers'], ['b', 'back'], ['q', 'quit']],
  apply: [['↑↓', 'scroll the actions'], ['q / ctrl+c', 'stop after the running action (asks first)'], ['enter', 'when done: the summary'], ['r', 'after a failure: plan again and apply what is left']],
  summary: [['↑↓ pgup pgdn', 'scroll'], ['w', 'save the answers to a file'], ['r', 'plan again'], ['q / enter', 'quit']],
};

export const hints = (...pairs: [string, string][]): KeyHint[] => pairs.map(([key, label]) => ({ key, label }));
