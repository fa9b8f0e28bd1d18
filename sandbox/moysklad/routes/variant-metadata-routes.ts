import express, { type Router } from 'express';
import { ApiError, notFound } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { sendJson } from '../gzip-json.js';
import { CHARACTERISTIC, characteristicByName } from '../kinds/variant.js';
import { isObject } from '../references.js';
import { jsonBody, routeParam } from '../request-context.js';

/**
 * Characteristics of modifications (md/dictionaries/_characteristic.md): `GET /entity/variant/metadata` lists them,
 * `POST /entity/variant/metadata/characteristics` creates one (`{name}`) or many (an array). Registered before the
 * generic entity routes, which would read `metadata` as a variant id.
 */
export function variantMetadataRoutes(core: EmulatorCore): Router {
  const router = express.Router();
  const services = core.services;

  router.get('/entity/variant/metadata', (_req, res) => {
    sendJson(res, 200, { meta: { href: '/entity/variant/metadata', mediaType: 'application/json' }, characteristics: core.store.list(CHARACTERISTIC) });
  });

  router.get('/entity/variant/metadata/characteristics', (_req, res) => {
    sendJson(res, 200, core.store.list(CHARACTERISTIC));
  });

  router.get('/entity/variant/metadata/characteristics/:id', (req, res) => {
    const found = core.store.get(CHARACTERISTIC, routeParam(req, 'id'));
    if (!found) throw notFound('attributemetadata', routeParam(req, 'id'));
    sendJson(res, 200, found);
  });

  router.post('/entity/variant/metadata/characteristics', (req, res) => {
    const body = jsonBody(req);
    const items = Array.isArray(body) ? body : [body];
    // Validate everything first so a bad item creates nothing.
    const names = items.map((item) => {
      const name = isObject(item) && typeof item.name === 'string' ? item.name.trim() : '';
      if (!name) throw new ApiError(412, 3000, "Ошибка сохранения объекта: поле 'name' не может быть пустым или отсутствовать", { parameter: 'name' });
      return name;
    });
    if (names.some((name, i) => names.indexOf(name) !== i || characteristicByName(services, name, false)))
      throw new ApiError(412, 10002, "Ошибка сохранения характеристик модификации: характеристики с указанными полями 'name' уже существуют", { parameter: 'name' });
    const created = names.map((name) => characteristicByName(services, name, true)!);
    sendJson(res, 200, Array.isArray(body) ? created : created[0]);
  });

  return router;
}
