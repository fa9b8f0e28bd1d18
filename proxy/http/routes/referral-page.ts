import { createHash } from 'node:crypto';
import type { Language } from './problem-messages.js';

/** The public referral page: plain server-rendered HTML, no scripts, every dynamic value escaped. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const texts = {
  ru: {
    title: 'Приглашение от друга',
    intro: (points: number) => (points > 0 ? `Зарегистрируйтесь и получите ${points} бонусных баллов.` : 'Зарегистрируйтесь в программе лояльности.'),
    name: 'Имя',
    phone: 'Телефон',
    consent: 'Я согласен(на) на обработку моих имени и телефона для участия в программе лояльности магазина.',
    submit: 'Получить бонус',
    done: (points: number) => (points > 0 ? `Готово! Вам начислено ${points} баллов.` : 'Готово! Вы зарегистрированы.'),
    other: 'English',
  },
  en: {
    title: 'An invitation from a friend',
    intro: (points: number) => (points > 0 ? `Sign up and get ${points} bonus points.` : 'Join the loyalty program.'),
    name: 'Name',
    phone: 'Phone',
    consent: 'I agree to the processing of my name and phone number for the shop’s loyalty program.',
    submit: 'Get the bonus',
    done: (points: number) => (points > 0 ? `Done! ${points} points have been added.` : 'Done! You are signed up.'),
    other: 'Русский',
  },
} as const;

const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.75rem 0}input{width:100%;padding:.5rem;font:inherit}input[type=checkbox]{width:auto;margin-right:.5rem}button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit}.error{color:#b00020}';

/**
 * The page's Content-Security-Policy: nothing may load or run except its one inline style (allowed by hash, so no
 * 'unsafe-inline'), the form may only post back to us, and no site may frame it (clickjacking a consent checkbox).
 */
export const REFERRAL_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function layout(lang: Language, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(texts[lang].title)}</title>
<style>${PAGE_STYLE}</style>
</head><body>${body}</body></html>`;
}

export function renderForm(input: { lang: Language; code: string; csrf: string; bonusForNew: number; error?: string; name?: string; phone?: string }): string {
  const t = texts[input.lang];
  const other: Language = input.lang === 'ru' ? 'en' : 'ru';
  const action = `/r/${encodeURIComponent(input.code)}?lang=${input.lang}`;
  return layout(
    input.lang,
    `<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.intro(input.bonusForNew))}</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label>${escapeHtml(t.name)}<input name="name" required maxlength="100" autocomplete="name" value="${escapeHtml(input.name ?? '')}"></label>
<label>${escapeHtml(t.phone)}<input name="phone" required maxlength="30" type="tel" autocomplete="tel" value="${escapeHtml(input.phone ?? '')}"></label>
<label><input type="checkbox" name="consent" value="yes" required>${escapeHtml(t.consent)}</label>
<button type="submit">${escapeHtml(t.submit)}</button></form>
<p><a href="/r/${escapeHtml(encodeURIComponent(input.code))}?lang=${other}">${escapeHtml(t.other)}</a></p>`,
  );
}

export function renderDone(lang: Language, points: number): string {
  return layout(lang, `<h1>${escapeHtml(texts[lang].title)}</h1><p>${escapeHtml(texts[lang].done(points))}</p>`);
}

export function renderMessage(lang: Language, message: string): string {
  return layout(lang, `<h1>${escapeHtml(texts[lang].title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
