export const systemClock = { now: () => new Date() };

export type Clock = typeof systemClock;
