import type { HostLanguage } from './types.js';

// The host page's own interface strings (the widget brings its own i18n files in the zip).
const strings = {
  ru: {
    customers: 'Покупатели',
    settings: 'Настройки',
    integrations: 'Интеграции',
    name: 'Название',
    bonusPoints: 'Бонусные баллы',
    purchases: 'Покупки',
    ltv: 'Сумма покупок',
    noCustomers: 'Покупателей пока нет',
    customerNotFound: 'Покупатель не найден',
    contacts: 'Контакты',
    feed: 'Лента событий',
    purchase: 'Покупка',
    note: 'Примечание',
    empty: 'Пусто',
    install: 'Установить',
    save: 'Сохранить',
    disable: 'Отключить',
    cancel: 'Отмена',
    installed: 'Установлен',
    notInstalled: 'Не установлен',
    widgetMissing: 'Архив виджета не загружен',
    requiredMissing: 'Заполните обязательные поля',
    theme: 'Тёмная тема',
    loadFailed: 'Не удалось загрузить данные amoCRM',
  },
  en: {
    customers: 'Customers',
    settings: 'Settings',
    integrations: 'Integrations',
    name: 'Name',
    bonusPoints: 'Bonus points',
    purchases: 'Purchases',
    ltv: 'Purchases total',
    noCustomers: 'No customers yet',
    customerNotFound: 'Customer not found',
    contacts: 'Contacts',
    feed: 'Feed',
    purchase: 'Purchase',
    note: 'Note',
    empty: 'Empty',
    install: 'Install',
    save: 'Save',
    disable: 'Disable',
    cancel: 'Cancel',
    installed: 'Installed',
    notInstalled: 'Not installed',
    widgetMissing: 'Widget archive is not uploaded',
    requiredMissing: 'Fill in the required fields',
    theme: 'Dark theme',
    loadFailed: 'Could not load amoCRM data',
  },
} satisfies Record<HostLanguage, Record<string, string>>;

export type HostStrings = (typeof strings)['ru'];

export function hostStrings(lang: HostLanguage): HostStrings {
  return strings[lang];
}
