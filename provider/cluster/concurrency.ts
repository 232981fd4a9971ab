// Bounded parallelism (DESIGN rule 4): CKS deploys one VM at a time; we run independent work
// concurrently, but never more than `limit` at once so a big cluster does not trip API throttling.

/**
 * Runs `fn` over `items` with at most `limit` in flight. Every item is attempted even when one fails;
 * the first failure (in item order) is rethrown after all have settled, so no work is left running
 * unobserved behind a rejected promise.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        errors.push({ index, error });
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  if (errors.length > 0) {
    errors.sort((a, b) => a.index - b.index);
    throw errors[0].error;
  }
  return results;
}
