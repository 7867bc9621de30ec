// Lookups keyed by user input (env var names, commands) must not reach Object.prototype: `$(constructor)` is
// an unknown variable, not a function.

export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
