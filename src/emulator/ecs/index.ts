// Placeholder: the ECS emulation is being built (createEcsEmulation).
import { ApiError, type EcsEmulation, type EmulatorContext } from '../context.js';

export function createEcsEmulation(_context: EmulatorContext): EcsEmulation {
  return {
    handle: async (operation) => {
      throw new ApiError('UnknownOperationException', `ECS operation ${operation} is not emulated yet`);
    },
    close: () => {},
    eventsAfter: () => [],
    subscribe: () => () => {},
  };
}
