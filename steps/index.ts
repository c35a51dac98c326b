// The steps in the order they run: each may rely on what the ones before it resolved.
import type { AnyStep } from '../src/engine/step.js';
import { preflightStep } from './preflight.js';

export const allSteps: readonly AnyStep[] = [preflightStep];
