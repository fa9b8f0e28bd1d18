import { DEFAULT_ACCOUNT_ID } from '../moysklad/options.js';
import { generateFolders, generateProducts } from './catalog.js';
import { generateBuyers, generateCompanies, generateRetailCustomer } from './counterparties.js';
import { MetaFactory } from './meta.js';
import { DAY_MS, toMoscowString } from './moscow-time.js';
import { parseSeedOptions, type SeedOptionsInput } from './options.js';
import { Rng } from './prng.js';
import { generatePriceTypes, generateReferences } from './references.js';
import { generateSales } from './sales.js';
import type { Seed, SeedBonusProgram, SeedBonusTransaction, SeedCounterparty } from './types.js';
import { generateVariants } from './variants.js';

/**
 * Builds a whole МойСклад account as plain JSON-API-shaped objects. A pure function of its options:
 * the same options (seed, sizes, baseUrl, now) give byte-identical JSON.
 *
 * Timeline (all before `now`): the account and catalog exist first, buyers register during the year
 * before the sales window, then `sales` retail sales happen in the last `salesMonths` months.
 */
export function generateSeed(input: SeedOptionsInput = {}): Seed {
  const options = parseSeedOptions(input);
  const now = typeof options.now === 'number' ? options.now : Date.parse(options.now);
  const meta = new MetaFactory(options.baseUrl);
  // Each section draws from its own stream, so resizing one section does not reshuffle the others.
  const stream = (section: string) => Rng.forSection(options.seed, section);

  const accountRng = stream('account');
  // The emulator's default account, so loaded entities and its webhook events agree on accountId.
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const retailCustomerId = accountRng.uuid();
  const references = generateReferences(accountRng, meta, accountId, retailCustomerId);
  const pricetypes = generatePriceTypes(meta);

  const salesFrom = now - options.salesMonths * 30 * DAY_MS;
  const registeredFrom = salesFrom - 365 * DAY_MS;
  const accountCreated = registeredFrom - 30 * DAY_MS;
  const catalogUpdated = toMoscowString(registeredFrom - DAY_MS);

  const program = generateBonusProgram(accountRng, meta, accountId);
  const programRef = { meta: program.meta };

  const { folders, leaves } = generateFolders(stream('folders'), {
    accountId,
    meta,
    folderDepth: options.folderDepth,
    updated: catalogUpdated,
  });
  const products = generateProducts(stream('products'), options.products, leaves, {
    accountId,
    meta,
    folderDepth: options.folderDepth,
    updated: catalogUpdated,
    references,
    priceTypes: pricetypes,
  });

  // Archived products stay in the catalog (and in old documents) but are no longer sold.
  for (const product of products.slice(products.length - options.archivedProducts)) product.archived = true;
  const onSale = products.filter((p) => !p.archived);
  const variants = generateVariants(stream('variants'), options.productsWithVariants, onSale, { accountId, meta, updated: catalogUpdated });

  const partyContext = { accountId, meta, bonusProgram: programRef, registeredFrom, registeredTo: salesFrom };
  const buyers = generateBuyers(stream('buyers'), options.buyers, partyContext);
  const companies = generateCompanies(stream('companies'), {
    ...partyContext,
    legalEntities: options.legalEntities,
    entrepreneurs: options.entrepreneurs,
  });
  const retailCustomer = generateRetailCustomer(
    retailCustomerId,
    toMoscowString(accountCreated),
    { accountId, meta },
    accountRng.token(22),
  );

  let transactionCounter = 0;
  const nextTransactionNumber = () => String(++transactionCounter).padStart(5, '0');
  const welcome = grantWelcomeBonuses(stream('welcome'), buyers, program, meta, nextTransactionNumber);
  const sales = generateSales(stream('sales'), options.sales, buyers, onSale, {
    accountId,
    meta,
    references,
    program,
    from: salesFrom,
    to: now,
  }, nextTransactionNumber);

  return {
    references,
    pricetypes,
    productfolders: folders,
    products,
    variants,
    counterparties: [retailCustomer, ...buyers, ...companies],
    bonusprograms: [program],
    retaildemands: sales.retaildemands,
    bonustransactions: [...welcome, ...sales.bonustransactions],
  };
}

function generateBonusProgram(rng: Rng, meta: MetaFactory, accountId: string): SeedBonusProgram {
  const id = rng.uuid();
  return {
    meta: meta.entity('bonusprogram', id),
    id,
    accountId,
    name: 'Бонусная программа магазина',
    active: true,
    allAgents: true,
    agentTags: [],
    allProducts: true,
    earnRateRoublesToPoint: 20, // 1 point per 20 ₽ ≈ 5 % back
    spendRatePointsToRouble: 1, // 1 point pays 1 ₽
    maxPaidRatePercents: 30,
    earnWhileRedeeming: true,
    welcomeBonusesEnabled: true,
    welcomeBonusesValue: 200,
    welcomeBonusesMode: 'REGISTRATION',
  };
}

/** Welcome points at registration (categoryType WELCOME, no parent document), in registration order. */
function grantWelcomeBonuses(
  rng: Rng,
  buyers: SeedCounterparty[],
  program: SeedBonusProgram,
  meta: MetaFactory,
  nextTransactionNumber: () => string,
): SeedBonusTransaction[] {
  if (!program.active || !program.welcomeBonusesEnabled || program.welcomeBonusesValue <= 0) return [];
  const byRegistration = [...buyers].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  return byRegistration.map((buyer) => {
    const id = rng.uuid();
    buyer.bonusPoints += program.welcomeBonusesValue;
    return {
      meta: meta.entity('bonustransaction', id),
      id,
      accountId: buyer.accountId,
      created: buyer.created,
      updated: buyer.created,
      name: nextTransactionNumber(),
      moment: buyer.created,
      executionDate: buyer.created,
      applicable: true,
      externalCode: rng.token(22),
      agent: { meta: buyer.meta },
      bonusProgram: { meta: program.meta },
      transactionType: 'EARNING',
      transactionStatus: 'COMPLETED',
      categoryType: 'WELCOME',
      bonusValue: program.welcomeBonusesValue,
    };
  });
}
