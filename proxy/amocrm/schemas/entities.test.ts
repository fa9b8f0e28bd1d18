import { describe, expect, it } from 'vitest';
import { referenceBlocks as ref } from '../test-support/reference-examples.js';
import { tokenResponseSchema } from '../oauth.js';
import { amoDocsExamples } from './amo-docs-examples.js';
import {
  catalogElementSchema, catalogSchema, contactSchema, customerSchema, customersModeSchema, customFieldSchema, customFieldValueSchema, linkSchema, noteSchema,
  transactionSchema, webhookSubscriptionSchema, writeAnswerSchema,
} from './entities.js';
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

describe('amoCRM schemas accept the answers printed on amoCRM\'s developer pages (nulls included)', () => {
  const docs = (key: keyof typeof amoDocsExamples) => JSON.parse(amoDocsExamples[key]) as any;
  const parseAll = (schema: { parse: (value: unknown) => unknown }, rows: unknown[]) => rows.map((row) => schema.parse(row));

  it('catalogs and catalog elements, with "is_deleted": null and "sdk_widget_code": null', () => {
    expect(parseAll(catalogSchema, docs('catalogsList')._embedded.catalogs)).toHaveLength(3);
    const listed = parseAll(catalogElementSchema, docs('catalogElementsList')._embedded.elements) as Array<{ is_deleted?: boolean | null }>;
    expect(listed[0]!.is_deleted).toBeNull();
    expect(catalogElementSchema.parse(docs('catalogElement'))).toMatchObject({ id: 525439, is_deleted: null, catalog_id: 4521 });
  });

  it('customers, contacts and custom fields, with "custom_fields_values": null and "closest_task_at": null', () => {
    expect(parseAll(customerSchema, docs('customersList')._embedded.customers).length).toBeGreaterThan(0);
    expect(customerSchema.parse(docs('customer'))).toMatchObject({ id: expect.any(Number) });
    expect(parseAll(contactSchema, docs('contactsList')._embedded.contacts).length).toBeGreaterThan(0);
    const contact = contactSchema.parse(docs('contact'));
    expect(contact._embedded?.customers?.map((c) => c.id)).toEqual([134923]);
    expect(parseAll(customFieldSchema, docs('customFieldsList')._embedded.custom_fields).length).toBeGreaterThan(0);
  });

  it('transactions (with "comment": null), notes, links and webhooks', () => {
    expect(transactionSchema.parse(docs('transactionsList')._embedded.transactions[0])).toMatchObject({ id: 134643, price: 123, comment: null, customer_id: 1000000158 });
    expect(transactionSchema.parse(docs('transaction'))).toMatchObject({ id: 14755, comment: 'Транзакция' });
    for (const key of ['notesByType', 'notesOfEntity'] as const) expect(parseAll(noteSchema, docs(key)._embedded.notes)).toHaveLength(2);
    expect(noteSchema.parse(docs('note'))).toMatchObject({ id: 42709325, params: { text: 'Текст примечания' } });
    expect(writeAnswerSchema('notes').parse(docs('notesAdded'))._embedded.notes?.map((n) => n.request_id)).toEqual(['0', '1', '2', '3']);
    const links = parseAll(linkSchema, docs('linksList')._embedded.links) as Array<{ metadata?: unknown }>;
    expect(links.map((l) => l.metadata)).toContainEqual(null);
    expect(parseAll(linkSchema, docs('linksAdded')._embedded.links)).toEqual([expect.objectContaining({ entity_id: 14158851 }), expect.objectContaining({ entity_id: 14158852, metadata: { main_contact: true } })]);
    expect(parseAll(webhookSubscriptionSchema, docs('webhooksList')._embedded.webhooks)).toHaveLength(2);
    expect(webhookSubscriptionSchema.parse(docs('webhookCreated'))).toMatchObject({ destination: 'https://example.test' });
  });

  it('still refuses a malformed field we act on', () => {
    const element = docs('catalogElement');
    expect(() => catalogElementSchema.parse({ ...element, is_deleted: 'no' })).toThrow();
    expect(() => catalogElementSchema.parse({ ...element, custom_fields_values: { SKU: 'dsg' } })).toThrow();
    expect(() => catalogElementSchema.parse({ ...element, id: '525439' })).toThrow();
    expect(() => catalogElementSchema.parse({ ...element, custom_fields_values: [{ field_code: 'SKU', values: 'dsg' }] })).toThrow();
    const note = docs('note');
    expect(() => noteSchema.parse({ ...note, params: { text: 42 } })).toThrow();
    expect(() => noteSchema.parse({ ...note, entity_id: null })).toThrow();
    const transaction = docs('transaction');
    expect(() => transactionSchema.parse({ ...transaction, comment: 5 })).toThrow();
    expect(() => transactionSchema.parse({ ...transaction, price: '123124' })).toThrow();
    expect(() => linkSchema.parse({ to_entity_id: '10', to_entity_type: 'contacts' })).toThrow();
    expect(() => customerSchema.parse({ ...docs('customer'), name: null })).toThrow();
    expect(() => contactSchema.parse({ ...docs('contact'), _embedded: { customers: [{ id: 'x' }] } })).toThrow();
  });
});
