// listAll: walk `page`/`pagesize` until `count` items are collected (reference §5).
import type { JsonObject } from "./envelope";

/** CloudStack's default (and maximum) page size. */
export const MAX_PAGE_SIZE = 500;

/** Guard against a server whose `count` never adds up: 10,000 pages is 5 million rows. */
const MAX_PAGES = 10_000;

export async function collectPages(
  fetchPage: (page: number, pageSize: number) => Promise<JsonObject>,
  entityKey: string,
  pageSize: number = MAX_PAGE_SIZE,
): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await fetchPage(page, pageSize);
    const pageItems = response[entityKey];
    // An empty list is `{}` and a page past the end is `{count: N}`: both mean "no more".
    if (!Array.isArray(pageItems) || pageItems.length === 0) break;
    items.push(...pageItems);
    const count = typeof response.count === "number" ? response.count : Number(response.count);
    if (Number.isFinite(count)) {
      if (items.length >= count) break;
    } else if (pageItems.length < pageSize) {
      break;
    }
  }
  return items;
}

/** The entity list of one (non-paged) list response; `{}` is an empty list. */
export function listFrom(response: JsonObject, entityKey: string): unknown[] {
  const value = response[entityKey];
  return Array.isArray(value) ? value : [];
}
