/**
 * An HTML index page for a directory, as a static-file handler serves one. Pure: the caller
 * reads the directory and passes the entries in.
 */

/** One entry of a listed directory. */
export interface DirectoryEntry {
  /** The file name as stored (any Unicode); it is escaped and encoded here. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** Size in bytes (ignored for directories). */
  readonly size: number;
  readonly modified: Date;
}

/**
 * Escapes text for HTML content and double- or single-quoted attributes.
 *
 * @param text Any text.
 * @returns The text with `& < > " '` replaced by character references.
 * @example
 * escapeHtml('<a href="x">'); // '&lt;a href=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Renders a directory listing: a parent link (except at the root), then directories and files
 * sorted by name, each with a percent-encoded relative link, its size and modification time
 * (UTC). Every piece of text is HTML-escaped, so a file named `<script>` stays text.
 *
 * @param urlPath The decoded URL path of the directory, e.g. `'/docs/'` (shown in the title).
 * @param entries The directory's entries.
 * @returns A complete HTML document.
 * @example
 * renderDirectoryListing('/', [
 *   { name: 'a b.txt', isDirectory: false, size: 3, modified: new Date(0) },
 * ]); // '<!DOCTYPE html>...<a href="a%20b.txt">a b.txt</a>...'
 */
export function renderDirectoryListing(
  urlPath: string,
  entries: readonly DirectoryEntry[],
): string {
  const sorted = [...entries].sort((a, b) =>
    a.isDirectory !== b.isDirectory
      ? a.isDirectory
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
  const title = escapeHtml(`Index of ${urlPath}`);
  const rows: string[] = [];
  if (urlPath !== '/' && urlPath !== '') {
    rows.push('<tr><td><a href="../">../</a></td><td></td><td></td></tr>');
  }
  for (const entry of sorted) {
    const suffix = entry.isDirectory ? '/' : '';
    // './' keeps a name like 'a:b' from being read as a URL scheme.
    const href = `./${encodeURIComponent(entry.name)}${suffix}`;
    const size = entry.isDirectory ? '-' : String(entry.size);
    rows.push(
      `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(entry.name + suffix)}</a></td>` +
        `<td>${size}</td><td>${listingDate(entry.modified)}</td></tr>`,
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8">',
    `<title>${title}</title></head>`,
    `<body><h1>${title}</h1>`,
    '<table><thead><tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}

function listingDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '-';
  return date.toISOString().slice(0, 16).replace('T', ' ');
}
