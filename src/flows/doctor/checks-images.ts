// Images: each one the record names is in the stack's Podman storage, and each running container runs the image
// its unit names, as that image is now (a rebuilt or re-pulled tag leaves a running container on the old one).
import { check, type Check } from './check.js';
import { systemctlLine } from './remedies.js';
import { unitValues, type StackFacts } from './stack-facts.js';

/** Podman shortens IDs in places (a container's ImageID is sometimes 12 digits): one is the other's prefix. */
const sameId = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

export const imageCheck = (f: StackFacts): Check => {
  const id = `images:${f.stack.name}`;
  if (f.images === null) return check(id, 'fail', "the stack's images could not be listed", [], ['see the identity checks of the owner']);
  const byName = new Map(f.images.flatMap((i) => i.names.map((n) => [n, i.id] as const)));
  const problems: string[] = [];
  const evidence: string[] = [];
  // An ID other than the one recorded: the tag was rebuilt or pulled again since keelson deployed it.
  const replaced: string[] = [];
  for (const image of f.stack.images) {
    const now = byName.get(image);
    const deployed = f.stack.imageIds[image];
    if (now === undefined) problems.push(`${image}: not in Podman's storage`);
    else if (deployed !== undefined && !sameId(now, deployed)) replaced.push(`${image}: not the image keelson deployed (${deployed.slice(0, 12)}), now ${now.slice(0, 12)}: rebuilt or pulled again since`);
    else evidence.push(`${image}: present (${now.slice(0, 12)})`);
  }
  const restart: string[] = [];
  for (const file of f.stack.files.filter((x) => x.path.endsWith('.container'))) {
    const text = f.content(file.path) ?? '';
    const [name] = unitValues(text, 'ContainerName');
    const [image] = unitValues(text, 'Image');
    const running = f.containers?.find((c) => c.name === name && c.state === 'running');
    if (name === undefined || image === undefined || running === undefined) continue;
    const current = byName.get(image);
    if (running.image !== image) problems.push(`${name} runs ${running.image}, its unit names ${image}`);
    else if (current !== undefined && !sameId(current, running.imageId)) {
      problems.push(`${name} runs an older copy of ${image} (${running.imageId.slice(0, 12)}, now ${current.slice(0, 12)})`);
      restart.push(`${file.path.slice(file.path.lastIndexOf('/') + 1, -'.container'.length)}.service`);
    } else evidence.push(`${name} runs ${image}`);
  }
  if (problems.length === 0 && replaced.length === 0) return check(id, 'ok', `all ${f.stack.images.length} images present, as deployed; running containers use them`, evidence);
  if (problems.length === 0) {
    return check(id, 'warn', `${replaced.length} image${replaced.length === 1 ? ' is' : 's are'} not the one${replaced.length === 1 ? '' : 's'} keelson deployed`, [...replaced, ...evidence],
      ['if the new image is intended, keelson apply --stack MANIFEST records it; if not, find what replaced it (podman auto-update, a manual pull or build) before the containers restart on it']);
  }
  const remedy = restart.length > 0 ? [systemctlLine(f.scope, 'restart', ...restart)] : ['keelson apply --stack MANIFEST builds, loads or pulls the missing images'];
  return check(id, 'fail', `${problems.length} image problem${problems.length === 1 ? '' : 's'}`, [...problems, ...replaced, ...evidence], remedy);
};
