import { REASON_TEXT, type LaunchReason } from '../provisioning/reasons';
import type { FailureNotice } from '../identity/launch-sink';
import { html, page } from './html';

/**
 * The page a person sees when a launch is refused: what happened, in plain words, and what to do.
 * `notice` replaces the reason's words when the adapter knows better (the reason code stays).
 */
export function refusalPage(reason: LaunchReason, requestId: string | null, notice?: FailureNotice): string {
  const text = notice ?? REASON_TEXT[reason];
  return page({
    title: text.title,
    className: 'refused',
    body: html`
<h1>${text.title}</h1>
<p>${text.explanation}</p>
<p>${text.nextStep}</p>
<p class="muted">Reason code: <span class="code" data-reason="${reason}">${reason}</span>${requestId ? html` · Request <span class="code">${requestId}</span>` : ''}</p>`,
  });
}
