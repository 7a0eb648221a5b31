import { badRequest } from './errors.js';
import { text } from './messages.js';
import { safeFileNamePart } from './safe-name.js';

/**
 * §3.7 `environmentMapping`: JSON such as `{"UAT":"Production","Staging":""}`, from the archive's (or the
 * list's) environment to the project's. An empty value leaves that environment out; an environment the
 * mapping does not name keeps its own name.
 */
export class EnvironmentMapping {
  private constructor(private readonly pairs: [string, string][]) {}

  static parse(raw: string): EnvironmentMapping {
    if (raw.trim() === '') return new EnvironmentMapping([]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest(text.badMapping);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest(text.badMapping);
    const pairs: [string, string][] = [];
    for (const [from, to] of Object.entries(parsed)) {
      if (typeof to !== 'string') throw badRequest(text.badMapping);
      if (from.includes('\u0000') || to.includes('\u0000')) throw badRequest(text.nulCharacter);
      pairs.push([from.trim(), to.trim()]);
    }
    return new EnvironmentMapping(pairs);
  }

  /**
   * Where the environment goes: a name, '' for "left out", or undefined when the mapping doesn't name it.
   * An archive holds names made safe for ZIP entries, so a key matches in its safe form too.
   */
  target(source: string): { key: string; to: string } | undefined {
    const exact = this.pairs.find(([from]) => from === source);
    const pair = exact ?? this.pairs.find(([from]) => safeFileNamePart(from) === source);
    return pair ? { key: pair[0], to: pair[1] } : undefined;
  }
}
