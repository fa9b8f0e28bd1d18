import type { BonusOperation, BonusRequest } from '../api/types.js';

export type BonusDraft = { operation: BonusOperation; amount: string; comment: string };

/** One confirmed operation: the key is made when the user reaches confirmation and reused on retry. */
export type BonusAttempt = { request: BonusRequest; key: string };

/**
 * The manual operation form as one state machine: editing → confirming → sending → editing (done) or back to
 * confirming (failed, retry with the same key) or editing (refused, with the reason next to the amount).
 */
export type BonusFormState =
  | { step: 'editing'; draft: BonusDraft; invalid: string | null; done: string | null }
  | { step: 'confirming'; draft: BonusDraft; attempt: BonusAttempt; error: unknown }
  | { step: 'sending'; draft: BonusDraft; attempt: BonusAttempt };

export type BonusFormAction =
  | { type: 'edit'; patch: Partial<BonusDraft> }
  | { type: 'invalid'; message: string }
  | { type: 'confirm'; attempt: BonusAttempt }
  | { type: 'back' }
  | { type: 'send' }
  | { type: 'sent'; message: string }
  | { type: 'failed'; error: unknown }
  | { type: 'refused'; message: string };

export const initialBonusForm: BonusFormState = { step: 'editing', draft: { operation: 'accrue', amount: '', comment: '' }, invalid: null, done: null };

/**
 * Actions that do not fit the current step are ignored, so a double click cannot send twice (the second `send` finds
 * the form already sending) and a late answer cannot reopen a form the user has left.
 */
export function bonusFormReducer(state: BonusFormState, action: BonusFormAction): BonusFormState {
  switch (action.type) {
    case 'edit':
      return state.step === 'editing' ? { ...state, draft: { ...state.draft, ...action.patch } } : state;
    case 'invalid':
      return state.step === 'editing' ? { ...state, invalid: action.message, done: null } : state;
    case 'confirm':
      return state.step === 'editing' ? { step: 'confirming', draft: state.draft, attempt: action.attempt, error: null } : state;
    case 'back':
      return state.step === 'confirming' ? { step: 'editing', draft: state.draft, invalid: null, done: null } : state;
    case 'send':
      return state.step === 'confirming' ? { step: 'sending', draft: state.draft, attempt: state.attempt } : state;
    case 'sent':
      return state.step === 'sending' ? { step: 'editing', draft: { ...state.draft, amount: '', comment: '' }, invalid: null, done: action.message } : state;
    case 'failed':
      return state.step === 'sending' ? { step: 'confirming', draft: state.draft, attempt: state.attempt, error: action.error } : state;
    case 'refused':
      return state.step === 'sending' ? { step: 'editing', draft: state.draft, invalid: action.message, done: null } : state;
  }
}
