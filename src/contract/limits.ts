/**
 * Ranges of the session options, from the EC2 API model (CreateTrafficMirrorSession): checked by
 * the configuration and by the construct alike.
 */
export const SESSION_NUMBER_RANGE = { min: 1, max: 32766 } as const;
export const VIRTUAL_NETWORK_ID_RANGE = { min: 0, max: 16_777_215 } as const;
export const PACKET_LENGTH_RANGE = { min: 1, max: 8500 } as const;
