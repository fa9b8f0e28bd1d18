/**
 * Who is calling a widget service: the amoCRM account and user, taken by the HTTP edge from the signed disposable
 * token only — never from the request body or query (proxy/http/auth/verify-disposable-token.ts). Services decide
 * with it (tenant, admin-only actions, the author of an operation) and know nothing of how it was proven.
 */
export type WidgetAuth = {
  accountId: number;
  userId: number;
  subdomain: string;
  isAdmin: boolean;
};
