import { useWidgetEnv } from '../lib/env.js';

/** "Show more" under a paged list; says it is loading while the next page is on its way. */
export function MoreButton({ busy, onClick }: { busy: boolean; onClick: () => void }) {
  const { t } = useWidgetEnv();
  return (
    <button type="button" class="msk-widget__button" onClick={onClick} disabled={busy} aria-busy={busy}>
      {busy ? t('common.loading') : t('history.more')}
    </button>
  );
}
