/**
 * The sandbox's one script, served from /sandbox/assets/sandbox.js (so the pages need no inline
 * script and no CSP nonce). It polls the launch's result and redraws the decision panel with
 * textContent only: nothing from the server is parsed as HTML.
 */
export const SANDBOX_JS = `(function () {
  'use strict';
  var panel = document.getElementById('result');
  if (!panel) return;
  var url = panel.getAttribute('data-result-url');
  var shown = null;
  var started = Date.now();

  function el(tag, text, testid) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (testid) node.setAttribute('data-testid', testid);
    return node;
  }
  function code(text, testid) {
    var node = el('span', text, testid);
    node.className = 'code';
    return node;
  }
  function row(dl, term, value) {
    dl.appendChild(el('dt', term));
    var dd = el('dd');
    if (typeof value === 'string') dd.textContent = value; else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function render(r) {
    panel.textContent = '';
    if (r.state !== 'decided') {
      panel.className = 'card result waiting';
      panel.appendChild(el('h2', 'Decision'));
      panel.appendChild(el('p', 'Waiting for the launch to finish\\u2026', 'result-state'));
      return;
    }
    panel.className = 'card result ' + (r.decision === 'allowed' ? 'allowed' : 'refused');
    var h2 = el('h2', 'Decision: ');
    h2.appendChild(el('span', r.decision, 'result-decision'));
    panel.appendChild(h2);
    var dl = el('dl');
    row(dl, 'Reason', code(r.reason, 'result-reason'));
    row(dl, 'Meaning', r.explanation);
    if (r.check) row(dl, 'Check', code(r.check));
    row(dl, 'Request id', code(r.requestId || '(none)', 'result-request-id'));
    var at = el('span');
    at.appendChild(code(r.eventId, 'result-event-id'));
    at.appendChild(document.createTextNode(' at ' + r.time));
    row(dl, 'Audit event', at);
    panel.appendChild(dl);
    var a = el('a', 'Open this launch\\u2019s audit event in the admin console', 'audit-link');
    a.className = 'button secondary';
    a.href = r.consoleUrl;
    a.target = '_blank';
    a.rel = 'noopener';
    panel.appendChild(a);
  }

  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (r) {
        if (!r) return;
        var key = r.state === 'decided' ? r.eventId : 'waiting';
        if (key !== shown) { shown = key; render(r); }
      })
      .catch(function () {})
      .then(function () { if (Date.now() - started < 30 * 60 * 1000) setTimeout(poll, 700); });
  }
  poll();
})();
`;
