import type { Request, Response } from 'express';
import type { HostColorScheme, HostLanguage } from './types.js';

// Language and colour scheme come from `?lang=en&theme=dark` (remembered in a cookie) or the cookie.

const LANG_COOKIE = 'amo_host_lang';
const THEME_COOKIE = 'amo_host_theme';

export function readCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a malformed cookie is ignored, like browsers ignore what they cannot parse
    }
  }
  return cookies;
}

export function resolvePreferences(
  req: Request,
  res: Response,
  mountPath: string,
  defaultLanguage: HostLanguage,
): { lang: HostLanguage; theme: HostColorScheme } {
  const cookies = readCookies(req.headers.cookie);
  const queryLang = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  const queryTheme = typeof req.query.theme === 'string' ? req.query.theme : undefined;
  const cookiePath = mountPath || '/';
  if (queryLang === 'ru' || queryLang === 'en') res.cookie(LANG_COOKIE, queryLang, { path: cookiePath, sameSite: 'lax' });
  if (queryTheme === 'light' || queryTheme === 'dark') res.cookie(THEME_COOKIE, queryTheme, { path: cookiePath, sameSite: 'lax' });
  const lang = pick(['ru', 'en'] as const, queryLang, cookies[LANG_COOKIE]) ?? defaultLanguage;
  const theme = pick(['light', 'dark'] as const, queryTheme, cookies[THEME_COOKIE]) ?? 'light';
  return { lang, theme };
}

function pick<T extends string>(allowed: readonly T[], ...candidates: (string | undefined)[]): T | undefined {
  return candidates.find((c): c is T => c !== undefined && (allowed as readonly string[]).includes(c));
}
