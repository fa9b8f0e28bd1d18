import { useState } from 'preact/hooks';
import type { SettingsView } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';
import { useAction } from '../lib/use-action.js';
import { MAX_REFERRAL_POINTS, parseDraft, toDraft, type SettingsDraft } from '../lib/referral-settings.js';
import { ErrorNotice } from './ErrorNotice.js';
import { InputField, SelectField } from './Field.js';
import { SecuritySettingsFields } from './SecuritySettingsFields.js';

type Props = { initial: SettingsView; readOnly: boolean };

/**
 * Referral points, when the referrer is rewarded, the price type, the admin's limits and the referral page's details;
 * saved with one PUT /settings.
 */
export function ReferralSettingsForm({ initial, readOnly }: Props) {
  const { t, api } = useWidgetEnv();
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(initial));
  const [invalid, setInvalid] = useState<string[]>([]);
  const { busy: saving, error, run } = useAction();
  const [saved, setSaved] = useState(false);

  const change = (patch: Partial<SettingsDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setSaved(false);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseDraft(draft);
    if (!parsed.ok) {
      setInvalid(parsed.invalid);
      return;
    }
    setInvalid([]);
    await run(async () => {
      setDraft(toDraft(await api.saveSettings(parsed.settings)));
      setSaved(true);
    });
  };

  const pointsField = (field: 'referralBonusNew' | 'referralBonusReferrer', label: string) => (
    <>
      <InputField
        id={`msk-${field}`}
        label={label}
        type="number"
        min={0}
        max={MAX_REFERRAL_POINTS}
        step={1}
        value={draft[field]}
        disabled={readOnly}
        aria-invalid={invalid.includes(field)}
        aria-describedby={`msk-${field}-hint`}
        onValue={(value) => change({ [field]: value })}
      />
      <p id={`msk-${field}-hint`} class={invalid.includes(field) ? 'msk-widget__field-error' : 'msk-widget__hint'}>
        {t('advanced_page.bounds', { max: MAX_REFERRAL_POINTS })}
      </p>
    </>
  );

  return (
    <form class="msk-widget__form msk-widget__section" onSubmit={submit} noValidate>
      <h3 class="msk-widget__heading">{t('advanced_page.referral_title')}</h3>
      {readOnly && <p class="msk-widget__hint">{t('advanced_page.read_only')}</p>}
      {pointsField('referralBonusNew', t('advanced_page.referral_new'))}
      {pointsField('referralBonusReferrer', t('advanced_page.referral_referrer'))}
      <SelectField
        id="msk-reward-at"
        label={t('advanced_page.reward_at')}
        value={draft.referrerRewardAt}
        disabled={readOnly}
        onValue={(value) => change({ referrerRewardAt: value === 'signup' ? 'signup' : 'first_purchase' })}
      >
        <option value="signup">{t('advanced_page.reward_signup')}</option>
        <option value="first_purchase">{t('advanced_page.reward_first_purchase')}</option>
      </SelectField>
      <SelectField
        id="msk-price-type"
        label={t('advanced_page.price_type')}
        value={draft.priceTypeId}
        disabled={readOnly}
        onValue={(value) => change({ priceTypeId: value })}
      >
        <option value="">{t('advanced_page.price_type_none')}</option>
        {initial.priceTypes.map((type) => (
          <option key={type.id} value={type.id}>
            {type.name}
          </option>
        ))}
      </SelectField>
      <SecuritySettingsFields draft={draft} invalid={invalid} readOnly={readOnly} change={change} />
      {error !== null && <ErrorNotice error={error} />}
      {!readOnly && (
        <button type="submit" class="msk-widget__button msk-widget__button--primary" disabled={saving}>
          {saving ? t('common.saving') : t('common.save')}
        </button>
      )}
      <p class="msk-widget__result" aria-live="polite">
        {saved ? t('common.saved') : ''}
      </p>
    </form>
  );
}
