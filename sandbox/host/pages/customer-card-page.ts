import { escapeHtml, formatMoscowDate, formatRoubles } from '../html.js';
import type { HostStrings } from '../host-i18n.js';
import type { HostCustomerDetail } from '../types.js';
import type { PageBody } from './layout.js';

// The customer card: fields on the left, the feed (purchases and notes) in the middle and the
// right-hand widget column (`.card-widgets__elements`) where render_template puts widget blocks.

export function renderCustomerCardPage(base: string, strings: HostStrings, customer: HostCustomerDetail): PageBody {
  const fields = customer.fields
    .map(
      (f) => `<div class="card-fields__row" data-field-code="${escapeHtml(f.code ?? '')}">
  <span class="card-fields__label">${escapeHtml(f.name)}</span>
  <span class="card-fields__value">${escapeHtml(f.displayValue || '—')}</span>
</div>`,
    )
    .join('\n');
  const contacts = customer.contacts
    .map(
      (c) => `<li class="card-contacts__item">${escapeHtml(c.name)}
  ${c.phones.map((p) => `<span class="card-contacts__phone">${escapeHtml(p)}</span>`).join('')}
  ${c.emails.map((e) => `<span class="card-contacts__email">${escapeHtml(e)}</span>`).join('')}</li>`,
    )
    .join('');
  const feedItems = [
    ...customer.transactions.map((t) => ({
      at: t.completedAt ?? 0,
      html: `<li class="card-feed__item card-feed__item--purchase" data-transaction-id="${t.id}">
  <span class="card-feed__date">${escapeHtml(formatMoscowDate(t.completedAt))}</span>
  <strong>${escapeHtml(strings.purchase)}: ${escapeHtml(formatRoubles(t.price))}</strong>
  ${t.comment ? `<p>${escapeHtml(t.comment)}</p>` : ''}</li>`,
    })),
    ...customer.notes.map((n) => ({
      at: n.createdAt,
      html: `<li class="card-feed__item card-feed__item--note" data-note-id="${n.id}">
  <span class="card-feed__date">${escapeHtml(formatMoscowDate(n.createdAt))}</span>
  <strong>${escapeHtml(n.service ?? strings.note)}</strong><p>${escapeHtml(n.text)}</p></li>`,
    })),
  ]
    .sort((a, b) => b.at - a.at)
    .map((item) => item.html)
    .join('\n');

  const content = `<div class="card-holder" data-customer-id="${customer.id}">
  <section class="card-fields">
    <h2 class="card-fields__name">${escapeHtml(customer.name)}</h2>
    <div class="card-fields__row"><span class="card-fields__label">${escapeHtml(strings.purchases)}</span><span class="card-fields__value" data-summary="purchases_count">${customer.purchasesCount}</span></div>
    <div class="card-fields__row"><span class="card-fields__label">${escapeHtml(strings.ltv)}</span><span class="card-fields__value" data-summary="ltv">${escapeHtml(formatRoubles(customer.ltv))}</span></div>
    ${fields}
    <h3>${escapeHtml(strings.contacts)}</h3>
    <ul class="card-contacts">${contacts}</ul>
  </section>
  <section class="card-feed">
    <h3>${escapeHtml(strings.feed)}</h3>
    <ul class="card-feed__list">${feedItems || `<li class="amo-empty">${escapeHtml(strings.empty)}</li>`}</ul>
  </section>
  <aside class="card-widgets"><div class="card-widgets__elements"></div></aside>
</div>`;
  return { title: customer.name, menu: 'customers', content };
}

export function renderCustomerNotFound(strings: HostStrings): PageBody {
  return { title: strings.customerNotFound, menu: 'customers', content: `<p class="amo-empty">${escapeHtml(strings.customerNotFound)}</p>` };
}
