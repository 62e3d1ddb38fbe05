/**
 * Splits a scenario's `run` line into words (metabase-cli.md, "Playbooks"): words split at spaces, double
 * quotes group, backslashes are always literal, and inside quotes `""` is one quote.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        word += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        word += c;
      }
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) throw new SyntaxError(`unterminated quote in: ${line}`);
  if (inWord) words.push(word);
  return words;
}
