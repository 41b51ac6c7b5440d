/** Small pieces every console page uses. Everything interpolated goes through `html`, which escapes. */
import { html, type SafeHtml } from '../../../server/html';

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A form that is just one button posting to `action`. */
export function postButton(
  action: string,
  csrf: string,
  label: string,
  options: { className?: string; fields?: Record<string, string>; ariaLabel?: string } = {},
): SafeHtml {
  const fields = Object.entries(options.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form class="inline" method="post" action="${action}">${csrfField(csrf)}${fields}<button type="submit" class="${options.className ?? ''}"${
    options.ariaLabel ? html` aria-label="${options.ariaLabel}"` : ''
  }>${label}</button></form>`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-01-31 14:05 UTC": one zone for every admin, matching the CSV export. */
export function formatTime(date: Date | null | undefined): string {
  if (!date) return '—';
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

export function time(date: Date | null | undefined): SafeHtml {
  if (!date) return html`—`;
  return html`<time datetime="${date.toISOString()}">${formatTime(date)}</time>`;
}

export function badge(text: string, tone: 'good' | 'bad' | 'neutral'): SafeHtml {
  return html`<span class="badge ${tone}">${text}</span>`;
}

export function onOff(on: boolean, onText = 'On', offText = 'Off'): SafeHtml {
  return on ? badge(onText, 'good') : badge(offText, 'neutral');
}

export function seatsText(seats: number | null): string {
  return seats === null ? 'Unlimited' : String(seats);
}

/** An optional text field's value, kept when a form comes back with an error. */
export function textField(options: {
  name: string;
  label: string;
  value?: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'date';
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  id?: string;
  extra?: SafeHtml;
}): SafeHtml {
  const id = options.id ?? `f-${options.name}`;
  const hintId = `${id}-hint`;
  return html`<div class="field"><label for="${id}">${options.label}</label>${options.hint ? html`<p class="hint" id="${hintId}">${options.hint}</p>` : ''}<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}"${
    options.value !== undefined ? html` value="${options.value}"` : ''
  }${options.required ? html` required` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${
    options.hint ? html` aria-describedby="${hintId}"` : ''
  }${options.extra ?? ''}></div>`;
}

export function userName(user: { displayName: string | null; givenName: string | null; familyName: string | null; email: string | null }): string {
  const joined = [user.givenName, user.familyName].filter((n) => n).join(' ');
  return user.displayName || joined || user.email || '(no name)';
}
