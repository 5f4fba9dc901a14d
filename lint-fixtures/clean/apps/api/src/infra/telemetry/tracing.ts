export function currentTraceId(): string | undefined {
  return undefined;
}
