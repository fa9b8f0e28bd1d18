import { expect, it } from 'vitest';
import { logSafeUrl } from './log-safe-url.js';

it('masks the install code, the revoke signature and webhook path secrets; keeps everything else', () => {
  expect(logSafeUrl('/amocrm/install?code=def5020abc&referer=demo.amocrm.ru&from_widget=1')).toBe('/amocrm/install?code=%5Bredacted%5D&referer=demo.amocrm.ru&from_widget=1');
  expect(logSafeUrl('/amocrm/revoke?account_id=1&client_uuid=x&signature=abc')).toBe('/amocrm/revoke?account_id=1&client_uuid=x&signature=%5Bredacted%5D');
  expect(logSafeUrl('/webhooks/moysklad/31000001/s3cr3t?requestId=r1')).toBe('/webhooks/moysklad/31000001/[redacted]?requestId=r1');
  expect(logSafeUrl('/webhooks/amocrm/31000001/s3cr3t')).toBe('/webhooks/amocrm/31000001/[redacted]');
  expect(logSafeUrl('/api/widget/customers/5/card')).toBe('/api/widget/customers/5/card');
});
