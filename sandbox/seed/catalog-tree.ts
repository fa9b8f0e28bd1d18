import type { Rng } from './prng.js';

/**
 * The shop's catalog outline: product groups (up to three levels) and, for each group, how to invent
 * plausible products in it. The generator prunes the tree to `folderDepth` and fills the leaves.
 */
export interface ProductTemplate {
  /** Short latin code used in articles, e.g. "CAM" → "CAM-00017". */
  code: string;
  /** Lowest and highest price in whole roubles. */
  priceRoubles: readonly [number, number];
  name: (rng: Rng) => string;
  description: (rng: Rng) => string;
}

export interface FolderSpec {
  name: string;
  template: ProductTemplate;
  children?: readonly FolderSpec[];
}

function branded(
  code: string,
  kinds: readonly string[],
  brands: readonly string[],
  model: (rng: Rng) => string,
  priceRoubles: readonly [number, number],
  blurb: string,
): ProductTemplate {
  return {
    code,
    priceRoubles,
    name: (rng) => `${rng.pick(kinds)} ${rng.pick(brands)} ${model(rng)}`,
    description: (rng) => `${blurb} Гарантия ${rng.pick([6, 12, 24])} мес.`,
  };
}

const letters = (rng: Rng, from: string): string => from[rng.int(0, from.length - 1)] ?? 'X';
const modelCode = (prefixes: string) => (rng: Rng) => `${letters(rng, prefixes)}${rng.int(10, 990)}`;

const BOOK_TITLES = [
  ['Мастер и Маргарита', 'М. Булгаков'], ['Преступление и наказание', 'Ф. Достоевский'],
  ['Война и мир', 'Л. Толстой'], ['Евгений Онегин', 'А. Пушкин'], ['Мёртвые души', 'Н. Гоголь'],
  ['Отцы и дети', 'И. Тургенев'], ['Тихий Дон', 'М. Шолохов'], ['Двенадцать стульев', 'И. Ильф, Е. Петров'],
  ['Пикник на обочине', 'А. и Б. Стругацкие'], ['Понедельник начинается в субботу', 'А. и Б. Стругацкие'],
] as const;
const KIDS_TITLES = [
  ['Денискины рассказы', 'В. Драгунский'], ['Незнайка на Луне', 'Н. Носов'], ['Волшебник Изумрудного города', 'А. Волков'],
  ['Сказки', 'К. Чуковский'], ['Приключения Буратино', 'А. Толстой'], ['Дядя Фёдор, пёс и кот', 'Э. Успенский'],
] as const;

function book(code: string, titles: readonly (readonly [string, string])[], priceRoubles: readonly [number, number]): ProductTemplate {
  return {
    code,
    priceRoubles,
    name: (rng) => {
      const [title, author] = rng.pick(titles);
      return `${author} «${title}», изд. ${rng.int(2015, 2026)}`;
    },
    description: (rng) => `Твёрдый переплёт, ${rng.int(120, 900)} стр.`,
  };
}

export const CATALOG: readonly FolderSpec[] = [
  {
    name: 'Фототовары',
    template: branded('PHO', ['Фотоаппарат', 'Объектив'], ['Canon', 'Nikon', 'Sony'], modelCode('DRZ'), [15000, 150000], 'Фототехника.'),
    children: [
      {
        name: 'Камеры',
        template: branded('CAM', ['Беззеркальная камера', 'Зеркальная камера', 'Компактная камера'],
          ['Canon', 'Nikon', 'Sony', 'Fujifilm', 'Panasonic'], modelCode('ADXZ'), [25000, 250000],
          'Матрица APS-C/полный кадр, видео 4K.'),
      },
      {
        name: 'Объективы',
        template: branded('LEN', ['Объектив'], ['Canon', 'Nikon', 'Sigma', 'Tamron', 'Sony'],
          (rng) => `${rng.pick([18, 24, 35, 50, 70, 85])}-${rng.pick([55, 70, 105, 200])}mm f/${rng.pick(['1.8', '2.8', '4'])}`,
          [9000, 180000], 'Автофокус, стабилизатор изображения.'),
      },
      {
        name: 'Аксессуары для фото',
        template: branded('ACC', ['Сумка для камеры', 'Бленда', 'Светофильтр UV'], ['Lowepro', 'Hoya', 'B+W'],
          modelCode('SMT'), [900, 12000], 'Аксессуар для фотоаппарата.'),
        children: [
          {
            name: 'Штативы',
            template: branded('TRI', ['Штатив', 'Монопод'], ['Manfrotto', 'Benro', 'Falcon Eyes'], modelCode('MBT'),
              [2500, 35000], 'Алюминиевый сплав, нагрузка до 8 кг.'),
          },
          {
            name: 'Карты памяти',
            template: branded('MEM', ['Карта памяти SD', 'Карта памяти microSD'], ['SanDisk', 'Kingston', 'Transcend'],
              (rng) => `${rng.pick([32, 64, 128, 256, 512])} ГБ`, [500, 9000], 'Класс скорости UHS-I U3.'),
          },
        ],
      },
    ],
  },
  {
    name: 'Электроника',
    template: branded('ELE', ['Портативная колонка', 'Умные часы'], ['JBL', 'Xiaomi', 'Huawei'], modelCode('GKW'),
      [2000, 30000], 'Портативная электроника.'),
    children: [
      {
        name: 'Смартфоны',
        template: branded('PHN', ['Смартфон'], ['Samsung Galaxy', 'Xiaomi Redmi', 'realme', 'HONOR', 'POCO'],
          modelCode('ACMX'), [8000, 130000], 'Экран AMOLED, две SIM-карты.'),
      },
      {
        name: 'Наушники',
        template: branded('HDP', ['Наушники', 'Беспроводные наушники', 'Гарнитура'], ['Sony', 'JBL', 'Sennheiser', 'Marshall'],
          modelCode('WTH'), [1200, 45000], 'Шумоподавление, Bluetooth 5.3.'),
      },
      {
        name: 'Планшеты',
        template: branded('TAB', ['Планшет'], ['Samsung Galaxy Tab', 'Lenovo Tab', 'HUAWEI MatePad'], modelCode('AMP'),
          [12000, 110000], 'Экран 11", 8 ГБ ОЗУ.'),
      },
    ],
  },
  {
    name: 'Бытовая техника',
    template: branded('HOM', ['Вентилятор', 'Обогреватель'], ['Ballu', 'Timberk', 'Electrolux'], modelCode('BTE'),
      [1500, 20000], 'Климатическая техника.'),
    children: [
      {
        name: 'Техника для кухни',
        template: branded('KIT', ['Электрочайник', 'Блендер', 'Кофемашина', 'Микроволновая печь'],
          ['Bosch', 'Philips', 'REDMOND', 'Polaris', 'De\'Longhi'], modelCode('KRP'), [1500, 90000], 'Для кухни.'),
      },
      {
        name: 'Уход за домом',
        template: branded('CLN', ['Пылесос', 'Робот-пылесос', 'Утюг', 'Отпариватель'], ['Dyson', 'Tefal', 'Kitfort', 'Xiaomi'],
          modelCode('VRS'), [2500, 70000], 'Для дома.'),
      },
    ],
  },
  {
    name: 'Книги',
    template: book('BOK', [...BOOK_TITLES, ...KIDS_TITLES], [350, 2500]),
    children: [
      { name: 'Художественная литература', template: book('FIC', BOOK_TITLES, [400, 2500]) },
      { name: 'Детские книги', template: book('KID', KIDS_TITLES, [300, 1800]) },
    ],
  },
];
