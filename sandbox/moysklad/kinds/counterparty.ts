import type { EntityKind, KindServices, PresentCache } from '../core-types.js';
import { entityMeta } from '../references.js';
import type { Doc } from '../store.js';
import { activeBonusProgram } from './bonusprogram.js';
import { invalidField, randomExternalCode, referencingDocs, refIdOf, setDefault } from './kind-helpers.js';

const COMPANY_TYPES = [
  'legal', 'entrepreneur', 'individual',
  'legalUZ', 'entrepreneurUZ', 'individualUZ', 'legalKZ', 'entrepreneurKZ', 'individualKZ',
];

function checkCompanyType(doc: Doc): void {
  if (!COMPANY_TYPES.includes(String(doc.companyType))) throw invalidField('companyType', String(doc.companyType));
}

/** "Петров Петр Петрович": the server builds `legalTitle` of an individual from the name parts. */
function individualTitle(doc: Doc): string | undefined {
  const parts = [doc.legalLastName, doc.legalFirstName, doc.legalMiddleName].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  return parts.length ? parts.join(' ') : undefined;
}

/** Sum of retail sales per counterparty (kopecks; the unit of `salesAmount` is unconfirmed). */
function salesByAgent(services: KindServices, cache: PresentCache): Map<string, number> {
  const cached = cache.get('salesByAgent') as Map<string, number> | undefined;
  if (cached) return cached;
  const totals = new Map<string, number>();
  for (const sale of services.store.list('retaildemand')) {
    const agentId = refIdOf(sale.agent, 'counterparty');
    if (agentId) totals.set(agentId, (totals.get(agentId) ?? 0) + Number(sale.sum ?? 0));
  }
  cache.set('salesByAgent', totals);
  return totals;
}

export const counterpartyKind: EntityKind = {
  type: 'counterparty',
  required: ['name'],
  readOnly: ['bonusPoints', 'bonusProgram', 'salesAmount'],
  supportsSyncId: true,
  searchFields: ['name', 'code', 'legalTitle', 'discountCardNumber', 'email', 'phone'],
  onCreate(doc) {
    setDefault(doc, 'externalCode', randomExternalCode());
    setDefault(doc, 'archived', false);
    setDefault(doc, 'companyType', 'legal');
    setDefault(doc, 'tags', []);
    checkCompanyType(doc);
    if (String(doc.companyType).startsWith('individual')) setDefault(doc, 'legalTitle', individualTitle(doc));
  },
  onUpdate(_prev, next) {
    checkCompanyType(next);
  },
  blockers(id, services) {
    return referencingDocs(services, ['retaildemand', 'retailsalesreturn', 'bonustransaction'], (doc) =>
      refIdOf(doc.agent, 'counterparty') === id,
    );
  },
  present(doc, services, cache) {
    const out: Record<string, unknown> = { ...doc };
    if (!cache.has('activeProgram')) cache.set('activeProgram', activeBonusProgram(services) ?? null);
    const program = cache.get('activeProgram') as Doc | null;
    // The documented list row shows the program meta with `metadataHref`.
    if (program) out.bonusProgram = { meta: entityMeta('bonusprogram', program.id) };
    out.bonusPoints = Number(doc.bonusPoints ?? 0);
    out.salesAmount = salesByAgent(services, cache).get(doc.id) ?? 0;
    if (out.legalTitle === undefined) delete out.legalTitle;
    return out;
  },
};
