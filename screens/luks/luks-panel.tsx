// "l" on the storage step: the LUKS setup of `--setup-luks`, asked for in the wizard. The operator names an empty
// disk and types its path a second time to confirm; enter puts the request in the answers and plans again. A hook
// (as the answers panel): the Step screen puts its bindings in its frame.
import { useReducer, useState, type ReactNode } from 'react';
import { Box, type Key } from 'ink';
import { LineView } from '../components/line-view/line-view.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { bind, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';
import { defaultKeyFileFor, luksFormProblem, type LuksRequest } from './luks-request.js';

export interface LuksPanelOptions {
  readonly dataMount: string;
  /** The request already in the answers (the panel changes or drops it), or null. */
  readonly current: LuksRequest | null;
  readonly width: number;
  readonly onRequest: (request: LuksRequest | null) => void;
  readonly onCancel: () => void;
  readonly onQuit: () => void;
}

export interface LuksPanel {
  readonly bindings: Binding[];
  readonly onRaw: (input: string, key: Key) => boolean;
  readonly body: ReactNode;
}

const FIELDS = ['Empty disk (e.g. /dev/disk/by-id/virtio-data, /dev/vdb)', 'The same path again, to confirm', 'Key file on the host (root only, opens it at boot)'] as const;

/** What the setup does is said on the step before l opens this; the form itself stays short enough for 60×20. */
export const luksIntroLines = (dataMount: string, changing: boolean, width: number): Line[] => [
  ...wrapped(`Set up LUKS2 for ${dataMount} on an empty disk`, width, { bold: true }),
  ...wrapped(changing ? 'Clear both paths (ctrl+u) to plan without the setup.' : 'Nothing changes on the host before you confirm the Review.', width, { tone: 'muted' }),
  blank,
];

/** On the storage step, before l: what the setup will do, so the operator knows before naming a disk. */
export const luksOfferLines = (dataMount: string, width: number): Line[] => [
  ...wrapped(`keelson can encrypt an empty extra disk for ${dataMount}: press l.`, width, { tone: 'accent', bold: true }),
  ...wrapped(
    `It formats the disk you name (LUKS2, aes-xts-plain64, argon2id), moves ${dataMount}'s content onto it and opens it at boot with a key it makes on the host and shows you once. A disk that holds anything is refused. lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINTS on the host lists its disks.`,
    width,
    { tone: 'muted' },
  ),
  blank,
];

export const useLuksPanel = ({ dataMount, current, width, onRequest, onCancel, onQuit }: LuksPanelOptions): LuksPanel => {
  const [field, setField] = useState(0);
  const [device, editDevice] = useReducer(textInputReducer, current?.device ?? '', textInputInit);
  const [confirm, editConfirm] = useReducer(textInputReducer, '', textInputInit);
  const [keyFile, editKeyFile] = useReducer(textInputReducer, current?.keyFile === undefined || current.keyFile === '' ? defaultKeyFileFor(dataMount) : current.keyFile, textInputInit);
  const problem = luksFormProblem(device.value.trim(), confirm.value.trim(), keyFile.value.trim(), dataMount, current !== null);
  const last = field === FIELDS.length - 1;
  const send = () => {
    if (problem !== null) return;
    const d = device.value.trim();
    onRequest(d === '' ? null : { device: d, keyFile: keyFile.value.trim() });
  };
  const bindings: Binding[] = [
    TEXT_FIELD_KEYS,
    bind('tab ↑↓', 'field', ['up', 'down'], (i) => { setField((f) => (f + (i === 'up' ? FIELDS.length - 1 : 1)) % FIELDS.length); }, { help: 'move between the disk, its confirmation and the key file' }),
    bind('enter', last ? 'plan' : 'next', 'enter', () => { if (last) send(); else setField(field + 1); }, {
      help: 'on the last field: plan again with the LUKS setup (or, both paths empty, without it); nothing changes before the Review',
    }),
    bind('esc', 'cancel', 'back', onCancel, { help: 'back to the step, leaving the plan as it is' }),
    bind('ctrl+c', 'quit', 'quit', onQuit),
  ];
  const onRaw = (input: string, key: Key): boolean => {
    const e = textKey(input, key);
    if (e === null) return false;
    [editDevice, editConfirm, editKeyFile][field]?.(e);
    return true;
  };
  const states = [device, confirm, keyFile];
  const body = (
    <Box flexDirection="column" width={width}>
      <LineView lines={luksIntroLines(dataMount, current !== null, width)} width={width} />
      {FIELDS.map((label, i) => (
        <Box key={label} flexDirection="column" width={width}>
          <LineView lines={wrapped(label, width, { bold: i === field }, seg(i === field ? '› ' : '  ', { tone: 'accent', bold: true }), '')} width={width} />
          <Box paddingLeft={4} width={width} height={1}>
            {states[i] === undefined ? null : <TextInput state={states[i]} focused={i === field} width={width - 4} />}
          </Box>
        </Box>
      ))}
      <LineView lines={problem === null ? [blank] : wrapped(problem, width, { tone: 'bad' }, seg('    ✗ ', { tone: 'bad' }), '')} width={width} />
    </Box>
  );
  return { bindings, onRaw, body };
};
