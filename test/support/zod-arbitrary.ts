import fc from 'fast-check';
import type { ZodType } from 'zod';



/** Values a field of this type must refuse: wrong types, odd strings, nesting. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', ' ', '../../etc/passwd', '%00', '\u0000', '𝕓𝕖𝕣𝕥𝕙 ☃ עברית', '<script>', '{"a":1}', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 5000, maxLength: 20_000 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

function checks(schema: any): any[] {
  return (schema._zod.def.checks ?? []).map((check: any) => check._zod.def);
}

/**
 * Values the schema accepts, generated from its own definition: regex checks
 * through `stringMatching`, lengths, ranges, enums, nested objects and arrays.
 * Object-level refinements are not modelled, so some values are still refused:
 * the fuzzer wants both.
 */
export function valid(schema: ZodType): fc.Arbitrary<unknown> {
  const def = (schema as any)._zod.def;
  const found = checks(schema);
  const minimum = found.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const maximum = found.find((c) => c.check === 'max_length')?.maximum;
  switch (def.type) {
    case 'optional':
      return fc.option(valid(def.innerType), { nil: undefined });
    case 'default':
    case 'prefault':
      return fc.option(valid(def.innerType), { nil: undefined });
    case 'pipe':
      return valid(def.in);
    case 'string': {
      const pattern = found.find((c) => c.format === 'regex')?.pattern as RegExp | undefined;
      if (pattern) return fc.stringMatching(pattern).filter((text) => text.length >= minimum && (maximum === undefined || text.length <= maximum));
      if (def.format === 'datetime') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
      return fc.string({ unit: 'grapheme', minLength: Math.max(minimum, 1), maxLength: Math.min(maximum ?? 40, 40) });
    }
    case 'number': {
      const min = found.find((c) => c.check === 'greater_than')?.value ?? -1000;
      const max = found.find((c) => c.check === 'less_than')?.value ?? 1000;
      const number = fc.integer({ min, max });
      return def.coerce ? fc.oneof(number, number.map(String)) : number;
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries));
    case 'literal':
      return fc.constantFrom(...def.values);
    case 'array':
      return fc.array(valid(def.element), { minLength: minimum, maxLength: maximum ?? 4 });
    case 'record':
      return fc.dictionary(valid(def.keyType) as fc.Arbitrary<string>, valid(def.valueType), { maxKeys: 3 });
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(def.shape).map(([key, field]) => [key, valid(field as ZodType)])), { requiredKeys: [] }).map(
        (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)),
      );
    default:
      return fc.anything();
  }
}

/** An object the schema describes, then perhaps broken one way: a field dropped, added, or of the wrong type. */
export function objectCase(schema: ZodType, overrides: fc.Arbitrary<Record<string, unknown>> = fc.constant({})): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys((schema as any)._zod.def.shape ?? {});
  const base = fc.tuple(valid(schema) as fc.Arbitrary<Record<string, unknown>>, overrides).map(([object, extra]) => ({ ...object, ...extra }));
  return fc.oneof(
    { weight: 3, arbitrary: base },
    { weight: 1, arbitrary: fc.tuple(base, fc.constantFrom(...(keys.length > 0 ? keys : ['x']))).map(([object, key]) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key))) },
    { weight: 1, arbitrary: fc.tuple(base, fc.string({ minLength: 1, maxLength: 12 }), junk).map(([object, key, value]) => ({ ...object, [key]: value })) },
    { weight: 2, arbitrary: fc.tuple(base, fc.constantFrom(...(keys.length > 0 ? keys : ['x'])), junk).map(([object, key, value]) => ({ ...object, [key]: value })) },
  );
}
