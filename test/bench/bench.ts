// npm run bench: every benchmark, one after the other (figures go into the issue notes, not into assertions).
await import('./manifest-parse.js');
await import('./plan-round-trip.js');
await import('./wizard-first-frame.js');
