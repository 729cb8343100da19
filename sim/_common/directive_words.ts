/**
 * The words of scheduler directive lines (`#SBATCH`, `#PBS`, `#BSUB`, `#$`), split as the
 * schedulers' submit commands split them. Internal to the simulator; not exported from
 * `sim/mod.ts`.
 *
 * @module
 */

/**
 * Splits a directive line into words like a POSIX shell would: whitespace separates words,
 * single and double quotes group, a backslash escapes the next character, and an unquoted `#`
 * at the start of a word begins a comment (qsub and bsub both allow trailing comments).
 */
export function splitWords(text: string): string[] {
  // Without quotes, escapes or comments, words are what lies between whitespace: one split
  // instead of a string built character by character (every sbatch reads its directives).
  if (!/['"\\#]/.test(text)) return text.split(/\s+/).filter((word) => word !== "");
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (char === "#" && !inWord) {
      break;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The option words of a script's directive lines (`#PBS`, `#BSUB`), in order. Like qsub and
 * bsub, scanning stops at the first line that is neither blank nor a comment.
 */
export function directiveWords(script: string, prefix: string): string[] {
  const words: string[] = [];
  const lines = script.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (index === 0 && line.startsWith("#!")) continue;
    if (line === "") continue;
    if (!line.startsWith("#")) break;
    if (
      line.startsWith(prefix) &&
      (line.length === prefix.length || /\s/.test(line[prefix.length] as string))
    ) {
      words.push(...splitWords(line.slice(prefix.length)));
    }
  }
  return words;
}
