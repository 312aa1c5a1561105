import { PermanentError } from '../model/errors';

/** temporal.api.enums.v1.IndexedValueType, by the names Berth uses. */
export const indexedValueTypes = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 } as const;
export type SearchAttributeTypeName = keyof typeof indexedValueTypes;

/**
 * Which of `wanted` the namespace lacks, given its custom attributes as the
 * operator service lists them. An attribute already registered with another
 * type cannot be fixed by Berth (the server refuses to change a type), so it
 * is a permanent error naming what a person must do.
 */
export function missingSearchAttributes(
  existing: Record<string, number>,
  wanted: Record<string, SearchAttributeTypeName>,
  namespace: string,
): Record<string, number> {
  const missing: Record<string, number> = {};
  const conflicts: string[] = [];
  for (const [name, type] of Object.entries(wanted)) {
    const want = indexedValueTypes[type];
    if (existing[name] === undefined) missing[name] = want;
    else if (existing[name] !== want) conflicts.push(`${name} is registered with type ${typeName(existing[name])}, Berth needs ${type}`);
  }
  if (conflicts.length > 0) {
    throw new PermanentError(
      'SEARCH_ATTRIBUTE_TYPE',
      `namespace ${namespace}: ${conflicts.join('; ')}; remove the attribute (temporal operator search-attribute remove) and restart Berth`,
    );
  }
  return missing;
}

function typeName(value: number): string {
  return Object.entries(indexedValueTypes).find(([, number]) => number === value)?.[0] ?? `#${value}`;
}
