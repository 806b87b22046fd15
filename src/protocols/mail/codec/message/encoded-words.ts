/**
 * RFC 2047 encoded words: how header text that is not ASCII travels in a mail header
 * (`Subject: =?UTF-8?B?R3LDvMOfZQ==?=`). Pure functions, no I/O.
 */

/** Header text a mail header may carry as it is: printable ASCII and blanks. */
const PLAIN = /^[\x20-\x7e\t]*$/;

/** Bytes of UTF-8 per encoded word: 75 characters at most (RFC 2047 2), minus `=?UTF-8?B??=`. */
const WORD_BYTES = 45;

/**
 * Encodes header text for a mail header: ASCII text is returned unchanged; other text becomes
 * `=?UTF-8?B?...?=` words of at most 75 characters, split between characters (never inside
 * one), joined by CRLF and a space (folding, RFC 5322 2.2.3), which a reader drops.
 * @param text the text (a Subject, a display name).
 * @returns the header value.
 * @example encodeHeaderText('Grüße'); // '=?UTF-8?B?R3LDvMOfZQ==?='
 */
export function encodeHeaderText(text: string): string {
  if (PLAIN.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * Decodes the encoded words in a header value, for display; blanks between two adjacent
 * encoded words are dropped (RFC 2047 6.2), other text is kept. A charset Node cannot decode
 * leaves its word as it is.
 * @param value the unfolded header value.
 * @returns the text.
 * @example decodeHeaderText('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Bern'); // 'Grüße aus Bern'
 */
export function decodeHeaderText(value: string): string {
  const joined = value.replace(/(\?=)[ \t\r\n]+(?==\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (word, charset: string, encoding: string, data: string) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          );
    try {
      return new TextDecoder(charset.split('*')[0]).decode(bytes);
    } catch {
      return word;
    }
  });
}

/**
 * Encodes an address for a From/To header: the display name of `Name <addr>` is encoded as
 * {@link encodeHeaderText} does (quoted when ASCII with specials); a bare address is kept.
 * @param text `addr@example.test` or `Name <addr@example.test>`.
 * @returns the header text.
 * @example encodeAddress('Jöns <j@example.test>'); // '=?UTF-8?B?SsO2bnM=?= <j@example.test>'
 */
export function encodeAddress(text: string): string {
  const m = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(text);
  if (m === null || m[1] === '') return text.trim();
  const name = m[1]!.replace(/^"(.*)"$/, '$1');
  if (!PLAIN.test(name)) return `${encodeHeaderText(name)} <${m[2]}>`;
  const special = /[()<>[\]:;@\\,."]/.test(name);
  return `${special ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name} <${m[2]}>`;
}

/**
 * The bare address of `Name <addr>` (or the text itself): what goes in the SMTP envelope.
 * @param text an address as `--from`/`--to` take it.
 * @returns the address.
 * @example envelopeAddress('Jöns <j@example.test>'); // 'j@example.test'
 */
export function envelopeAddress(text: string): string {
  return /<([^<>]*)>\s*$/.exec(text)?.[1] ?? text.trim();
}
