import { ApiError } from '../api-error.js';
import type { EntityKind } from '../core-types.js';
import { refTarget } from '../references.js';
import { applyBonusChange } from './bonus-ledger.js';
import { invalidField, isNonNegativeInteger, momentNow, requireRef, setDefault } from './kind-helpers.js';

const TYPES = ['EARNING', 'SPENDING'];

export const bonusTransactionKind: EntityKind = {
  type: 'bonustransaction',
  required: ['agent', 'bonusProgram', 'transactionType'],
  readOnly: ['transactionStatus', 'categoryType'],
  supportsSyncId: false,
  onCreate(doc, services) {
    if (!TYPES.includes(String(doc.transactionType))) throw invalidField('transactionType', String(doc.transactionType));
    requireRef(doc, 'agent', 'counterparty', services);
    requireRef(doc, 'bonusProgram', 'bonusprogram', services);
    const parent = refTarget(doc.parentDocument);
    if (doc.parentDocument !== undefined && (!parent || !['retaildemand', 'retailsalesreturn'].includes(parent.type)))
      throw invalidField('parentDocument', 'ожидается retaildemand или retailsalesreturn');
    // A deferred accrual needs the «Расширенная бонусная программа» option, which the sandbox tariff lacks.
    if (doc.executionDate !== undefined)
      throw new ApiError(412, 62000, 'Отложенное начисление доступно только с опцией «Расширенная бонусная программа»', {
        parameter: 'executionDate',
      });
    setDefault(doc, 'bonusValue', 0);
    if (!isNonNegativeInteger(doc.bonusValue)) throw invalidField('bonusValue', 'ожидается целое ≥ 0');
    setDefault(doc, 'applicable', true);
    setDefault(doc, 'moment', momentNow(services));
    setDefault(doc, 'name', services.nextNumber('bonustransaction'));
    setDefault(doc, 'executionDate', doc.created); // processed immediately
    setDefault(doc, 'transactionStatus', 'COMPLETED');
    setDefault(doc, 'categoryType', 'REGULAR');
  },
  onUpdate(prev, next) {
    if (next.transactionType !== prev.transactionType)
      throw invalidField('transactionType', 'тип бонусной операции нельзя изменить');
    if (!isNonNegativeInteger(next.bonusValue)) throw invalidField('bonusValue', 'ожидается целое ≥ 0');
    if (next.executionDate !== prev.executionDate)
      throw new ApiError(412, 62003, 'Поле executionDate можно изменить только у отложенной операции', {
        parameter: 'executionDate',
      });
  },
  beforeWrite(prev, next, services, changes) {
    applyBonusChange(prev, next, services, changes);
  },
};
