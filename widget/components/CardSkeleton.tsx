import { useWidgetEnv } from '../lib/env.js';

/** Placeholder blocks while the card loads; the text is for screen readers only. */
export function CardSkeleton() {
  const { t } = useWidgetEnv();
  return (
    <div class="msk-widget__skeleton" aria-busy="true">
      <span class="msk-widget__sr-only">{t('common.loading')}</span>
      <div class="msk-widget__skeleton-line" />
      <div class="msk-widget__skeleton-line msk-widget__skeleton-line--short" />
      <div class="msk-widget__skeleton-line" />
    </div>
  );
}
