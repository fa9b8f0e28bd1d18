// Public API of the amoCRM-like host page (see README.md in this folder).
export { createHostRouter } from './router.js';
export { createAmoApiDataSource, AmoApiError, type AmoApiDataSourceOptions } from './amo-api-data-source.js';
export { createMemoryWidgetStateStore } from './widget-state-store.js';
export { createAmoApiWidgetStateStore, type AmoApiWidgetStateStoreOptions } from './amo-api-widget-state-store.js';
export type * from './types.js';
