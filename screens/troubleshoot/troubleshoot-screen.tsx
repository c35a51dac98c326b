// Troubleshoot: keelson doctor on the connected host, as `keelson doctor` runs it (the same flow, one round trip,
// read-only). The checks as a list, failures first; enter on one shows its evidence and the remedy to copy; r runs
// doctor again; w writes a redacted support bundle on this workstation. Nothing here changes the host.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useController, type DoctorReport } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ChoiceView } from '../components/select/select.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { errorText, type ErrorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import { seg, wrapped } from '../lines/line.js';
import { checkDetailLines, checkOptions, orderedChecks, reportHeadLines, type BundleState } from './troubleshoot-lines.js';

export interface TroubleshootScreenProps extends ScreenProps {
  readonly hostLabel: string;
  readonly onBack: () => void;
}

type Mode =
  | { readonly kind: 'running'; readonly startedAt: number }
  | { readonly kind: 'list'; readonly report: DoctorReport }
  | { readonly kind: 'detail'; readonly report: DoctorReport; readonly id: string }
  | { readonly kind: 'error'; readonly error: ErrorText };

export const TroubleshootScreen = ({ active, context, hostLabel, onBack, onHelp, onQuit }: TroubleshootScreenProps) => {
  const controller = useController();
  const [mode, setMode] = useState<Mode>({ kind: 'running', startedAt: controller.now() });
  const run = useRef(0);
  const [bundle, setBundle] = useState<BundleState>({ kind: 'none' });
  const writeBundle = () => {
    if (bundle.kind === 'writing') return;
    setBundle({ kind: 'writing' });
    controller
      .supportBundle()
      .then((written) => { setBundle({ kind: 'written', written }); })
      .catch((e: unknown) => {
        const error = errorText(e);
        controller.log(`support-bundle: could not be written: ${error.message}`);
        setBundle({ kind: 'failed', message: error.remedy === undefined ? error.message : `${error.message} ${error.remedy}` });
      });
  };

  const runDoctor = () => {
    const mine = ++run.current;
    setMode({ kind: 'running', startedAt: controller.now() });
    controller
      .doctor()
      .then((report) => {
        if (mine === run.current) setMode({ kind: 'list', report });
      })
      .catch((e: unknown) => {
        if (mine !== run.current) return;
        const error = errorText(e);
        controller.log(`doctor: could not run: ${error.message}`);
        setMode({ kind: 'error', error });
      });
  };
  useEffect(() => {
    runDoctor();
    return () => {
      run.current++; // a report for a screen that is gone is dropped
    };
  }, []);

  const report = mode.kind === 'list' || mode.kind === 'detail' ? mode.report : null;
  const checks = report === null ? [] : orderedChecks(report);
  const options = checkOptions(checks);
  const select = useSelectState(options);
  const again = bind('r', 'run again', 'recheck', runDoctor, { help: 'run doctor again (read-only, one round trip)' });
  const quit = bind('q', 'quit', 'quit', onQuit);
  let bindings: Binding[];
  switch (mode.kind) {
    case 'running':
      bindings = [bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    case 'list':
      bindings = [...selectBindings(select, (id) => { scroll.setOffset(0); setMode({ kind: 'detail', report: mode.report, id }); }, 'details'), again, bind('w', 'write support bundle', 'save', writeBundle, { help: 'write a redacted support bundle on this workstation (reads the host, changes nothing)' }), bind('b', 'back', 'back', onBack, { help: 'back to the choices for this host' }), quit];
      break;
    case 'detail':
      bindings = [scrollBinding((i) => { scroll.move(i); }), bind('b', 'list', 'back', () => { setMode({ kind: 'list', report: mode.report }); }, { help: 'back to the list of checks' }), again, quit];
      break;
    case 'error':
      bindings = [bind('r', 'try again', ['recheck', 'enter'], runDoctor), bind('b', 'back', 'back', onBack), quit];
      break;
  }
  const frame = { title: mode.kind === 'detail' ? 'Troubleshoot · check' : 'Troubleshoot', context, bindings, ...(mode.kind === 'running' ? {} : { onHelp }) };
  const { width, bodyRows } = useLayout(frame);
  const focusedCheck = mode.kind === 'detail' ? checks.find((c) => c.id === mode.id) : undefined;
  const lines =
    focusedCheck !== undefined
      ? checkDetailLines(focusedCheck, width)
      : mode.kind === 'error'
        ? [
            ...wrapped(`Doctor could not run: ${mode.error.message}`, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad' })),
            ...(mode.error.remedy === undefined ? [] : wrapped(mode.error.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }))),
            ...wrapped('Doctor only reads: nothing was changed, so nothing needs undoing.', width, { tone: 'muted' }),
          ]
        : [];
  const scroll = useScrollState(lines.length, bodyRows);

  let body: ReactNode;
  switch (mode.kind) {
    case 'running':
      body = <Spinner label={`Running keelson doctor on ${hostLabel} (read-only, one round trip)…`} startedAt={mode.startedAt} now={controller.now} />;
      break;
    case 'list':
      body = <ChoiceView head={reportHeadLines(mode.report, controller.commandFor(['support-bundle']), width, bundle)} options={options} focused={select.focused} width={width} height={bodyRows} />;
      break;
    case 'detail':
    case 'error':
      body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
  }
  return (
    <Frame {...frame} active={active}>
      {body}
    </Frame>
  );
};
