import { useWidgetEnv } from '../lib/env.js';
import { formatShopDateTime } from '../lib/format.js';

type Props = { iso: string };

/** A moment on the shop's clock (Moscow time, labelled), machine-readable through `datetime`. */
export function ShopDateTime({ iso }: Props) {
  const { t, intlLocale } = useWidgetEnv();
  return <time dateTime={iso}>{formatShopDateTime(iso, intlLocale, t('common.time_zone'))}</time>;
}
