// One VM per describe block: booted before its tests, always torn down after them.
import { afterAll, beforeAll } from 'vitest';
import { bootVm, type BootOptions, type Vm } from '../../host-vm/vm.js';

/** Registers beforeAll/afterAll hooks and returns an accessor for the booted VM. */
export function useVm(options: BootOptions): () => Vm {
  let vm: Vm | undefined;
  beforeAll(async () => {
    vm = await bootVm(options);
    console.info(`[${options.name ?? 'vm'}] SSH after ${vm.bootTimesMs[0] ?? '?'} ms (accel ${vm.accel}, port ${vm.port}, image ${vm.image.key})`);
  });
  afterAll(async () => {
    await vm?.stop();
  });
  return () => {
    if (!vm) throw new Error('the VM did not boot (see the beforeAll error)');
    return vm;
  };
}
