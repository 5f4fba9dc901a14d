/**
 * No text reaches a person without going through a translation: every .tsx and .ts file under src (tests aside) is
 * parsed with the TypeScript compiler, and reported are JSX text with letters, string literals in the attributes
 * people read (label, title, placeholder, aria-label, alt, hint, description, …), and — in .ts and .tsx alike — prose
 * in code: a string or template literal with a capitalised word and a space ("Unknown device", `Saved the view
 * “${name}”`, a shortcut's description, a toast's message, an error fallback). Tailwind classes, keys, codes and
 * identifiers have no capitalised word or no space and pass. Values that are not words (symbols, units, the
 * product's name) are allowed by ALLOWED below, each with its reason; developer-facing text (thrown Errors, console)
 * and comparisons are not UI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(new URL(import.meta.url).pathname);
const READ_ATTRIBUTES = new Set([
  'label',
  'title',
  'placeholder',
  'aria-label',
  'alt',
  'hint',
  'description',
  'aria-description',
  'emptyText',
  'confirmLabel',
  'heading',
]);
/** Text that is the same in every language. */
const ALLOWED = new Set([
  'Primetrade Tasks',
  'Primetrade',
  'Tasks',
  '—',
  '·',
  '…',
  '×',
  '✓',
  '⌘K',
  'Ctrl',
  'Esc',
  'OK',
  '(prefers-color-scheme: dark)', // lib/theme.ts: a CSS media query
  'BullMQ (Redis)', // admin overview: the job queue's product names
  'outbox/', // mail-delivery-note: the server's folder name
]);

/**
 * Files not converted yet (issue 16 item 12 is open until this is empty): every other file must be clean, and
 * each of these must still hold untranslated text — a converted file has to leave the list, so it only shrinks.
 */
const NOT_YET_TRANSLATED = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'test' && name !== 'locales') out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(name) && !/\.(test|e2e|d)\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** English's small words: three plain words with one of them make a lowercase sentence ("8 to 128 characters, …"). */
const SMALL_WORDS = new Set(['a', 'an', 'the', 'to', 'of', 'and', 'or', 'is', 'are', 'in', 'on', 'for', 'with', 'you']);
/**
 * Prose: a capitalised word and whitespace between two words, or three plain words one of which is a small word
 * (a class list, a key or a code has neither: its words carry '-', ':' or digits, or none of the small words).
 */
function isProse(text: string): boolean {
  if (/\p{Lu}\p{Ll}/u.test(text) && /\p{L}{2,}[\s“”„"'(]+\S*\p{L}/u.test(text)) return true;
  const words = text.split(/\s+/).filter((w) => /^\p{L}+[,.:;!?]?$/u.test(w));
  return words.length >= 3 && words.some((w) => SMALL_WORDS.has(w.replace(/[,.:;!?]$/, '').toLowerCase()));
}

/** Where a literal is not shown to a person: thrown errors, logging, comparisons, case labels, types, imports. */
function isDeveloperFacing(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isCaseClause(parent) || ts.isLiteralTypeNode(parent) || ts.isImportDeclaration(parent)) return true;
  if (ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken) return true;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return true;
  if (ts.isNewExpression(parent) && /Error$/.test(parent.expression.getText())) return true;
  if (ts.isCallExpression(parent) && /^console\./.test(parent.expression.getText())) return true;
  if (ts.isJsxAttribute(parent) || ts.isJsxExpression(parent)) return true; // JSX: the attribute rules below
  return false;
}

/** Untranslated text in one file's source: `file:line "text"`. */
export function untranslated(file: string, source: string): string[] {
  const tsx = file.endsWith('.tsx');
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    tsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (!/\p{L}{2,}/u.test(t) || ALLOWED.has(t)) return;
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push(`${path.relative(SRC, file)}:${line + 1} "${t}"`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const text = ts.isTemplateExpression(node)
        ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('…')
        : node.text;
      const p = node.parent;
      // A read prop's default (`{ label = 'Loading' }`) is shown as it is: any word there counts.
      const readDefault =
        ts.isBindingElement(p) && p.initializer === node && READ_ATTRIBUTES.has((p.propertyName ?? p.name).getText(sf));
      if ((readDefault || isProse(text)) && !isDeveloperFacing(node)) report(node, text);
    }
    if (ts.isJsxText(node)) report(node, node.getText(sf));
    else if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText(sf))) {
      const init = node.initializer;
      if (init && ts.isStringLiteral(init)) report(init, init.text);
      else if (init && ts.isJsxExpression(init) && init.expression && ts.isStringLiteralLike(init.expression))
        report(init, init.expression.text);
    } else if (
      ts.isJsxExpression(node) &&
      node.expression &&
      ts.isStringLiteralLike(node.expression) &&
      ts.isJsxElement(node.parent)
    ) {
      report(node, node.expression.text); // {'Some text'} as a child
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('every text in the UI is translated', () => {
  it('finds JSX text, string children and read attributes (planted)', () => {
    const planted = `export const A = () => <p title="Hello there">Some words {'More words'} <b>{t('ok')}</b> — </p>;`;
    expect(untranslated(path.join(SRC, 'x.tsx'), planted)).toEqual([
      'x.tsx:1 "Hello there"',
      'x.tsx:1 "Some words"',
      'x.tsx:1 "More words"',
    ]);
  });

  it('finds prose in code: toasts, returned fallbacks, catalogues (planted), and not classes, keys or errors', () => {
    const planted = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text fed to the scanner
      "export const label = (ua?: string) => (ua ? `${ua} browser` : 'Unknown device');",
      "export const S = { help: { keys: ['?'], description: 'Show keyboard shortcuts' } };",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text fed to the scanner
      'export const f = (toast: (m: string) => void, name: string) => toast(`Saved the view “${name}”`);',
      "const item = 'flex cursor-pointer items-center data-[selected=true]:bg-indigo-50';",
      "if (kind === 'Some Thing here') throw new Error('Not a user message at all');",
      "export const k = translate('views', 'name.required'); console.warn('Debug Only text');",
      "export function F({ hint = '8 to 128 characters, hard to guess' }) { return hint ? ' — good to go.' : ''; }",
      "const bar = ['flex truncate rounded border', 'h-1.5 flex-1 bg-red-600 text-xs uppercase'];",
      "export function Spinner({ label = 'Loading', size = 'small' }) { return label + size; }",
    ].join('\n');
    expect(untranslated(path.join(SRC, 'x.ts'), planted)).toEqual([
      'x.ts:1 "Unknown device"',
      'x.ts:2 "Show keyboard shortcuts"',
      'x.ts:3 "Saved the view “…”"',
      'x.ts:7 "8 to 128 characters, hard to guess"',
      'x.ts:7 "— good to go."',
      'x.ts:9 "Loading"',
    ]);
    // The same in a .tsx file, outside JSX.
    expect(untranslated(path.join(SRC, 'x.tsx'), planted)).toHaveLength(6);
  });

  it('no .tsx or .ts file shows untranslated text (except the files still listed, each of which must still need work)', () => {
    const files = sourceFiles(SRC);
    const found = new Map(files.map((f) => [path.relative(SRC, f), untranslated(f, readFileSync(f, 'utf8'))]));
    expect(
      [...found].filter(([f, list]) => !NOT_YET_TRANSLATED.has(f) && list.length > 0).flatMap(([, l]) => l),
    ).toEqual([]);
    expect([...NOT_YET_TRANSLATED].filter((f) => !(found.get(f)?.length ?? 0))).toEqual([]);
  });
});
