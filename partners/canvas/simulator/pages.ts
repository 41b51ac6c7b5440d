/** HTML the simulated Canvas serves: the form_post, a course page framing the tool, and the storage frame. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function hiddenInputs(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('\n');
}

/** Canvas answers the auth request with a page that POSTs the id_token to the tool (form_post). */
export function autoPostForm(action: string, fields: Record<string, string>): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Launching…</title></head><body>
<form id="lti_form" method="post" action="${esc(action)}">
${hiddenInputs(fields)}
</form>
<script>document.getElementById('lti_form').submit();</script>
</body></html>`;
}

/** A course page: Canvas posts the login initiation into the tool's iframe, next to the storage frame. */
export function coursePage(loginUrl: string, loginFields: Record<string, string>, withStorageFrame: boolean): string {
  const storage = withStorageFrame
    ? '<iframe name="post_message_forwarding" id="post_message_forwarding" src="/post_message_forwarding" style="display:none" title="post_message_forwarding"></iframe>'
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Course · Simulated Canvas</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;background:#f5f5f5} iframe#tool_content{width:960px;height:640px;border:1px solid #ccc;background:#fff}</style>
</head><body>
<h1>Biology 101 · Simulated Canvas</h1>
${storage}
<form id="tool_login" method="post" action="${esc(loginUrl)}" target="tool_content">
${hiddenInputs(loginFields)}
</form>
<iframe name="tool_content" id="tool_content" title="LaunchGate" allow="clipboard-write"></iframe>
<script>
(function () {
  var frame = document.getElementById('post_message_forwarding');
  function start() { document.getElementById('tool_login').submit(); }
  if (frame) frame.addEventListener('load', start); else start();
})();
</script>
</body></html>`;
}

/** The sibling frame Canvas serves from its OIDC auth origin: LTI platform storage for tools. */
export function storageFramePage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>post_message_forwarding</title></head><body>
<script>
(function () {
  var store = {};
  function report(subject, origin) {
    fetch('/__storage-events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject: subject, origin: origin }) });
  }
  window.addEventListener('message', function (event) {
    var m = event.data;
    if (!m || typeof m !== 'object' || typeof m.subject !== 'string') return;
    var bucket = store[event.origin] = store[event.origin] || {};
    var reply = { message_id: m.message_id };
    if (m.subject === 'lti.capabilities') {
      reply.subject = 'lti.capabilities.response';
      reply.supported_messages = [
        { subject: 'lti.capabilities' },
        { subject: 'lti.put_data', frame: 'post_message_forwarding' },
        { subject: 'lti.get_data', frame: 'post_message_forwarding' }
      ];
    } else if (m.subject === 'lti.put_data') {
      if (m.value === null) delete bucket[m.key]; else bucket[m.key] = m.value;
      reply.subject = 'lti.put_data.response'; reply.key = m.key; reply.value = m.value;
    } else if (m.subject === 'lti.get_data') {
      reply.subject = 'lti.get_data.response'; reply.key = m.key;
      reply.value = Object.prototype.hasOwnProperty.call(bucket, m.key) ? bucket[m.key] : null;
    } else {
      return;
    }
    report(m.subject, event.origin);
    event.source.postMessage(reply, event.origin);
  });
})();
</script>
</body></html>`;
}

/** Reads the form of an auto-posting page (Canvas's form_post, or LaunchGate's own continue form). */
export function parseForm(html: string, formId?: string): { action: string; fields: Record<string, string> } {
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  for (let match = formRe.exec(html); match; match = formRe.exec(html)) {
    const attrs = match[1]!;
    if (formId && !new RegExp(`id="${formId}"`).test(attrs)) continue;
    const action = /action="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const fields: Record<string, string> = {};
    const inputRe = /<input\b[^>]*>/gi;
    for (let input = inputRe.exec(match[2]!); input; input = inputRe.exec(match[2]!)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
      if (name) fields[unescapeHtml(name)] = unescapeHtml(value);
    }
    return { action: unescapeHtml(action), fields };
  }
  throw new Error('no form found in the page');
}

export function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
