/**
 * Human texts for every stable problem `code` the widget API returns, in both languages the widget
 * speaks. The widget switches on `code`; `detail` is what a person reads.
 */
export type Language = 'ru' | 'en';

export const problemMessages = {
  token_missing: { ru: 'Нет токена авторизации amoCRM (X-Auth-Token).', en: 'The amoCRM authorization token (X-Auth-Token) is missing.' },
  token_invalid: { ru: 'Токен авторизации amoCRM недействителен.', en: 'The amoCRM authorization token is invalid.' },
  token_expired: { ru: 'Срок действия токена amoCRM истёк. Обновите страницу.', en: 'The amoCRM token has expired. Reload the page.' },
  token_replayed: { ru: 'Этот токен amoCRM уже использован.', en: 'This amoCRM token has already been used.' },
  admin_required: { ru: 'Это действие доступно только администратору аккаунта amoCRM.', en: 'Only an amoCRM account administrator can do this.' },
  validation_failed: { ru: 'Запрос содержит неверные данные.', en: 'The request contains invalid data.' },
  malformed_body: { ru: 'Тело запроса не является корректным JSON.', en: 'The request body is not valid JSON.' },
  body_too_large: { ru: 'Тело запроса слишком большое.', en: 'The request body is too large.' },
  malformed_path: { ru: 'Адрес запроса содержит неверную %-последовательность.', en: 'The request path has a malformed percent-escape.' },
  unsupported_media_type: { ru: 'Ожидается Content-Type: application/json.', en: 'Expected Content-Type: application/json.' },
  not_found: { ru: 'Не найдено.', en: 'Not found.' },
  internal_error: { ru: 'Внутренняя ошибка сервера. Попробуйте позже.', en: 'Internal server error. Please try again later.' },
  not_connected: { ru: 'МойСклад не подключён. Администратор может подключить его в настройках виджета.', en: 'MoySklad is not connected. An administrator can connect it in the widget settings.' },
  moysklad_auth_failed: { ru: 'Неверный логин или пароль МойСклад.', en: 'Wrong MoySklad login or password.' },
  moysklad_no_api_access: { ru: 'У этого пользователя МойСклад нет доступа к API. Включите его в настройках прав сотрудника.', en: 'This MoySklad user has no API access. Enable it in the employee permissions.' },
  moysklad_tariff: { ru: 'Тариф МойСклад не позволяет эту операцию (нужен платный тариф с опцией CRM).', en: 'The MoySklad tariff does not allow this (a paid tariff with the CRM option is required).' },
  moysklad_unreachable: { ru: 'МойСклад сейчас недоступен. Попробуйте позже.', en: 'MoySklad is unreachable right now. Please try again later.' },
  moysklad_needs_reauth: { ru: 'Доступ к МойСклад отозван. Администратору нужно подключить МойСклад заново.', en: 'MoySklad access was revoked. An administrator needs to reconnect MoySklad.' },
  customer_importing: { ru: 'Данные из МойСклад ещё загружаются: покупатель появится, когда первичная загрузка дойдёт до него.', en: 'MoySklad data is still being imported: the customer appears once the first import reaches them.' },
  customer_not_linked: { ru: 'Этот покупатель не связан с контрагентом МойСклад.', en: 'This customer is not linked to a MoySklad counterparty.' },
  idempotency_key_required: { ru: 'Нужен заголовок Idempotency-Key (1–100 символов).', en: 'The Idempotency-Key header is required (1–100 characters).' },
  idempotency_key_reused: { ru: 'Этот Idempotency-Key уже использован для другого запроса.', en: 'This Idempotency-Key was already used for a different request.' },
  idempotency_in_progress: { ru: 'Операция с этим ключом ещё выполняется. Повторите запрос позже.', en: 'An operation with this key is still in progress. Retry later.' },
  bonus_program_inactive: { ru: 'В МойСклад нет активной бонусной программы.', en: 'There is no active bonus program in MoySklad.' },
  bonus_amount_out_of_bounds: { ru: 'Количество баллов вне допустимых пределов.', en: 'The number of points is out of the allowed range.' },
  bonus_insufficient_points: { ru: 'Недостаточно баллов для списания.', en: 'Not enough points to redeem.' },
  bonus_max_balance_exceeded: { ru: 'Баланс превысит максимально допустимый для этого покупателя (МойСклад, код 62004).', en: 'The balance would exceed the maximum allowed for this customer (MoySklad code 62004).' },
  bonus_operation_limit_exceeded: { ru: 'Это больше, чем можно начислить или списать за одну операцию (лимит задаёт администратор в настройках виджета).', en: 'This is more than one operation may accrue or redeem (an administrator sets the limit in the widget settings).' },
  bonus_daily_limit_exceeded: { ru: 'Дневной лимит ваших операций с баллами исчерпан (его задаёт администратор в настройках виджета).', en: 'Your daily limit for points operations is used up (an administrator sets it in the widget settings).' },
  bonus_rejected: { ru: 'МойСклад отклонил бонусную операцию.', en: 'MoySklad rejected the bonus operation.' },
  job_not_found: { ru: 'Задача не найдена.', en: 'Job not found.' },
  job_not_failed: { ru: 'Повторить или пропустить можно только задачу с ошибкой.', en: 'Only a failed job can be retried or skipped.' },
  revoke_signature_invalid: { ru: 'Подпись хука отключения неверна.', en: 'The revoke hook signature is invalid.' },
  referral_not_found: { ru: 'Реферальная ссылка не найдена.', en: 'Referral link not found.' },
  referral_phone_invalid: { ru: 'Укажите номер мобильного телефона, например +7 999 123-45-67.', en: 'Enter a mobile phone number, e.g. +7 999 123-45-67.' },
  referral_code_invalid: { ru: 'Код из SMS неверен или устарел. Проверьте его или запросите новый.', en: 'The code from the SMS is wrong or has expired. Check it or request a new one.' },
  referral_daily_limit: { ru: 'По этой ссылке сегодня уже зарегистрировались все, кого можно. Попробуйте завтра.', en: 'This link has reached its sign-up limit for today. Please try again tomorrow.' },
  referral_consent_required: { ru: 'Чтобы получить бонус, дайте согласие на обработку персональных данных.', en: 'To get the bonus, please consent to the processing of your personal data.' },
  referral_form_invalid: { ru: 'Укажите имя (до 100 символов) и телефон.', en: 'Enter your name (up to 100 characters) and phone number.' },
  referral_self: { ru: 'Нельзя пригласить самого себя.', en: 'You cannot refer yourself.' },
  referral_existing_customer: { ru: 'Вы уже наш покупатель — бонус для новых покупателей не начисляется.', en: 'You are already our customer, so the new-customer bonus does not apply.' },
  referral_phone_used: { ru: 'Этот телефон уже участвовал в реферальной программе.', en: 'This phone number has already taken part in the referral program.' },
  referral_unavailable: { ru: 'Реферальная программа сейчас недоступна.', en: 'The referral program is unavailable right now.' },
  csrf_failed: { ru: 'Форма устарела. Обновите страницу и отправьте её снова.', en: 'The form has expired. Reload the page and submit it again.' },
  rate_limited: { ru: 'Слишком много попыток. Попробуйте позже.', en: 'Too many attempts. Please try again later.' },
  revoke_not_confirmed: { ru: 'amoCRM по-прежнему принимает токены интеграции: отключение не подтверждено и не выполнено.', en: 'amoCRM still accepts the integration tokens: the revoke is not confirmed and was not carried out.' },
  revoke_unconfirmed: { ru: 'Не удалось подтвердить отключение в amoCRM. Ничего не удалено.', en: 'The revoke could not be confirmed with amoCRM. Nothing was deleted.' },
  install_params_invalid: { ru: 'Неверные параметры установки.', en: 'Invalid installation parameters.' },
} as const satisfies Record<string, Record<Language, string>>;

