// Images: each one the record names is in the stack's Podman storage, and each running container runs the image
// its unit names, as that image is now (a rebuilt or re-pulled tag leaves a running container on the old one).
import { check, type Check } from './check.js';
import { systemctlLine } from './remedies.js';
import { unitValues, type StackFacts } from './stack-facts.js';

export const imageCheck = (f: StackFacts): Check => {
  const id = `images:${f.stack.name}`;
  if (f.images === null) return check(id, 'fail', "the stack's images could not be listed", [], ['see the identity checks of the owner']);
  const byName = new Map(f.images.flatMap((i) => i.names.map((n) => [n, i.id] as const)));
  const problems: string[] = [];
  const evidence: string[] = [];
  for (const image of f.stack.images) {
    if (byName.has(image)) evidence.push(`${image}: present (${(byName.get(image) ?? '').slice(0, 12)})`);
    else problems.push(`${image}: not in Podman's storage`);
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
    else if (current !== undefined && !current.startsWith(running.imageId) && !running.imageId.startsWith(current)) {
      problems.push(`${name} runs an older copy of ${image} (${running.imageId.slice(0, 12)}, now ${current.slice(0, 12)})`);
      restart.push(`${file.path.slice(file.path.lastIndexOf('/') + 1, -'.container'.length)}.service`);
    } else evidence.push(`${name} runs ${image}`);
  }
  if (problems.length === 0) return check(id, 'ok', `all ${f.stack.images.length} images present; running containers use them`, evidence);
  const remedy = restart.length > 0 ? [systemctlLine(f.scope, 'restart', ...restart)] : ['keelson apply --stack MANIFEST builds, loads or pulls the missing images'];
  return check(id, 'fail', `${problems.length} image problem${problems.length === 1 ? '' : 's'}`, [...problems, ...evidence], remedy);
};
