import type { LaunchType } from './model.js';

/**
 * Launch types whose tasks the emulator places on registered container instances: EC2, whose
 * instances register with RegisterContainerInstance. EXTERNAL and MANAGED_INSTANCES need
 * capacity the emulator cannot register (see needsContainerInstances).
 */
export const placesOnContainerInstances = (launchType: LaunchType): boolean => launchType === 'EC2';
