import { createHash } from 'node:crypto';
import type { Language } from './problem-messages.js';

/** The public referral page: plain server-rendered HTML, no scripts, every dynamic value escaped. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Who invites whom to what: the friend by first name only, the shop by the name its admin set (both optional). */
export type PageOffer = { friend: string; shop: string; points: number; privacyPolicyUrl: string | null };

const texts = {
  ru: {
    title: (friend: string) => (friend ? `Приглашение от ${friend}` : 'Приглашение от друга'),
    intro: ({ friend, shop, points }: PageOffer) =>
      `${friend ? `${friend} приглашает вас` : 'Вас приглашают'} в программу лояльности${shop ? ` магазина «${shop}»` : ' магазина'}. ` +
      (points > 0 ? `Зарегистрируйтесь и получите ${points} бонусных баллов.` : 'Зарегистрируйтесь, чтобы участвовать.'),
    name: 'Имя',
    phone: 'Мобильный телефон',
    consent: (shop: string) => `Я согласен(на) на обработку моих имени и телефона для участия в программе лояльности магазина${shop ? ` «${shop}»` : ''}.`,
    privacy: 'Политика конфиденциальности',
    submit: 'Получить бонус',
    done: (points: number) => (points > 0 ? `Готово! Вам начислено ${points} баллов.` : 'Готово! Вы зарегистрированы.'),
    repeat: 'Этот номер уже зарегистрирован по приглашению. Повторно бонус не начисляется — баллы, начисленные при регистрации, уже на вашем счёте.',
    confirmIntro: (phone: string) => `Мы отправили код в SMS на номер ${phone}. Введите его, чтобы завершить регистрацию.`,
    code: 'Код из SMS',
    confirm: 'Подтвердить',
    other: 'English',
  },
  en: {
    title: (friend: string) => (friend ? `An invitation from ${friend}` : 'An invitation from a friend'),
    intro: ({ friend, shop, points }: PageOffer) =>
      `${friend ? `${friend} invites you` : 'You are invited'} to the loyalty program of ${shop ? `the shop “${shop}”` : 'the shop'}. ` +
      (points > 0 ? `Sign up and get ${points} bonus points.` : 'Sign up to take part.'),
    name: 'Name',
    phone: 'Mobile phone',
    consent: (shop: string) => `I agree to the processing of my name and phone number for the loyalty program of ${shop ? `“${shop}”` : 'the shop'}.`,
    privacy: 'Privacy policy',
    submit: 'Get the bonus',
    done: (points: number) => (points > 0 ? `Done! ${points} points have been added.` : 'Done! You are signed up.'),
    repeat: 'This number has already signed up through an invitation. The bonus is not added again: the points from your sign-up are already yours.',
    confirmIntro: (phone: string) => `We have sent a code by SMS to ${phone}. Enter it to finish signing up.`,
    code: 'Code from the SMS',
    confirm: 'Confirm',
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

function layout(lang: Language, body: string, friend = ''): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(texts[lang].title(friend))}</title>
<style>${PAGE_STYLE}</style>
</head><body>${body}</body></html>`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function actionOf(lang: Language, code: string): string {
  return escapeHtml(`/r/${encodeURIComponent(code)}?lang=${lang}`);
}

export function renderForm(input: { lang: Language; code: string; csrf: string; offer: PageOffer; error?: string; name?: string; phone?: string }): string {
  const t = texts[input.lang];
  const other: Language = input.lang === 'ru' ? 'en' : 'ru';
  // The link opens in a new tab so the half-filled form stays; noopener/noreferrer: the policy page learns nothing of us.
  const privacy = input.offer.privacyPolicyUrl
    ? ` <a href="${escapeHtml(input.offer.privacyPolicyUrl)}" target="_blank" rel="noopener noreferrer">${escapeHtml(t.privacy)}</a>`
    : '';
  return layout(
    input.lang,
    `<h1>${escapeHtml(t.title(input.offer.friend))}</h1><p>${escapeHtml(t.intro(input.offer))}</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${actionOf(input.lang, input.code)}">
${hidden('csrf', input.csrf)}
<label>${escapeHtml(t.name)}<input name="name" required maxlength="100" autocomplete="name" value="${escapeHtml(input.name ?? '')}"></label>
<label>${escapeHtml(t.phone)}<input name="phone" required maxlength="30" type="tel" autocomplete="tel" value="${escapeHtml(input.phone ?? '')}"></label>
<label><input type="checkbox" name="consent" value="yes" required>${escapeHtml(t.consent(input.offer.shop))}${privacy}</label>
<button type="submit">${escapeHtml(t.submit)}</button></form>
<p><a href="/r/${escapeHtml(encodeURIComponent(input.code))}?lang=${other}">${escapeHtml(t.other)}</a></p>`,
    input.offer.friend,
  );
}

/** The confirmation step: the code sent to the phone, with what was already entered carried along in hidden fields. */
export function renderConfirm(input: { lang: Language; code: string; csrf: string; friend: string; name: string; phone: string; maskedPhone: string; error?: string }): string {
  const t = texts[input.lang];
  return layout(
    input.lang,
    `<h1>${escapeHtml(t.title(input.friend))}</h1><p>${escapeHtml(t.confirmIntro(input.maskedPhone))}</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${actionOf(input.lang, input.code)}">
${hidden('csrf', input.csrf)}${hidden('name', input.name)}${hidden('phone', input.phone)}${hidden('consent', 'yes')}
<label>${escapeHtml(t.code)}<input name="confirmation" required inputmode="numeric" autocomplete="one-time-code" maxlength="8"></label>
<button type="submit">${escapeHtml(t.confirm)}</button></form>`,
    input.friend,
  );
}

/** The answer to a sign-up: what really happened, so a repeat visitor is not told points were added again. */
export function renderDone(lang: Language, outcome: { kind: 'registered'; pointsForYou: number } | { kind: 'already_registered' }, friend = ''): string {
  const t = texts[lang];
  const message = outcome.kind === 'registered' ? t.done(outcome.pointsForYou) : t.repeat;
  return layout(lang, `<h1>${escapeHtml(t.title(friend))}</h1><p>${escapeHtml(message)}</p>`, friend);
}

export function renderMessage(lang: Language, message: string): string {
  return layout(lang, `<h1>${escapeHtml(texts[lang].title(''))}</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
