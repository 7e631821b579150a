// Placeholder until the event path lands; replaced by the real handler.
export const handler = async (): Promise<void> => {};
