import type { Rng } from './prng.js';

/** Russian personal and company names for realistic-looking buyers. */

const MALE_FIRST = [
  'Александр', 'Алексей', 'Андрей', 'Антон', 'Артём', 'Борис', 'Вадим', 'Василий', 'Виктор', 'Владимир',
  'Дмитрий', 'Евгений', 'Егор', 'Иван', 'Игорь', 'Илья', 'Кирилл', 'Константин', 'Максим', 'Михаил',
  'Никита', 'Николай', 'Олег', 'Павел', 'Роман', 'Сергей', 'Станислав', 'Тимофей', 'Фёдор', 'Юрий',
] as const;

const FEMALE_FIRST = [
  'Александра', 'Алина', 'Анастасия', 'Анна', 'Валентина', 'Валерия', 'Вера', 'Виктория', 'Галина', 'Дарья',
  'Екатерина', 'Елена', 'Ирина', 'Ксения', 'Лариса', 'Любовь', 'Людмила', 'Марина', 'Мария', 'Надежда',
  'Наталья', 'Ольга', 'Полина', 'Светлана', 'София', 'Татьяна', 'Ульяна', 'Юлия', 'Яна', 'Вероника',
] as const;

/** Father's names; the patronymic is derived with the male/female suffix. */
const PATRONYMIC_STEMS = [
  ['Александрович', 'Александровна'], ['Алексеевич', 'Алексеевна'], ['Андреевич', 'Андреевна'],
  ['Борисович', 'Борисовна'], ['Викторович', 'Викторовна'], ['Владимирович', 'Владимировна'],
  ['Дмитриевич', 'Дмитриевна'], ['Евгеньевич', 'Евгеньевна'], ['Иванович', 'Ивановна'],
  ['Игоревич', 'Игоревна'], ['Константинович', 'Константиновна'], ['Михайлович', 'Михайловна'],
  ['Николаевич', 'Николаевна'], ['Олегович', 'Олеговна'], ['Павлович', 'Павловна'],
  ['Петрович', 'Петровна'], ['Сергеевич', 'Сергеевна'], ['Юрьевич', 'Юрьевна'],
] as const;

/** Male surnames; the female form is derived by {@link feminineSurname}. */
const SURNAMES = [
  'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев',
  'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев',
  'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин', 'Фролов', 'Александров', 'Дмитриев', 'Королёв', 'Гусев', 'Киселёв',
  'Ильин', 'Максимов', 'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев', 'Антонов', 'Тарасов',
  'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов', 'Осипов', 'Сидоров',
  'Матвеев', 'Титов', 'Марков', 'Миронов', 'Крылов', 'Куликов', 'Карпов', 'Власов', 'Мельников', 'Денисов',
  'Гаврилов', 'Тихонов', 'Казаков', 'Афанасьев', 'Данилов', 'Савельев', 'Тимофеев', 'Фомин', 'Чернов', 'Абрамов',
  'Высоцкий', 'Покровский', 'Вишневский', 'Островский', 'Ковальчук', 'Шевченко', 'Бондаренко', 'Ткаченко',
] as const;

/** Surnames ending in -ко / -чук do not change with gender; -ий → -ая; -ов/-ев/-ин take -а. */
function feminineSurname(male: string): string {
  if (/(ко|чук)$/.test(male)) return male;
  if (male.endsWith('ий')) return `${male.slice(0, -2)}ая`;
  return `${male}а`;
}

export interface PersonName {
  firstName: string;
  middleName: string;
  lastName: string;
  sex: 'MALE' | 'FEMALE';
}

export function randomPerson(rng: Rng): PersonName {
  const sex = rng.chance(0.5) ? 'MALE' : 'FEMALE';
  const surname = rng.pick(SURNAMES);
  const patronymic = rng.pick(PATRONYMIC_STEMS);
  return sex === 'MALE'
    ? { sex, firstName: rng.pick(MALE_FIRST), middleName: patronymic[0], lastName: surname }
    : { sex, firstName: rng.pick(FEMALE_FIRST), middleName: patronymic[1], lastName: feminineSurname(surname) };
}

const COMPANY_WORDS = [
  'Ромашка', 'Вектор', 'Гранит', 'Северный ветер', 'Техносфера', 'Альфа-Трейд', 'Фотомир', 'Меридиан',
  'Горизонт', 'Сибирский опт', 'Ладога', 'Орион', 'Прогресс', 'Квант', 'Волжские просторы', 'Стройкомплект',
] as const;

const COMPANY_FORMS = ['ООО', 'АО', 'ООО', 'ПАО'] as const;

export function randomCompanyName(rng: Rng): string {
  return `${rng.pick(COMPANY_FORMS)} «${rng.pick(COMPANY_WORDS)}»`;
}

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/** Latin spelling for e-mail local parts. */
export function transliterate(text: string): string {
  return [...text.toLowerCase()].map((ch) => TRANSLIT[ch] ?? ch).join('');
}

const CITIES = ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'Екатеринбург', 'Нижний Новгород'] as const;
const STREETS = ['ул. Ленина', 'пр-т Мира', 'ул. Гагарина', 'Садовая ул.', 'ул. Пушкина', 'Невский пр-т'] as const;

export function randomAddress(rng: Rng): string {
  return `${rng.int(101000, 199000)}, г. ${rng.pick(CITIES)}, ${rng.pick(STREETS)}, д. ${rng.int(1, 120)}`;
}
