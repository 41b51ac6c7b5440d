/** The pages before sign-in: sign in, and creating the first operator account. */
import { html, type SafeHtml } from '../../../server/html';
import { MIN_PASSWORD_LENGTH } from '../../accounts';
import { csrfField, textField } from './components';
import { layout } from './layout';

export interface SignInView {
  csrf: string;
  email?: string;
  next?: string | null;
  /** Shown as an alert: what went wrong with the last attempt. */
  error?: string;
  /** Shown as a status message: e.g. "You have signed out." */
  notice?: string;
  noAccountsYet: boolean;
}

function message(kind: 'error' | 'success', text: string | undefined): SafeHtml {
  // The live region is always rendered so a screen reader announces a message when it appears.
  return html`<div aria-live="polite" role="${kind === 'error' ? 'alert' : 'status'}">${text ? html`<div class="flash ${kind}"><p>${text}</p></div>` : ''}</div>`;
}

export function signInPage(view: SignInView): string {
  const body = html`<h1>Sign in</h1>
${message('error', view.error)}
${view.error ? '' : message('success', view.notice)}
<form method="post" action="/admin/login">
${csrfField(view.csrf)}
${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
${textField({ name: 'email', label: 'Email', type: 'email', value: view.email ?? '', required: true, autocomplete: 'username' })}
${textField({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' })}
<p><button type="submit">Sign in</button></p>
</form>
${
  view.noAccountsYet
    ? html`<h2>No admin account yet?</h2>
<p class="hint">Create the first operator on the server with
<code>launchgate admin create --email you@example.org --role operator</code>,
or on the <a href="/admin/bootstrap">first operator page</a> with the operator API token LaunchGate printed when it first started.</p>`
    : ''
}`;
  return layout({ title: 'Sign in', body, narrow: true });
}

export interface BootstrapView {
  csrf: string;
  email?: string;
  error?: string;
}

export function bootstrapPage(view: BootstrapView): string {
  const body = html`<h1>Create the first operator account</h1>
<p>The operator manages every organization of this LaunchGate. To prove you run this deployment, paste the
operator API token LaunchGate printed when it first started (or the value of <code>LAUNCHGATE_ADMIN_TOKEN</code>).</p>
${message('error', view.error)}
<form method="post" action="/admin/bootstrap">
${csrfField(view.csrf)}
${textField({ name: 'token', label: 'Operator API token', type: 'password', required: true, autocomplete: 'off' })}
${textField({ name: 'email', label: 'Your email', type: 'email', value: view.email ?? '', required: true, autocomplete: 'username' })}
${textField({
  name: 'password',
  label: 'Choose a password',
  type: 'password',
  required: true,
  autocomplete: 'new-password',
  hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one.`,
})}
${textField({ name: 'confirm', label: 'Repeat the password', type: 'password', required: true, autocomplete: 'new-password' })}
<p><button type="submit">Create the operator account</button></p>
</form>`;
  return layout({ title: 'First operator', body, narrow: true });
}
