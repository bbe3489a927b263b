import type { Rng } from './prng';

// GraphQL's lexical tokens, roughly: block strings and strings, spread, punctuators, names, numbers.
const TOKEN = /"""[\s\S]*?"""|"(?:\\.|[^"\\])*"|\.\.\.|[!$&():=@[\]{|}]|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\S/g;
const PUNCTUATORS = ['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '...', '=', '|', '&', '"', '#', '\\'];

export type TokenEdit = 'delete' | 'duplicate' | 'swap' | 'insert' | 'truncate' | 'rename';
const EDITS: TokenEdit[] = ['delete', 'duplicate', 'swap', 'insert', 'truncate', 'rename'];

/**
 * Mutates a valid document the way a broken client or a fuzzer would: deletes, duplicates or swaps
 * tokens, inserts stray punctuation, cuts it short, or renames one name to another of the document.
 */
export function mutateDocument(source: string, rng: Rng): { query: string; edits: TokenEdit[] } {
  const tokens = source.match(TOKEN) ?? [];
  const names = tokens.filter((t) => /^[_A-Za-z]/.test(t));
  const edits: TokenEdit[] = [];
  for (let n = 1 + rng.int(3); n > 0 && tokens.length > 1; n--) {
    const edit = rng.pick(EDITS);
    const i = rng.int(tokens.length);
    const j = rng.int(tokens.length);
    edits.push(edit);
    switch (edit) {
      case 'delete':
        tokens.splice(i, 1);
        break;
      case 'duplicate':
        tokens.splice(i, 0, tokens[i]!);
        break;
      case 'swap':
        [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
        break;
      case 'insert':
        tokens.splice(i, 0, rng.pick(PUNCTUATORS));
        break;
      case 'truncate':
        tokens.splice(i);
        break;
      case 'rename':
        if (/^[_A-Za-z]/.test(tokens[i]!)) tokens[i] = rng.pick(names);
        break;
      default: {
        const never: never = edit;
        throw new Error(`unknown edit ${String(never)}`);
      }
    }
  }
  return { query: tokens.join(' '), edits };
}
