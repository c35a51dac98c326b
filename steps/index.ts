// The steps in the order they run: each may rely on what the ones before it resolved.
import type { AnyStep } from '../src/engine/step.js';
import { identityStep } from './identity.js';
import { preflightStep } from './preflight.js';
import { quadletStep } from './quadlet.js';
import { socketsStep } from './sockets.js';
import { storageStep } from './storage.js';

export const allSteps: readonly AnyStep[] = [preflightStep, storageStep, identityStep, socketsStep, quadletStep];
