/**
 * A Vite plugin that compiles the client's i18n messages (client/src/i18n/*.ts, plain object
 * literals of strings) at build time, so the client ships vue-i18n without its message compiler
 * (issue 16: `__INTLIFY_DROP_MESSAGE_COMPILER__`, the runtime-only build).
 *
 * Each string becomes the AST that vue-i18n's own compiler makes of it at run time (JIT mode,
 * minified keys), so every message renders as before; the runtime formats ASTs without eval.
 * Most messages are plain text, whose AST is always `{t:0,b:{t:2,i:[{t:3}],s:text}}`: those are
 * written as a call of a one-line helper that builds that object, so the bundle does not grow by
 * the AST's punctuation per message. The helper's shape is checked against the compiler's output
 * for every message, so a message the compiler reads differently is written as its full AST.
 *
 * The TS sources are untouched (unit tests and the server-side text checks read them as strings);
 * anything in a message file other than nested objects of string literals fails the build rather
 * than reach the browser uncompiled.
 */
import { baseCompile } from '@intlify/message-compiler';
import ts from 'typescript';
import type { Plugin } from 'vite';

const HELPER = '__i18nText';
const PARTS = '__i18nParts';
/**
 * The message files: client/src/i18n/<part>.<locale>.ts and the two roots (zh-CN.ts, en.ts); not the
 * setup code. And shared/event-type-names.ts, the names both languages' alarm messages spread in
 * (a spread is not compiled where it stands, so the table is compiled in its own module).
 */
const MESSAGE_FILE =
  /[\\/]client[\\/]src[\\/]i18n[\\/](?:[^\\/]+\.)?(?:zh-CN|en)\.ts$|[\\/]shared[\\/]event-type-names\.ts$/;

const isDeepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The JS expression for one message: the compiler's AST, or the helper call for plain text. */
export function compileMessage(message: string, where: string): string {
  const errors: string[] = [];
  const { ast } = baseCompile(message, {
    jit: true,
    minify: true,
    location: false,
    onError: (e) => errors.push(e.message),
  });
  if (errors.length) throw new Error(`${where}: cannot compile ${JSON.stringify(message)}: ${errors.join('; ')}`);
  const plain = { t: 0, b: { t: 2, i: [{ t: 3 }], s: message } };
  if (isDeepEqual(ast, plain)) return `${HELPER}(${JSON.stringify(message)})`;
  // Text with named placeholders (`{city} 社会治理`), the next most common: alternate text and
  // names, written as the list the second helper expands.
  const items = (ast as { b?: { t?: number; i?: { t: number; v?: string; k?: string }[] } }).b?.i ?? [];
  const alternating: string[] = [];
  for (const it of items) {
    if (it.t === 3 && alternating.length % 2 === 0 && it.v) alternating.push(it.v);
    else if (it.t === 4 && typeof it.k === 'string') {
      if (alternating.length % 2 === 0) alternating.push('');
      alternating.push(it.k);
    } else break;
  }
  if (isDeepEqual(ast, expandParts(alternating))) return `${PARTS}(${JSON.stringify(alternating)})`;
  return JSON.stringify(ast);
}

/** The helpers as emitted into each message file (tests/unit/i18n-precompile.test.ts checks them against the two below). */
export const HELPERS_SOURCE =
  `const ${HELPER} = (s: string) => ({ t: 0, b: { t: 2, i: [{ t: 3 }], s } });\n` +
  `const ${PARTS} = (parts: string[]) => ({ t: 0, b: { t: 2, i: parts.flatMap((p, n): { t: number; k?: string; v?: string }[] => (n % 2 ? [{ t: 4, k: p }] : p ? [{ t: 3, v: p }] : [])) } });\n`;

/** What the second helper builds. */
export function expandParts(parts: string[]) {
  return {
    t: 0,
    b: {
      t: 2,
      i: parts.flatMap((p, n): { t: number; k?: string; v?: string }[] =>
        n % 2 ? [{ t: 4, k: p }] : p ? [{ t: 3, v: p }] : [],
      ),
    },
  };
}

/** The message file's source with every message string replaced by its compiled form. */
export function precompileMessages(source: string, file: string): string {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { from: number; to: number; text: string }[] = [];
  const where = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (obj: ts.ObjectLiteralExpression): void => {
    for (const p of obj.properties) {
      if (ts.isSpreadAssignment(p)) continue; // another message file's object, compiled there
      if (!ts.isPropertyAssignment(p)) throw new Error(`${where(p)}: only \`key: 'text'\` or nested objects`);
      const v = p.initializer;
      if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v))
        edits.push({ from: v.getStart(), to: v.getEnd(), text: compileMessage(v.text, where(v)) });
      else if (ts.isObjectLiteralExpression(v)) visit(v);
      else throw new Error(`${where(v)}: a message must be a string literal`);
    }
  };
  let found = false;
  for (const st of sf.statements) {
    if (!ts.isExportAssignment(st)) continue;
    let e: ts.Expression = st.expression;
    while (ts.isSatisfiesExpression(e) || ts.isAsExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isObjectLiteralExpression(e)) throw new Error(`${file}: export default must be an object literal`);
    visit(e);
    found = true;
  }
  if (!found) throw new Error(`${file}: no export default`);
  let out = source;
  for (const ed of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, ed.from) + ed.text + out.slice(ed.to);
  return HELPERS_SOURCE + out;
}

export function i18nPrecompile(): Plugin {
  return {
    name: 'i18n-precompile',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!MESSAGE_FILE.test(file)) return null;
      return { code: precompileMessages(code, file), map: null };
    },
  };
}
