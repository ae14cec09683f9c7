// The one rule for a name that must not overwrite: `name`, else `name-2`, `name-3`, ... (run
// names, rescued checkpoints, exports).

/** The first of `name`, `name-2`, `name-3`, ... that `taken` does not claim. */
export function firstFreeName(name: string, taken: (candidate: string) => unknown): string {
  let candidate = name;
  for (let i = 2; taken(candidate); i++) candidate = `${name}-${i}`;
  return candidate;
}
