/**
 * `bodies()`: the bodies of the 200 responses a server connection wrote, for tests that read
 * a transport's output back.
 */

/**
 * The bodies of the `200 OK` responses in `text`, in order: what follows each head's blank
 * line, up to the next response.
 *
 * @param text What the server wrote, decoded as latin1.
 * @returns One body per response.
 * @example bodies(transport.text('latin1')); // ['one\n', 'two\n']
 */
export function bodies(text: string): string[] {
  return text
    .split('HTTP/1.1 200 OK\r\n')
    .slice(1)
    .map((response) => response.slice(response.indexOf('\r\n\r\n') + 4));
}
