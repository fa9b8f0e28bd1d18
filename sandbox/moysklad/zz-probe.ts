export const PROBE = 2;
