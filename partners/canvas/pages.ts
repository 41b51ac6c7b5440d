/**
 * The pages the Canvas adapter renders inside Canvas's iframe. Scripts are inline with the
 * request's CSP nonce; the data they need travels in a JSON block, never spliced into code.
 *
 * Platform storage (1EdTech "LTI client side postMessages"): messages go to the frame named by
 * `lti_storage_target` with the platform's OIDC auth origin as target origin, and answers are
 * accepted from that origin only. Nothing ever falls back to the `*` origin: an answer from any
 * other window (e.g. a page framing LaunchGate) could otherwise confirm a forged state.
 */
import { BASE_STYLE, escapeHtml } from '../../src/server/html';

function shell(title: string, body: string, cspNonce: string | null, script?: { data: unknown; code: string }): string {
  const scriptHtml = script
    ? `<script type="application/json" id="lg-data">${JSON.stringify(script.data).replace(/</g, '\\u003c')}</script>
<script nonce="${escapeHtml(cspNonce ?? '')}">${script.code}</script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · LaunchGate</title>
<style>${BASE_STYLE} .hidden { display: none; } .button { display: inline-block; padding: .6rem 1rem; border-radius: 6px; background: #1d4ed8; color: #fff; text-decoration: none; } .claim { font-size: 1.4rem; letter-spacing: .08em; }</style>
</head>
<body>
<main>
${body}
</main>
${scriptHtml}
</body>
</html>`;
}

/** Shared client code: one request/answer exchange with the platform's storage frame. */
const STORAGE_CLIENT = `
var d = JSON.parse(document.getElementById('lg-data').textContent);
function lgFrame(name) {
  try {
    if (window.parent === window) return null;
    return name === '_parent' ? window.parent : window.parent.frames[name] || null;
  } catch (e) { return null; }
}
function lgAsk(win, message, timeoutMs) {
  return new Promise(function (resolve, reject) {
    var id = 'lg-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
    message.message_id = id;
    var expected = [message.subject + '.response', 'org.imsglobal.' + message.subject + '.response'];
    function onMessage(event) {
      var m = event.data;
      if (event.origin !== d.platformOrigin || !m || typeof m !== 'object') return;
      if (m.message_id !== id || expected.indexOf(m.subject) < 0) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      if (m.error) reject(new Error(String(m.error.code || 'error'))); else resolve(m);
    }
    var timer = setTimeout(function () {
      window.removeEventListener('message', onMessage);
      reject(new Error('timeout'));
    }, timeoutMs);
    window.addEventListener('message', onMessage);
    win.postMessage(message, d.platformOrigin);
  });
}
function lgSupports(capabilities, subject) {
  var list = (capabilities && capabilities.supported_messages) || [];
  for (var i = 0; i < list.length; i++) {
    var s = list[i] && list[i].subject;
    if (s === subject || s === 'org.imsglobal.' + subject) return list[i];
  }
  return null;
}
function lgStorageFrame() {
  var frame = lgFrame(d.storageTarget);
  if (!frame) return Promise.reject(new Error('no storage frame'));
  return lgAsk(frame, { subject: 'lti.capabilities' }, 1500).then(function (capabilities) {
    var put = lgSupports(capabilities, 'lti.put_data');
    var get = lgSupports(capabilities, 'lti.get_data');
    if (!put || !get) throw new Error('platform storage not supported');
    return (put.frame && lgFrame(put.frame)) || frame;
  });
}
`;

/** Login with platform storage offered: store the binding there, then go on to the platform. */
export function storageLoginPage(options: {
  cspNonce: string | null;
  authUrl: string;
  storageTarget: string;
  platformOrigin: string;
  key: string;
  value: string;
}): string {
  const code = `${STORAGE_CLIENT}
var gone = false;
function go() { if (gone) return; gone = true; window.location.replace(d.authUrl); }
lgStorageFrame()
  .then(function (frame) { return lgAsk(frame, { subject: 'lti.put_data', key: d.key, value: d.value }, 2000); })
  .then(go, go);
setTimeout(go, 6000);
`;
  return shell(
    'Signing you in',
    `<h1>Signing you in…</h1><p class="muted">Connecting to your school’s Canvas.</p>
<noscript><p><a href="${escapeHtml(options.authUrl)}">Continue</a></p></noscript>`,
    options.cspNonce,
    { data: { authUrl: options.authUrl, storageTarget: options.storageTarget, platformOrigin: options.platformOrigin, key: options.key, value: options.value }, code },
  );
}

