/** Public API of the amoCRM client. Everything else in this folder is an implementation detail. */
export { AmoClient } from './client.js';
export { AmoTransport, type AmoTransportOptions, type AmoRetryOptions, type AmoRequest } from './transport.js';
export { AmoAccountLimiter, type AccountLimiterOptions } from './account-limiter.js';
export { InMemoryRateLimitStore, type RateLimitStore, type BlockState, type SlotReservation } from './rate-limit-store.js';
export { InMemoryTokenStore, type TokenStore, type AmoTokens } from './token-store.js';
export { exchangeCode, refreshTokens, accountBaseUrl, DEFAULT_BASE_URL_TEMPLATE, type OAuthClientCredentials, type OAuthCallOptions } from './oauth.js';
export { runBatch, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, type BatchOptions, type BatchOutcome } from './batch.js';
export { paginateHal, collect, MAX_PAGE_SIZE } from './paginate.js';
export * from './errors.js';
export { measureAmoRate, formatAmoRateReport, type AmoRateReport } from './rate-report.js';
export { silentLogger, type ClientLogger } from '../logger.js';
export * from './schemas/entities.js';
export { problemSchema, type Problem } from './schemas/problem.js';
export type { CustomerWrite, CustomerUpdate, CustomFieldSpec, LinkSpec, BulkLinkSpec, LinkWritten, TransactionWrite, NoteWrite, CustomerNoteWrite, NoteType, NotesQuery } from './resources/customers.js';
export type { ContactWrite, ContactUpdate } from './resources/contacts.js';
export type { ElementWrite, ElementUpdate } from './resources/catalogs.js';
