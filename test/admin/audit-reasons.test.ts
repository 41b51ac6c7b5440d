/**
 * Every reason the code writes into the audit log is one the reason filter accepts (the API, the
 * console and the CLI all filter by AUDIT_REASONS): an event whose reason is missing there can be
 * written but never found by it. Reasons typed as unions are checked by the compiler; literals
 * written straight into `appendAudit({...})` (as scripts/seed.ts does) are found here by reading
 * the source.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIT_REASONS } from '../../src/admin/services';
import { ADMIN_ACTION_TEXT } from '../../src/admin/console/audit-text';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** The call's text without its `detail: {...}` (whose keys, `reason` among them, are free text). */
function withoutDetail(call: string): string {
  const at = call.indexOf('detail: {');
  if (at === -1) return call;
  let depth = 0;
  let end = at + 'detail: '.length;
  for (; end < call.length; end++) {
    if (call[end] === '{') depth++;
    else if (call[end] === '}' && --depth === 0) break;
  }
  return withoutDetail(call.slice(0, at) + call.slice(end + 1));
}

/** The text of the object literal passed to each `appendAudit(` or `recordAdminChange(` call. */
function callArguments(text: string, callee: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf(`${callee}(`); at !== -1; at = text.indexOf(`${callee}(`, at + 1)) {
    let depth = 0;
    let end = at + callee.length;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    found.push(text.slice(at, end));
  }
  return found;
}

describe('audit reasons', () => {
  const files = ['src', 'scripts', 'partners'].flatMap((d) => sourceFiles(path.join(ROOT, d)));
  const written = new Map<string, string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const call of [...callArguments(text, 'appendAudit'), ...callArguments(text, 'recordAdminChange')]) {
      for (const m of withoutDetail(call).matchAll(/\b(?:reason|action): '([^']+)'/g)) written.set(m[1]!, path.relative(ROOT, file));
    }
  }

  it('finds the literal reasons the code writes (the scan itself works)', () => {
    assert.ok(written.has('organization.seeded'), 'scripts/seed.ts');
    assert.ok(written.has('domain.verified'), 'src/admin/services/domains.ts');
    assert.ok(written.size >= 15, `only ${written.size} found`);
  });

  it('every reason written is one the filters accept, and has words for the console', () => {
    const known = new Set<string>(AUDIT_REASONS);
    for (const [reason, file] of written) {
      assert.ok(known.has(reason), `${file} writes reason "${reason}", which is not in AUDIT_REASONS`);
      if (reason.includes('.')) assert.ok(reason in ADMIN_ACTION_TEXT, `"${reason}" has no words in ADMIN_ACTION_TEXT`);
    }
  });
});
