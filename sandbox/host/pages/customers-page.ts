import { escapeHtml, formatRoubles } from '../html.js';
import type { HostStrings } from '../host-i18n.js';
import type { HostCustomerSummary } from '../types.js';
import type { PageBody } from './layout.js';

export function renderCustomersPage(base: string, strings: HostStrings, customers: HostCustomerSummary[]): PageBody {
  const rows = customers
    .map(
      (c) => `<tr class="customers-list__row" data-customer-id="${c.id}">
  <td><a data-host-nav href="${escapeHtml(`${base}/customers/detail/${c.id}`)}">${escapeHtml(c.name)}</a></td>
  <td class="customers-list__points">${escapeHtml(c.bonusPoints ?? '—')}</td>
  <td>${c.purchasesCount}</td>
  <td>${escapeHtml(formatRoubles(c.ltv))}</td>
</tr>`,
    )
    .join('\n');
  const table =
    customers.length === 0
      ? `<p class="amo-empty">${escapeHtml(strings.noCustomers)}</p>`
      : `<table class="customers-list">
<thead><tr><th>${escapeHtml(strings.name)}</th><th>${escapeHtml(strings.bonusPoints)}</th><th>${escapeHtml(strings.purchases)}</th><th>${escapeHtml(strings.ltv)}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return { title: strings.customers, menu: 'customers', content: `<section class="customers-page">${table}</section>` };
}
