// @ts-check
// What the single executable is made of (build-sea.mjs): the files the build writes into its work directory, and
// the configuration Node's --experimental-sea-config reads, with every asset the executable carries. Apart from the
// build itself so that the list of assets is data a test can read without building anything.
import { join } from 'node:path';
import { SEA_BUNDLE, SEA_STACK_INDEX, SEA_STACKS, THIRD_PARTY_LICENSES } from './bundle-options.mjs';

/**
 * The files of the build's work directory: the bundle (the executable's main), the stacks' index, the licences of
 * the bundled packages, the blob Node makes and the configuration that says how.
 * @param {string} work
 */
export const seaWorkFiles = (work) => ({
  bundle: join(work, SEA_BUNDLE),
  stackIndex: join(work, SEA_STACK_INDEX),
  licences: join(work, THIRD_PARTY_LICENSES),
  blob: join(work, 'keelson.blob'),
  config: join(work, 'sea-config.json'),
});

/**
 * The configuration of the executable's blob. Assets are keyed by the names keelson reads them by (node:sea's
 * getAsset): the stacks' index, THIRD_PARTY_LICENSES (`keelson licenses`), and every file of assets/stacks/ under
 * SEA_STACKS.
 * @param {string} work the build's work directory
 * @param {string} stacksDir assets/stacks
 * @param {readonly string[]} stackFiles every file under stacksDir, relative to it
 */
export const seaConfig = (work, stacksDir, stackFiles) => {
  const files = seaWorkFiles(work);
  /** @type {Record<string, string>} */
  const assets = { [SEA_STACK_INDEX]: files.stackIndex, [THIRD_PARTY_LICENSES]: files.licences };
  for (const file of stackFiles) assets[`${SEA_STACKS}/${file}`] = join(stacksDir, file);
  return { main: files.bundle, output: files.blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets };
};
