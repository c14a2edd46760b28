// Owns the commander option parser of a repeatable option (`--label a --label b`): each use appends its value.
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
