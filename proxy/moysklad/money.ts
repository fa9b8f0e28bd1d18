/**
 * МойСклад sends money as kopecks in JSON numbers that are formally floats (`346347237000.0`). Inside the proxy
 * money is an integer number of kopecks; these helpers are the only place where floats are turned into it.
 */
export type Kopecks = number & { readonly __brand?: 'kopecks' };

/** Accepts a МойСклад kopeck value (float-typed) and returns integer kopecks, rounding half away from zero. */
export function kopecksFromApi(value: number): Kopecks {
  if (!Number.isFinite(value)) throw new RangeError(`kopecksFromApi: not a finite number: ${value}`);
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`kopecksFromApi: out of safe range: ${value}`);
  return rounded;
}

/** Whole roubles → kopecks. */
export function roublesToKopecks(roubles: number): Kopecks {
  return kopecksFromApi(roubles * 100);
}

/** Kopecks → roubles as a number with at most two decimals (for display or for APIs that take roubles). */
export function kopecksToRoubles(kopecks: Kopecks): number {
  assertKopecks(kopecks);
  return kopecks / 100;
}

/** Kopecks → whole roubles for amoCRM, whose `price` fields are int. Rounds half away from zero. */
export function kopecksToWholeRoubles(kopecks: Kopecks): number {
  assertKopecks(kopecks);
  return Math.sign(kopecks) * Math.round(Math.abs(kopecks) / 100);
}

export function assertKopecks(value: number): asserts value is Kopecks {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer number of kopecks: ${value}`);
}
