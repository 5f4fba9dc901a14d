export function createCache() {
  return new Map<string, string>();
}
