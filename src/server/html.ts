/** Minimal server-side HTML: everything that came from outside goes through escapeHtml. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += renderValue(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function renderValue(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(renderValue).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(v);
}

export const BASE_STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f5f6f8; color: #1d2330; }
  main { max-width: 40rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem 2.25rem;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  p { line-height: 1.5; }
  .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef0f4; padding: .15rem .4rem; border-radius: 4px; }
  .muted { color: #5a6272; font-size: .9rem; }
  .ok { border-top: 6px solid #1f8a4c; }
  .refused { border-top: 6px solid #c0392b; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
`;

export function page(options: { title: string; body: SafeHtml; className?: string; lang?: string }): string {
  return `<!doctype html>
<html lang="${escapeHtml(options.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · LaunchGate</title>
<style>${BASE_STYLE}</style>
</head>
<body>
<main class="${escapeHtml(options.className ?? '')}">
${options.body.value}
</main>
</body>
</html>`;
}
