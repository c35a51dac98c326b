// A file that is not UTF-8 text with \n line ends parses as one long line or as garbage, and the parser's error
// says nothing useful. Say what the encoding problem is instead, before parsing.

/** Why `text` (read as UTF-8) cannot be a YAML file keelson reads, or null when it can. */
export const encodingProblem = (text: string): string | null => {
  // Bytes that are not UTF-8 are refused where the file is read (readWorkstationText); U+FFFD here is a character
  // the file really holds. UTF-16 without a byte-order mark still decodes: every ASCII character comes with a NUL.
  if (text.includes('\u0000')) {
    return 'is not UTF-8 text (it looks like UTF-16, or binary): save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8';
  }
  if (text.includes('\r') && !text.includes('\n')) {
    return 'ends its lines with CR only (old Mac line endings), so it reads as one line: convert them to \\n, e.g. tr "\\r" "\\n"';
  }
  return null;
};
