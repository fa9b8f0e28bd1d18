import { useWidgetEnv } from '../lib/env.js';
import { CAP_BOUNDS, MAX_PRIVACY_URL_LENGTH, MAX_SHOP_NAME_LENGTH, type SettingsDraft } from '../lib/referral-settings.js';
import { InputField } from './Field.js';

type Props = {
  draft: SettingsDraft;
  invalid: string[];
  readOnly: boolean;
  change: (patch: Partial<SettingsDraft>) => void;
};

type TextField = keyof typeof CAP_BOUNDS | 'shopName' | 'privacyPolicyUrl';

/**
 * The admin's limits and the referral page's public details, inside the settings form (one PUT): caps on manual
 * points operations, the referral link's daily cap, the phone-confirmation switch, the shop's name and privacy policy.
 * Labels and hints are `security_settings.<field>` and `security_settings.<field>_hint`.
 */
export function SecuritySettingsFields({ draft, invalid, readOnly, change }: Props) {
  const { t } = useWidgetEnv();

  const field = (name: TextField) => {
    const bounds = name === 'shopName' || name === 'privacyPolicyUrl' ? null : CAP_BOUNDS[name];
    const limits = bounds
      ? ({ type: 'number', min: bounds.min, max: bounds.max, step: 1 } as const)
      : ({ type: 'text', maxLength: name === 'shopName' ? MAX_SHOP_NAME_LENGTH : MAX_PRIVACY_URL_LENGTH } as const);
    return (
      <>
        <InputField
          id={`msk-${name}`}
          label={t(`security_settings.${name}`)}
          {...limits}
          value={draft[name]}
          disabled={readOnly}
          aria-invalid={invalid.includes(name)}
          aria-describedby={`msk-${name}-hint`}
          onValue={(value) => change({ [name]: value })}
        />
        <p id={`msk-${name}-hint`} class={invalid.includes(name) ? 'msk-widget__field-error' : 'msk-widget__hint'}>
          {t(`security_settings.${name}_hint`, { ...bounds, max: bounds?.max ?? MAX_SHOP_NAME_LENGTH })}
        </p>
      </>
    );
  };

  return (
    <>
      <h3 class="msk-widget__heading">{t('security_settings.limits_title')}</h3>
      {field('bonusMaxPerOperation')}
      {field('bonusMaxPerUserPerDay')}
      {field('referralMaxPerReferrerPerDay')}
      <label class="msk-widget__checkbox">
        <input
          type="checkbox"
          checked={draft.referralPhoneConfirmation}
          disabled={readOnly}
          onChange={(event) => change({ referralPhoneConfirmation: event.currentTarget.checked })}
        />
        {t('security_settings.referralPhoneConfirmation')}
      </label>
      <p class="msk-widget__hint">{t('security_settings.referralPhoneConfirmation_hint')}</p>
      <h3 class="msk-widget__heading">{t('security_settings.page_title')}</h3>
      {field('shopName')}
      {field('privacyPolicyUrl')}
    </>
  );
}
