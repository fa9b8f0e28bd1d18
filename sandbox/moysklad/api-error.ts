import type { RefMeta } from './references.js';

/** One element of МойСклад's `errors` array. */
export interface ApiErrorItem {
  error: string;
  code: number;
  moreInfo: string;
  parameter?: string;
  dependencies?: { meta: RefMeta }[];
}

/**
 * An error the emulator answers with: HTTP status + one МойСклад error object.
 * Codes follow md/_errors.md; where the real code is unknown the emulator says so in the message's
 * call site comment.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: { parameter?: string; dependencies?: { meta: RefMeta }[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  toItem(): ApiErrorItem {
    const item: ApiErrorItem = {
      error: this.message,
      code: this.code,
      moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${this.code}`,
    };
    if (this.extra.parameter) item.parameter = this.extra.parameter;
    if (this.extra.dependencies) item.dependencies = this.extra.dependencies;
    return item;
  }
}

export const notFound = (type: string, id: string) =>
  new ApiError(404, 1021, `Объект с типом '${type}' и идентификатором '${id}' не найден`);

export const requiredField = (field: string) =>
  new ApiError(412, 3000, `Ошибка сохранения объекта: поле '${field}' не может быть пустым или отсутствовать`, {
    parameter: field,
  });
