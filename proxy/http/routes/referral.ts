import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { ReferralService } from '../../services/referral-service.js';
import { ServiceError } from '../../services/service-error.js';
import { requestProblem } from '../errors.js';
import { logOf } from './problem.js';
import { pickLanguage, problemMessages, problemStatus, type Language, type ProblemCode } from './problem-messages.js';
import { REFERRAL_PAGE_CSP, renderConfirm, renderDone, renderForm, renderMessage } from './referral-page.js';

const CSRF_COOKIE = 'ref_csrf';
export const REFERRAL_PATH_PREFIX = '/r/';
/** A name, a phone, a checkbox and the CSRF value; enforced by the app's body parser (see `BodyLimit`). */
export const REFERRAL_FORM_LIMIT_BYTES = 4 * 1024;
const codeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/) });
const signupBody = z.object({
  csrf: z.string().min(16).max(100),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(5).max(30),
  /** The form's checkbox: personal data (name, phone) is processed only with the person's consent. */
  consent: z.literal('yes'),
  /** The code sent to the phone (the optional confirmation step). */
  confirmation: z.string().trim().regex(/^\d{4,8}$/).optional(),
});

/** Which message a refused form gets: the first field that is wrong decides. */
function formProblem(error: z.ZodError): 'referral_consent_required' | 'referral_phone_invalid' | 'referral_form_invalid' {
  const field = error.issues[0]?.path[0];
  if (field === 'consent') return 'referral_consent_required';
  return field === 'phone' ? 'referral_phone_invalid' : 'referral_form_invalid';
}

export type ReferralRouterOptions = {
  referral: ReferralService;
  /** `Secure` cookies when we are served over https. */
  secureCookies: boolean;
  /** Attempts per IP per window (defaults: 10 sign-ups and 120 page views per 15 minutes). */
  limits?: { postPerWindow?: number; getPerWindow?: number; windowMs?: number };
};

function languageOf(req: Request): Language {
  const forced = req.query['lang'];
  if (forced === 'en' || forced === 'ru') return forced;
  return pickLanguage(req.headers['accept-language']);
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** `+7999•••••01`: enough for a person to recognise their number, not enough to read it off a shoulder-surfed screen. */
function maskPhone(phone: string): string {
  const compact = phone.replace(/[^\d+]/g, '');
  return compact.length > 6 ? `${compact.slice(0, 5)}•••••${compact.slice(-2)}` : '•••';
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Public `GET/POST /r/:code`. CSRF: double-submit — the form carries the same random value as a
 * `SameSite=Strict; HttpOnly` cookie, which a cross-site form post does not send. Rate-limited per IP.
 */
export function createReferralRouter(options: ReferralRouterOptions): Router {
  const router = express.Router();
  // Every answer under /r is (or may be) the HTML page: its own policy replaces the app-wide API one.
  router.use('/r', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', REFERRAL_PAGE_CSP);
    next();
  });
  const windowMs = options.limits?.windowMs ?? 15 * 60_000;
  const tooMany = (req: Request, res: Response) => res.status(429).type('html').send(renderMessage(languageOf(req), problemMessages.rate_limited[languageOf(req)]));
  const viewLimit = rateLimit({ windowMs, limit: options.limits?.getPerWindow ?? 120, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany });
  const postLimit = rateLimit({ windowMs, limit: options.limits?.postPerWindow ?? 10, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany });

  /** The page's answer to a refusal: the code's status (proxy/http/routes/problem-messages.ts) and its text, in HTML. */
  const refuse = (req: Request, res: Response, code: ProblemCode) => {
    const lang = languageOf(req);
    res.status(problemStatus[code]).type('html').send(renderMessage(lang, problemMessages[code][lang]));
  };
  const answerError = (req: Request, res: Response, error: unknown) => {
    if (error instanceof ServiceError) return refuse(req, res, error.code);
    logOf(req)?.error({ err: error }, 'referral page failed');
    refuse(req, res, 'internal_error');
  };

  router.get('/r/:code', viewLimit, async (req, res) => {
    const lang = languageOf(req);
    const params = codeParams.safeParse(req.params);
    if (!params.success) return refuse(req, res, 'referral_not_found');
    try {
      const landing = await options.referral.landing(params.data.code);
      const csrf = randomBytes(24).toString('base64url');
      res.cookie(CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'strict', secure: options.secureCookies, path: '/r', maxAge: 3600_000 });
      res.setHeader('Cache-Control', 'no-store');
      const offer = { friend: landing.referrerFirstName, shop: landing.shopName, points: landing.bonusForNew, privacyPolicyUrl: landing.privacyPolicyUrl };
      res.status(200).type('html').send(renderForm({ lang, code: params.data.code, csrf, offer }));
    } catch (error) {
      answerError(req, res, error);
    }
  });

  router.post('/r/:code', postLimit, async (req, res) => {
    const lang = languageOf(req);
    const params = codeParams.safeParse(req.params);
    if (!params.success) return refuse(req, res, 'referral_not_found');
    const body = signupBody.safeParse(req.body ?? {});
    if (!body.success) return refuse(req, res, formProblem(body.error));
    if (!sameToken(cookieValue(req, CSRF_COOKIE), body.data.csrf)) return refuse(req, res, 'csrf_failed');
    const { name, phone, confirmation } = body.data;
    const confirmPage = (friend: string, maskedPhone: string, error?: string) =>
      renderConfirm({ lang, code: params.data.code, csrf: body.data.csrf, friend, name, phone, maskedPhone, ...(error ? { error } : {}) });
    let friend = '';
    try {
      friend = (await options.referral.landing(params.data.code)).referrerFirstName;
      const outcome = await options.referral.signUp(params.data.code, { name, phone, consent: true, confirmationCode: confirmation });
      res.setHeader('Cache-Control', 'no-store');
      if (outcome.kind === 'confirmation_sent') res.status(200).type('html').send(confirmPage(friend, maskPhone(outcome.phone)));
      else res.status(200).type('html').send(renderDone(lang, outcome, friend));
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'referral_code_invalid') {
        res.status(problemStatus.referral_code_invalid).type('html').send(confirmPage(friend, maskPhone(phone), problemMessages.referral_code_invalid[lang]));
        return;
      }
      answerError(req, res, error);
    }
  });
  return router;
}

/**
 * The app parses bodies (and decodes path params) before this router runs, so those failures never reach it: mounted
 * at the app level on `/r`, this answers them as the page does, in HTML, instead of problem+json.
 */
export const referralEarlyErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  const problem = requestProblem(error);
  if (!problem || res.headersSent) {
    next(error);
    return;
  }
  const code = problem.code === 'body_too_large' || problem.code === 'malformed_path' ? problem.code : 'referral_form_invalid';
  const lang = languageOf(req);
  logOf(req)?.warn({ code, status: problem.status }, 'referral page request rejected');
  res.status(problem.status).type('html').send(renderMessage(lang, problemMessages[code][lang]));
};
