/**
 * The build compiles every i18n message ahead of time (scripts/i18n-precompile.ts) so the client
 * ships vue-i18n without its compiler: each compiled message must render exactly as the string
 * did through vue-i18n's own run-time compiler, in both languages, for every key.
 */
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { compile, createCoreContext, translate } from '@intlify/core-base';
import { compileMessage, HELPERS_SOURCE, precompileMessages } from '../../scripts/i18n-precompile';
import zhCN from '../../client/src/i18n/zh-CN';
import en from '../../client/src/i18n/en';
import analysisZh from '../../client/src/i18n/analysis.zh-CN';
import analysisEn from '../../client/src/i18n/analysis.en';
import eventPlanZh from '../../client/src/i18n/event-plan.zh-CN';
import eventPlanEn from '../../client/src/i18n/event-plan.en';
import eventViewZh from '../../client/src/i18n/event-view.zh-CN';
import eventViewEn from '../../client/src/i18n/event-view.en';

type Tree = { [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): [string, string][] {
  return Object.entries(t).flatMap(([k, v]) =>
    typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  );
}

/** The emitted helpers, as the browser gets them (types stripped), in a context of their own. */
const sandbox = createContext({});
runInContext(ts.transpile(HELPERS_SOURCE, { target: ts.ScriptTarget.ES2022 }), sandbox);
/** A compiled message's expression, evaluated as the browser would. */
const evaluate = (expr: string): unknown => runInContext(`(${expr})`, sandbox) as unknown;

function rebuild(t: Tree): Tree {
  return Object.fromEntries(
    Object.entries(t).map(([k, v]) => [
      k,
      typeof v === 'string' ? (evaluate(compileMessage(v, k)) as never) : rebuild(v),
    ]),
  );
}

function render(messages: Tree, key: string, named: Record<string, string>): unknown {
  const options = { locale: 'x', messages: { x: messages }, messageCompiler: compile, missingWarn: false };
  const ctx: Parameters<typeof translate>[0] = createCoreContext(options as never);
  return translate(ctx, key, named);
}

describe('precompiled i18n messages', () => {
  for (const [name, table] of [
    ['zh-CN', { ...zhCN, ...analysisZh, ...eventPlanZh, ...eventViewZh }],
    ['en', { ...en, ...analysisEn, ...eventPlanEn, ...eventViewEn }],
  ] as const) {
    it(`render every ${name} message as the run-time compiler does`, () => {
      const tree = table as unknown as Tree;
      const compiled = rebuild(tree);
      const all = leaves(tree);
      expect(all.length).toBeGreaterThan(500);
      for (const [key, text] of all) {
        const named: Record<string, string> = Object.fromEntries(
          [...text.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => [m[1]!, `<${m[1]}>`]),
        );
        expect(render(compiled, key, named), key).toBe(render(tree, key, named));
      }
    });
  }

  it('writes plain text through the short helper and names placeholders', () => {
    expect(compileMessage('就绪', 'k')).toBe('__i18nText("就绪")');
    expect(compileMessage('{city} 指挥中心', 'k')).toBe('__i18nParts(["","city"," 指挥中心"])');
    expect(compileMessage('a | b', 'k')).toMatch(/^\{"t":0/);
  });

  it('refuses what it cannot compile ahead of time', () => {
    expect(() => precompileMessages('export default { a: x };', 'f.ts')).toThrow(/string literal/);
    expect(() => precompileMessages("export default { a: 'x }' };", 'f.ts')).toThrow(/cannot compile/);
    expect(precompileMessages("export default { a: { b: 'y' } } satisfies T;", 'f.ts')).toContain('b: __i18nText("y")');
  });
});
