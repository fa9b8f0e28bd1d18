import { ApiError } from '../api-error.js';
import type { EntityKind, KindServices } from '../core-types.js';
import type { Doc } from '../store.js';
import { invalidField, isNonNegativeInteger, referencingDocs, refIdOf, setDefault } from './kind-helpers.js';

export function activeBonusProgram(services: KindServices): Doc | undefined {
  return services.store.list('bonusprogram').find((p) => p.active === true);
}

const INT_FIELDS = ['earnRateRoublesToPoint', 'spendRatePointsToRouble', 'maxPaidRatePercents', 'welcomeBonusesValue'];

function check(doc: Doc): void {
  for (const field of INT_FIELDS)
    if (doc[field] !== undefined && !isNonNegativeInteger(doc[field])) throw invalidField(field, 'ожидается целое ≥ 0');
  if (Number(doc.maxPaidRatePercents) > 100) throw invalidField('maxPaidRatePercents', 'не больше 100');
  if (doc.welcomeBonusesMode !== undefined && !['REGISTRATION', 'FIRST_PURCHASE'].includes(String(doc.welcomeBonusesMode)))
    throw invalidField('welcomeBonusesMode', String(doc.welcomeBonusesMode));
}

export const bonusProgramKind: EntityKind = {
  type: 'bonusprogram',
  required: ['name'],
  readOnly: ['allProducts'],
  supportsSyncId: false,
  onCreate(doc) {
    setDefault(doc, 'active', false);
    setDefault(doc, 'allAgents', true);
    setDefault(doc, 'agentTags', []);
    doc.allProducts = true;
    setDefault(doc, 'earnRateRoublesToPoint', 1);
    setDefault(doc, 'spendRatePointsToRouble', 1);
    setDefault(doc, 'maxPaidRatePercents', 100);
    setDefault(doc, 'earnWhileRedeeming', false);
    setDefault(doc, 'welcomeBonusesEnabled', false);
    check(doc);
  },
  onUpdate(_prev, next) {
    check(next);
  },
  beforeWrite(_prev, next, services) {
    if (!next || next.active !== true) return;
    const other = activeBonusProgram(services);
    if (other && other.id !== next.id)
      throw new ApiError(412, 3020, 'Может быть только одна активная бонусная программа', { parameter: 'active' });
  },
  blockers(id, services) {
    return referencingDocs(services, ['bonustransaction'], (doc) => refIdOf(doc.bonusProgram, 'bonusprogram') === id);
  },
};
