import type { FirstImport } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';

type Props = { progress: FirstImport; /** The card is shown, but may still miss purchases. */ partial: boolean };

/** The account's first import has not finished: say so (with its progress) instead of "not from МойСклад" or final-looking totals. */
export function ImportProgress({ progress, partial }: Props) {
  const { t } = useWidgetEnv();
  const key = `card.${progress.state === 'failed' ? 'import_failed' : 'importing'}${partial ? '_partial' : ''}`;
  return (
    <div class="msk-widget__notice" role="status" data-testid="import-progress">
      <p>{t(key, { done: progress.done, total: progress.total })}</p>
      {progress.state === 'running' && progress.total > 0 && <progress class="msk-widget__progress" max={progress.total} value={progress.done} aria-label={t('card.import_progress')} />}
    </div>
  );
}
