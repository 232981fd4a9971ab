/** CloudStack's response date format, `yyyy-MM-dd'T'HH:mm:ssZ` in UTC, e.g. `2021-10-04T09:24:38+0000`. */
export function formatCloudStackDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "+0000");
}
