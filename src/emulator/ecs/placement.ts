import type { LaunchType } from './model.js';

/**
 * Launch types whose tasks the emulator places on container instances the agent registered: EC2.
 * MANAGED_INSTANCES tasks are placed by their capacity provider (managed-instances.ts); EXTERNAL
 * needs capacity the emulator cannot register (see needsContainerInstances).
 */
export const placesOnContainerInstances = (launchType: LaunchType): boolean => launchType === 'EC2';
