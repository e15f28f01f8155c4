/** Two code lists as one, each code once, sorted (categories, flags). */
export function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Numbers each once, in order (mandatory items). */
export function sortedUnique(items: number[]): number[] {
  return [...new Set(items)].sort((x, y) => x - y);
}
