// The way into the wizard most tests take: Welcome → this machine → the demo stack → its three questions (the
// asked secret typed) → the first step, and on through the steps to the Review.
import { KEY, press, type, waitForFrame, type Rendered } from './harness.js';

export const toFirstStep = async (r: Rendered): Promise<string> => {
  await waitForFrame(r, 'Nothing changes on the host');
  await press(r, KEY.enter, 'Where should the stack go?');
  await press(r, KEY.enter, 'Which stack?');
  await press(r, KEY.enter, 'Questions · 1 of 3');
  await press(r, KEY.enter, 'Questions · 2 of 3');
  await press(r, KEY.enter, 'Questions · 3 of 3');
  await type(r, 't');
  return press(r, KEY.enter, 'Step 1 of 3');
};

/** From step 1 of the three steps of the fixture plans, to the Review. */
export const stepsToReview = async (r: Rendered): Promise<string> => {
  await press(r, KEY.enter, 'Step 2 of 3');
  await press(r, KEY.enter, 'Step 3 of 3');
  return press(r, KEY.enter, 'keelson  Review');
};
