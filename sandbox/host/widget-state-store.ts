import type { WidgetInstallState, WidgetStateStore } from './types.js';

/** The default store: install state per subdomain, in memory, starting from `initial`. */
export function createMemoryWidgetStateStore(
  initial: WidgetInstallState = { status: 'install', active: false, settings: {} },
): WidgetStateStore {
  const states = new Map<string, WidgetInstallState>();
  return {
    get: (subdomain) => structuredClone(states.get(subdomain) ?? initial),
    set: (subdomain, state) => void states.set(subdomain, structuredClone(state)),
  };
}
