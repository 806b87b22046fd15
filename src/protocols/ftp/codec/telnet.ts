/**
 * The Telnet layer of the FTP control connection (RFC 959 section 4.1.3, RFC 854).
 */

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
/** Data Mark, the end of a Telnet Synch (RFC 854). */
const DM = 0xf2;
const CR = 0x0d;
const NUL = 0x00;

/**
 * Removes Telnet commands from one control-connection line and undoes the Telnet escapes: IAC IAC
 * is a literal 0xFF, IAC WILL/WONT/DO/DONT take one option byte, IAC SB … IAC SE is dropped whole,
 * any other IAC command is two bytes. An IAC followed by an ordinary byte is dropped alone: a
 * client that sends `IAC IP IAC` in band and the `DM` as urgent data leaves exactly that when the
 * urgent byte is lost, and the `ABOR` after it must survive. A DM byte (0xF2) with no IAC before
 * it is dropped while no data byte has come yet: BSD-derived clients (tnftp, netkit and inetutils
 * `ftp`) send `IAC IP IAC` as urgent data and `DM ABOR` in band, and Linux without SO_OOBINLINE
 * takes the urgent IAC out of the stream, leaving `IAC IP DM ABOR`. No verb starts with 0xF2, and
 * after the line start the byte is kept (it may be part of a Latin-1 or UTF-8 pathname). CR NUL
 * becomes CR (RFC 2640 3.1, how a pathname carries a CR).
 *
 * @param line One line, without its line ending.
 * @returns The line's data bytes (the input itself when it held nothing to remove).
 * @example
 * stripTelnet(Buffer.from('\xff\xf4\xff\xf2ABOR', 'latin1')).toString(); // 'ABOR'
 * stripTelnet(Buffer.from('\xff\xf4\xf2ABOR', 'latin1')).toString(); // 'ABOR'
 */
export function stripTelnet(line: Buffer): Buffer {
  if (line.indexOf(IAC) === -1 && line.indexOf(NUL) === -1 && line[0] !== DM) return line;
  const out = Buffer.allocUnsafe(line.length);
  let n = 0;
  let i = 0;
  while (i < line.length) {
    const b = line[i] as number;
    if (b === CR && line[i + 1] === NUL) {
      out[n++] = CR;
      i += 2;
    } else if (b === DM && n === 0) {
      i += 1;
    } else if (b !== IAC) {
      out[n++] = b;
      i += 1;
    } else {
      const cmd = line[i + 1];
      if (cmd === undefined) {
        i += 1;
      } else if (cmd === IAC) {
        out[n++] = IAC;
        i += 2;
      } else if (cmd >= WILL && cmd <= DONT) {
        i += 3;
      } else if (cmd === SB) {
        // Skip to IAC SE; an unterminated subnegotiation swallows the rest of the line.
        let j = i + 2;
        while (j < line.length && !(line[j] === IAC && line[j + 1] === SE)) j += 1;
        i = j + 2;
      } else if (cmd >= SE) {
        i += 2;
      } else {
        i += 1;
      }
    }
  }
  return out.subarray(0, n);
}
