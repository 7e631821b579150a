/**
 * Text from outside — AWS messages, garbled or truncated response bodies, values a user typed —
 * made safe to print as one line of a terminal or a log: every error line the product writes
 * goes through here, so a newline in a quoted value cannot split it in two, and an ESC in a
 * garbled body cannot clear the screen or forge the next line.
 *
 * - `\n`, `\r`, `\t` become `\\n`, `\\r`, `\\t`;
 * - other C0 controls, DEL and C1 controls (U+0000–U+001F, U+007F–U+009F) become `\\xNN`;
 * - characters that act as line breaks or reorder what is shown (U+2028, U+2029, the bidi
 *   controls, the BOM) and lone surrogates become `\\uNNNN`;
 * - the result is cut to `maxLength` UTF-16 units, ending in `…` when something was cut, and never
 *   in the middle of an escape or a surrogate pair.
 *
 * A backslash already in the text stays as it is: the line is for people to read, not to be
 * decoded back, and doubling every backslash of a Windows path or a regex would not help them.
 */
export const ONE_LINE_MAX_LENGTH = 500;

const ELLIPSIS = '…';

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const UNICODE_ESCAPED: ReadonlySet<number> = new Set([
  0x061c, // Arabic letter mark
  0x200e, // left-to-right mark
  0x200f, // right-to-left mark
  0x2028, // line separator
  0x2029, // paragraph separator
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, // bidi embeddings and overrides
  0x2066, 0x2067, 0x2068, 0x2069, // bidi isolates
  0xfeff, // byte order mark
]);

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

function escaped(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return `\\x${hex(code, 2)}`;
  // `for…of` yields a lone surrogate as a one-unit string: it would print as U+FFFD, if at all.
  if (UNICODE_ESCAPED.has(code) || (char.length === 1 && code >= 0xd800 && code <= 0xdfff)) return `\\u${hex(code, 4)}`;
  return char;
}

export function oneLine(text: string, maxLength: number = ONE_LINE_MAX_LENGTH): string {
  const pieces: string[] = [];
  let length = 0;
  for (const char of text) {
    const piece = escaped(char);
    if (length + piece.length > maxLength) {
      // Make room for the ellipsis by dropping whole pieces, so no escape is cut in two.
      while (length + ELLIPSIS.length > maxLength) {
        const dropped = pieces.pop();
        if (dropped === undefined) break;
        length -= dropped.length;
      }
      return `${pieces.join('')}${ELLIPSIS}`.slice(0, Math.max(0, maxLength));
    }
    pieces.push(piece);
    length += piece.length;
  }
  return pieces.join('');
}
