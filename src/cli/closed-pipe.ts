// A reader that goes away early (keelson --help | head) closes the pipe: not keelson's failure, so no stack trace.
// The command goes on to its end instead of dying where it stands: an apply is never cut off by a closed pager.
export const ignoreClosedStdout = (): void => {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
};
