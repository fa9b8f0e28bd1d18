import { describe, expect, it } from 'vitest';
import { parseJobProblem, refusedEntityProblem } from './job-problem.js';

describe('readable job problems', () => {
  const items = [
    { item: { name: 'ok' }, errors: [] },
    { item: { name: '  Пётр Сидоров ' }, errors: [{ code: 'InvalidValue', path: 'custom_fields_values.0.values.0.value', detail: 'This value is not a valid email address.' }] },
  ];

  it('takes the first refused field and amoCRM’s words; the name from the caller, else from the refused item', () => {
    expect(refusedEntityProblem({ type: 'counterparty', moyskladId: 'ms-1' }, items)).toEqual({
      entity: { type: 'counterparty', moyskladId: 'ms-1', name: 'Пётр Сидоров' },
      field: 'custom_fields_values.0.values.0.value',
      message: 'This value is not a valid email address.',
      hint: 'fix_in_moysklad',
    });
    expect(refusedEntityProblem({ type: 'product', moyskladId: 'p-1', name: 'Камера' }, items).entity?.name).toBe('Камера');
    // No detail: the code stands in; nothing known at all: nulls, still a hint.
    expect(refusedEntityProblem({ type: 'record', moyskladId: null }, [{ item: undefined, errors: [{ code: 'NotBlank', path: 'name' }] }])).toEqual({
      entity: { type: 'record', moyskladId: null, name: null },
      field: 'name',
      message: 'NotBlank',
      hint: 'fix_in_moysklad',
    });
    expect(refusedEntityProblem({ type: 'record', moyskladId: null }, [])).toMatchObject({ field: null, message: null });
    expect(refusedEntityProblem({ type: 'record', moyskladId: null }, [{ item: { name: 'x'.repeat(500) }, errors: [{ detail: 'y'.repeat(2000) }] }])).toMatchObject({
      entity: { name: 'x'.repeat(300) },
      message: 'y'.repeat(1000),
    });
  });

  it('reads back only what matches the stored shape', () => {
    const problem = refusedEntityProblem({ type: 'counterparty', moyskladId: 'ms-1' }, items);
    expect(parseJobProblem(JSON.stringify(problem))).toEqual(problem);
    for (const stored of [null, '', 'not json', '{"hint":"dance"}', '{"entity":null,"field":null,"message":null}']) expect(parseJobProblem(stored), String(stored)).toBeNull();
  });
});
