import { listParsers, type ParserInfo } from '../adapters/mail-parsers/registry.js';
import { requireAccess, type Actor } from './access.js';

/** The read-only Parsers page: which parsers exist and in which order they are tried. */
export class ParserService {
  list(actor: Actor): { items: ParserInfo[] } {
    requireAccess(actor, 'read', undefined, 'parsers');
    return { items: listParsers() };
  }
}
