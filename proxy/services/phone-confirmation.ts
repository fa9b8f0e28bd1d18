/**
 * The referral page's optional confirmation step: a one-time code sent to the phone, typed back into the form. It is
 * a hook because sending an SMS needs a provider (and the internet), which the proxy does not bundle: production wires
 * an implementation of this port into `createWidgetApiModule(context, { phoneConfirmation })`. The admin switches the step on in the
 * widget settings (`referralPhoneConfirmation`, off by default); switched on without a sender, the page refuses
 * sign-ups (503) rather than skip the check it promises.
 *
 * An implementation owns the code: how it is generated, how long it lives and how many wrong tries it allows (the page
 * also limits posts per IP). `proxy/test-support/phone-confirmation.ts` is an in-memory one for tests.
 */
export interface PhoneConfirmationPort {
  /** False for the built-in "no sender" default. */
  readonly configured: boolean;
  /** Sends a code to `phone` (E.164) for a sign-up in this account. */
  send(accountId: number, phone: string): Promise<void>;
  /** True when `code` is the live code sent to `phone`; a code is good for one successful check. */
  verify(accountId: number, phone: string, code: string): Promise<boolean>;
}

export const NO_PHONE_CONFIRMATION: PhoneConfirmationPort = {
  configured: false,
  async send() {
    throw new Error('no phone confirmation sender is configured');
  },
  async verify() {
    return false;
  },
};
