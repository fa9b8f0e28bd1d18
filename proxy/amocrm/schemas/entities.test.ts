import { describe, expect, it } from 'vitest';
import { referenceBlocks as ref } from '../test-support/reference-examples.js';
import { tokenResponseSchema } from '../oauth.js';
import { catalogElementSchema, customersModeSchema, customFieldValueSchema } from './entities.js';
import { problemSchema } from './problem.js';
import { parseExample } from '../test-support/parse-example.js';


describe('amoCRM schemas accept the documented examples verbatim', () => {
  it('token answer', () => {
    expect(tokenResponseSchema.parse(parseExample(ref.tokenResponse))).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
  });

  it('validation errors problem', () => {
    const problem = problemSchema.parse(parseExample(ref.validationErrors));
    expect(problem['validation-errors']?.[0]).toEqual({ request_id: '0', errors: [{ code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id', detail: 'The value you selected is not a valid choice.' }] });
  });

  it('customers mode body and catalog element field values', () => {
    expect(customersModeSchema.parse(parseExample(ref.customersModeRequest))).toEqual({ mode: 'segments', is_enabled: true });
    const { custom_fields_values } = parseExample(ref.catalogElementFieldsFragment) as { custom_fields_values: unknown[] };
    const fields = custom_fields_values.map((value) => customFieldValueSchema.parse(value));
    expect(fields.map((f) => f.field_code)).toEqual(['SKU', 'DESCRIPTION', 'PRICE', 'GROUP']);
    expect(catalogElementSchema.parse({ id: 1, name: 'x', custom_fields_values }).custom_fields_values?.[3]?.values?.[0]?.enum_id).toBe(10663);
  });

  it('request bodies of every documented write are well-formed JSON', () => {
    for (const key of ['exchangeCodeRequest', 'refreshRequest', 'createCustomersRequest', 'updateCustomersRequest', 'createTransactionsRequest', 'bonusPointsRequest', 'linkRequest', 'createContactsRequest', 'createCatalogElementsRequest', 'createCustomFieldsHttp', 'writeCustomFieldValues', 'createNotesRequest'] as const) {
      expect(() => parseExample(ref[key]), key).not.toThrow();
    }
  });
});
