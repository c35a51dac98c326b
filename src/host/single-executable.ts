// keelson as one file (Node's single executable application, keelson-linux-x64): whether this process is one, and
// the files built into it (the bundled stacks), read through node:sea.
const sea = () => process.getBuiltinModule('node:sea');

export const isSingleExecutable = (): boolean => sea().isSea();

/** A text file built into the single executable, or null when it holds none of that name. */
export const singleExecutableText = (key: string): string | null => {
  try {
    return sea().getAsset(key, 'utf8');
  } catch {
    return null;
  }
};
