/** The real clock, for callers that do not inject one. Lives at the edge: the core never reads it. */
export const systemClock = (): Date => new Date();