/**
 * Launch without the binding cookie, where the login offered platform storage: read the binding
 * back from the platform and hand it to LaunchGate in a same-origin POST. If the platform cannot
 * answer, offer the new-window fallback.
 */
export function storageLaunchPage(options: {
  cspNonce: string | null;
  storageTarget: string;
  platformOrigin: string;
  key: string;
  continueUrl: string;
  continuation: string;
  relaunchUrl: string;
}): string {
  const code = `${STORAGE_CLIENT}
function fallback() {
  document.getElementById('lg-wait').className = 'hidden';
  document.getElementById('lg-fallback').className = '';
}
lgStorageFrame()
  .then(function (frame) { return lgAsk(frame, { subject: 'lti.get_data', key: d.key }, 2000); })
  .then(function (answer) {
    if (typeof answer.value !== 'string' || answer.value === '') throw new Error('no value');
    var form = document.getElementById('lg-continue');
    form.elements.binding.value = answer.value;
    form.submit();
  })
  .catch(fallback);
`;
  return shell(
    'Signing you in',
    `<div id="lg-wait"><h1>Signing you in…</h1><p class="muted">Checking this sign-in with your school’s Canvas.</p></div>
<div id="lg-fallback" class="hidden">${newWindowBody(options.relaunchUrl)}</div>
<form id="lg-continue" method="post" action="${escapeHtml(options.continueUrl)}">
<input type="hidden" name="continuation" value="${escapeHtml(options.continuation)}">
<input type="hidden" name="binding" value="">
</form>`,
    options.cspNonce,
    { data: { storageTarget: options.storageTarget, platformOrigin: options.platformOrigin, key: options.key }, code },
  );
}

function newWindowBody(relaunchUrl: string): string {
  return `<h1>Open LaunchGate in a new window</h1>
<p>Your browser blocks the cookie this sign-in needs inside Canvas. Opening it in its own window signs you in the same way.</p>
<p><a class="button" data-testid="open-new-window" href="${escapeHtml(relaunchUrl)}" target="_blank" rel="noopener">Open in a new window</a></p>`;
}

/** Launch without the binding cookie and without platform storage: restart in a top-level window. */
export function newWindowPage(relaunchUrl: string): string {
  return shell('Open in a new window', newWindowBody(relaunchUrl), null);
}

/**
 * Dynamic registration finished. The page carries the registration's one-time claim code, and it
 * is shown only here, to the Canvas admin who ran the registration: an organization admin links
 * the pending connection with it. So Canvas's dialog is closed by the admin's click once the code
 * is copied, never right away.
 */
export function registrationDonePage(options: {
  cspNonce: string | null;
  platformName: string;
  clientId: string;
  connectionId: string;
  claimCode: string | null;
  closeOrigin: string;
}): string {
  const code = `var d = JSON.parse(document.getElementById('lg-data').textContent);
document.getElementById('lg-close').addEventListener('click', function () {
  (window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, d.closeOrigin);
});`;
  const claim =
    options.claimCode === null
      ? `<p>This developer key is already linked to a LaunchGate directory; launches work as before.</p>`
      : `<h2>Your claim code</h2>
<p class="code claim" data-testid="claim-code">${escapeHtml(options.claimCode)}</p>
<p><strong>Give this code to your LaunchGate admin.</strong> They paste it in the LaunchGate console
(the directory’s <em>Identity and connections</em> page, <em>Link a Canvas registration</em>) to link this registration
to your school’s directory. Nobody can launch LaunchGate from this Canvas until then.</p>
<p class="muted">The code works once, for 30 days, and is shown only now: copy it before closing. Keep it private: whoever
holds it can link this Canvas to their directory. (For the admin API: connection ID
<span class="code" data-testid="connection-id">${escapeHtml(options.connectionId)}</span>, with the code as <span class="code">claimCode</span>.)</p>`;
  return shell(
    'LaunchGate registered',
    `<h1>LaunchGate is registered</h1>
<p>${escapeHtml(options.platformName)} registered LaunchGate with client ID <span class="code" data-testid="client-id">${escapeHtml(options.clientId)}</span>.</p>
${claim}
<p><button type="button" class="button" id="lg-close">${options.claimCode === null ? 'Close' : 'I have copied the code: close'}</button></p>`,
    options.cspNonce,
    { data: { closeOrigin: options.closeOrigin }, code },
  );
}

export function registrationFailedPage(reason: string): string {
  return shell(
    'Registration failed',
    `<h1>LaunchGate could not register with Canvas</h1><p>${escapeHtml(reason)}</p><p>Start the registration again from Canvas; if it keeps failing, send this message to your LaunchGate operator.</p>`,
    null,
  );
}
