import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every answer (helmet). The proxy serves JSON, problem+json and two tiny server-rendered
 * pages (the install hook's notice, the public referral page), none of which loads anything: the default policy
 * forbids every fetch, every frame ancestor and every form target. The referral page sets its own, slightly wider
 * policy (its inline style by hash, its form posting to itself): see `REFERRAL_PAGE_CSP` in routes/referral-page.ts.
 *
 * HSTS only over TLS: a plain-HTTP answer (local sandbox, a health probe) must not pin the host to https, and behind a
 * TLS-terminating proxy `req.secure` is true only when TRUST_PROXY lets Express believe `X-Forwarded-Proto`.
 */
const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    }),
    (req, res, next) => {
      if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
      next();
    },
  ];
}