export type ProblemCode = keyof typeof problemMessages;

/**
 * The HTTP status of each code: the one place it is decided (services throw codes without a status,
 * proxy/services/service-error.ts; route declarations list codes and the OpenAPI document groups them by this table).
 */
export const problemStatus: Record<ProblemCode, number> = {
  token_missing: 401,
  token_invalid: 401,
  token_expired: 401,
  token_replayed: 401,
  admin_required: 403,
  validation_failed: 400,
  malformed_body: 400,
  body_too_large: 413,
  malformed_path: 400,
  unsupported_media_type: 415,
  not_found: 404,
  internal_error: 500,
  not_connected: 409,
  moysklad_auth_failed: 422,
  moysklad_no_api_access: 403,
  moysklad_tariff: 402,
  moysklad_unreachable: 502,
  moysklad_needs_reauth: 409,
  customer_importing: 409,
  customer_not_linked: 404,
  idempotency_key_required: 400,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  bonus_program_inactive: 422,
  bonus_amount_out_of_bounds: 422,
  bonus_insufficient_points: 422,
  bonus_max_balance_exceeded: 422,
  bonus_operation_limit_exceeded: 422,
  bonus_daily_limit_exceeded: 422,
  bonus_rejected: 422,
  job_not_found: 404,
  job_not_failed: 409,
  revoke_signature_invalid: 403,
  referral_not_found: 404,
  // The form's phone field and the service's phone rule say the same thing: a well-formed request with a number we
  // cannot use (422), as for the consent box; a form that is not ours at all is 400 (referral_form_invalid).
  referral_phone_invalid: 422,
  referral_code_invalid: 422,
  referral_daily_limit: 429,
  referral_consent_required: 422,
  referral_form_invalid: 400,
  referral_self: 422,
  referral_existing_customer: 409,
  referral_phone_used: 409,
  referral_unavailable: 503,
  csrf_failed: 403,
  rate_limited: 429,
  revoke_not_confirmed: 409,
  revoke_unconfirmed: 503,
  install_params_invalid: 400,
};

/** Picks ru or en from Accept-Language by the first supported tag (q-values respected); ru by default. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'ru';
  const ranked = acceptLanguage
    .slice(0, 200)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: tag.toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.lang === 'ru' || entry.lang === 'en')
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang === 'en' ? 'en' : 'ru';
}
