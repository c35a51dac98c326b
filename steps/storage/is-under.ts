// Whether a path lies under a directory, component by component, not by prefix: apart from findmnt's parser (and its zod
// schema), as the wizard's first frame asks it through setup-request.ts.
/** "/home" is under "/home" and "/"; "/homer" is not under "/home". */
export const isUnder = (path: string, dir: string): boolean =>
  dir === '/' ? path.startsWith('/') : path === dir || path.startsWith(`${dir}/`);
