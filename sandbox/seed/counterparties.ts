import type { MetaFactory } from './meta.js';
import { toMoscowString } from './moscow-time.js';
import type { Rng } from './prng.js';
import { randomAddress, randomCompanyName, randomPerson, transliterate } from './russian-names.js';
import type { MetaRef, SeedCounterparty } from './types.js';

interface CounterpartyContext {
  accountId: string;
  meta: MetaFactory;
  bonusProgram: MetaRef;
  /** Buyers register inside [from, to) so that all of them exist before the first past sale. */
  registeredFrom: number;
  registeredTo: number;
}

/** Hands out values that must be unique across the account (phones, cards, e-mails). */
class UniqueValues {
  private readonly used = new Set<string>();

  take(make: () => string): string {
    for (;;) {
      const value = make();
      if (!this.used.has(value)) {
        this.used.add(value);
        return value;
      }
    }
  }
}

/** Phones as people type them at the till: mostly "+79…", sometimes with brackets and dashes. */
function formatPhone(rng: Rng, digits10: string): string {
  if (rng.chance(0.75)) return `+7${digits10}`;
  return `+7 (${digits10.slice(0, 3)}) ${digits10.slice(3, 6)}-${digits10.slice(6, 8)}-${digits10.slice(8)}`;
}

const MAIL_DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru'] as const;

function instant(rng: Rng, from: number, to: number): number {
  return from + Math.floor(rng.next() * Math.max(1, to - from));
}

/** The fields every seeded counterparty starts with; kind-specific ones are spread over it. */
function counterpartyBase(
  ctx: Pick<CounterpartyContext, 'accountId' | 'meta'>,
  fields: { id: string; created: string; name: string; externalCode: string; companyType: SeedCounterparty['companyType'] },
): SeedCounterparty {
  return {
    meta: ctx.meta.entity('counterparty', fields.id),
    id: fields.id,
    accountId: ctx.accountId,
    created: fields.created,
    updated: fields.created,
    name: fields.name,
    externalCode: fields.externalCode,
    archived: false,
    companyType: fields.companyType,
    legalTitle: fields.name,
    tags: [],
    bonusPoints: 0,
    salesAmount: 0,
  };
}

/** Physical persons — the only counterparties that sync to amoCRM. */
export function generateBuyers(rng: Rng, count: number, ctx: CounterpartyContext): SeedCounterparty[] {
  const phones = new UniqueValues();
  const cards = new UniqueValues();
  const mails = new UniqueValues();
  const buyers: SeedCounterparty[] = [];

  for (let i = 0; i < count; i += 1) {
    const person = randomPerson(rng);
    const id = rng.uuid();
    const created = toMoscowString(instant(rng, ctx.registeredFrom, ctx.registeredTo));
    const phoneDigits = phones.take(() => `9${rng.digits(9)}`);
    const phone = formatPhone(rng, phoneDigits);
    const email = rng.chance(0.6)
      ? mails.take(() => `${transliterate(person.firstName)}.${transliterate(person.lastName)}${rng.int(1, 999)}@${rng.pick(MAIL_DOMAINS)}`)
      : undefined;
    // Most till buyers get a plastic card; its number is what the cashier scans.
    const discountCardNumber = rng.chance(0.85) ? cards.take(() => `2${rng.digits(12)}`) : undefined;
    const birthDate = rng.chance(0.5)
      ? `${rng.int(1950, 2006)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')} 00:00:00.000`
      : undefined;
    const fullName = `${person.lastName} ${person.firstName} ${person.middleName}`;

    buyers.push({
      ...counterpartyBase(ctx, { id, created, name: fullName, externalCode: rng.token(22), companyType: 'individual' }),
      legalFirstName: person.firstName,
      legalLastName: person.lastName,
      legalMiddleName: person.middleName,
      sex: person.sex,
      ...(birthDate ? { birthDate } : {}),
      phone,
      ...(email ? { email } : {}),
      ...(discountCardNumber ? { discountCardNumber } : {}),
      bonusProgram: ctx.bonusProgram,
    });
  }
  return buyers;
}

interface CompanyContext extends CounterpartyContext {
  legalEntities: number;
  entrepreneurs: number;
}

/** Legal entities and sole traders (ИП): present in МойСклад, never synced to amoCRM. */
export function generateCompanies(rng: Rng, ctx: CompanyContext): SeedCounterparty[] {
  const companies: SeedCounterparty[] = [];
  const base = (name: string, companyType: 'legal' | 'entrepreneur'): SeedCounterparty => {
    const id = rng.uuid();
    const created = toMoscowString(instant(rng, ctx.registeredFrom, ctx.registeredTo));
    return {
      ...counterpartyBase(ctx, { id, created, name, externalCode: rng.token(22), companyType }),
      legalAddress: randomAddress(rng),
      phone: `+7${rng.pick(['495', '812', '843', '383'])}${rng.digits(7)}`,
      email: `info${companies.length + 1}@${transliterate(name.replace(/[^а-яё]/gi, '')).slice(0, 12) || 'company'}.ru`,
      tags: ['оптовики'],
      bonusProgram: ctx.bonusProgram,
    };
  };

  for (let i = 0; i < ctx.legalEntities; i += 1) {
    const company = base(randomCompanyName(rng), 'legal');
    companies.push({ ...company, inn: rng.digits(10), kpp: rng.digits(9), ogrn: `1${rng.digits(12)}` });
  }
  for (let i = 0; i < ctx.entrepreneurs; i += 1) {
    const person = randomPerson(rng);
    const owner = `${person.lastName} ${person.firstName} ${person.middleName}`;
    const trader = base(`ИП ${owner}`, 'entrepreneur');
    companies.push({
      ...trader,
      legalFirstName: person.firstName,
      legalLastName: person.lastName,
      legalMiddleName: person.middleName,
      inn: rng.digits(12),
      ogrnip: `3${rng.digits(14)}`,
    });
  }
  return companies;
}

/** «Розничный покупатель»: the default anonymous-sale counterparty every account has (companyType legal). */
export function generateRetailCustomer(id: string, created: string, ctx: Pick<CounterpartyContext, 'accountId' | 'meta'>, externalCode: string): SeedCounterparty {
  return counterpartyBase(ctx, { id, created, name: 'Розничный покупатель', externalCode, companyType: 'legal' });
}
