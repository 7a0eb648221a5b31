/**
 * The `Aliases` of a mass delete (§3.8): plain aliases separated by `;`, where `\;` is a `;` inside an alias and
 * `\\` a backslash. `Company A\; B;Company \\ C \\` names `Company A; B` and `Company \ C \`. A backslash before
 * anything else stays as it is, and empty names (a trailing `;`) name nothing. Blanks belong to the alias.
 */
export function splitAliases(text: string): string[] {
  const aliases: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '\\' && (next === ';' || next === '\\')) {
      current += next;
      i++;
    } else if (c === ';') {
      if (current !== '') aliases.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') aliases.push(current);
  return aliases;
}
