/**
 * The sandbox's pages. Everything typed or stored goes through `html` (escaped); the pages have no
 * inline script (the one script is /sandbox/assets/sandbox.js) and work with a keyboard and without
 * JavaScript.
 */
import type { Partner } from '../identity/launch-identity';
import { escapeHtml, html, type SafeHtml } from '../server/html';
import { displayName, PERSONA_ROLES, type FieldProblem, type Persona } from './personas';
import type { LaunchResult } from './result';
import type { SandboxLaunch } from './launches';
import { DISTRICT_KEYS, DISTRICTS, PARTNER_NAMES } from './tenants';

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f5f6f8; color: #1d2330; }
  .bar { display: flex; gap: 1.5rem; align-items: center; background: #1d2330; color: #fff; padding: .7rem 1.5rem; }
  .bar a { color: #fff; }
  .bar .tag { background: #f0a500; color: #1d2330; border-radius: 4px; padding: .1rem .45rem; font-size: .8rem; font-weight: 700; }
  main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
  .card { background: #fff; border-radius: 12px; padding: 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); margin-bottom: 1.25rem; }
  h1 { font-size: 1.45rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.1rem; margin: .2rem 0 .6rem; }
  p { line-height: 1.5; }
  .muted { color: #5a6272; font-size: .9rem; }
  .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef0f4; padding: .1rem .35rem; border-radius: 4px; }
  fieldset { border: 1px solid #d5d9e0; border-radius: 8px; margin: 0 0 1rem; padding: .6rem 1rem .8rem; }
  legend { font-weight: 700; padding: 0 .3rem; }
  .choices { display: grid; gap: .45rem; }
  .choice { display: flex; gap: .6rem; align-items: flex-start; padding: .45rem .6rem; border-radius: 6px; }
  .choice:hover { background: #f0f3f8; }
  .choice input { margin-top: .3rem; }
  .partners { grid-template-columns: repeat(3, 1fr); }
  .custom { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .6rem; margin: .4rem 0 0 1.9rem; }
  .custom label { display: grid; gap: .2rem; font-size: .9rem; }
  input[type=text], input[type=email], select { font: inherit; padding: .35rem .5rem; border: 1px solid #b8bfcb; border-radius: 6px; }
  button, .button { font: inherit; display: inline-block; background: #2456c7; color: #fff; border: 0; border-radius: 8px; padding: .55rem 1.1rem;
                    text-decoration: none; cursor: pointer; }
  .button.secondary { background: #e6eaf2; color: #1d2330; }
  button:focus-visible, .button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
  .problems { background: #fdecea; border-left: 4px solid #c0392b; padding: .5rem 1rem; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
  .on { color: #1f8a4c; font-weight: 600; } .off { color: #c0392b; font-weight: 600; }
  .launch-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.25rem; }
  .result.allowed { border-top: 6px solid #1f8a4c; } .result.refused { border-top: 6px solid #c0392b; } .result.waiting { border-top: 6px solid #b8bfcb; }
  .frame { width: 100%; height: 760px; border: 1px solid #c9ced8; border-radius: 8px; background: #fff; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: .5rem 0; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
`;

export function sandboxPage(title: string, body: SafeHtml, options: { script?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · LaunchGate sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header class="bar"><strong>LaunchGate</strong> <span class="tag">SANDBOX</span>
<nav aria-label="Sandbox"><a href="/sandbox">New launch</a> · <a href="/admin">Admin console</a></nav></header>
<main>
${body.value}
</main>
${options.script ? '<script src="/sandbox/assets/sandbox.js" defer></script>' : ''}
</body>
</html>`;
}

export interface PartnerOption {
  partner: Partner;
  available: boolean;
  description: string;
}

export interface DemoSummary {
  orgName: string;
  productName: string;
  seats: number | null;
  used: number;
  directories: Array<{
    name: string;
    jitEnabled: boolean;
    domains: Array<{ name: string; verified: boolean }>;
    connections: Array<{ label: string; enabled: boolean }>;
  }>;
}

export interface HomeForm {
  partner: string;
  persona: string;
  custom: { name: string; email: string; role: string; district: string };
  problems: FieldProblem[];
}

export const EMPTY_FORM: HomeForm = { partner: 'canvas', persona: 'student', custom: { name: '', email: '', role: 'student', district: 'lincoln' }, problems: [] };

function checked(on: boolean): SafeHtml {
  return html`${on ? html` checked` : ''}`;
}

function personaChoice(persona: Persona, selected: string): SafeHtml {
  const id = `persona-${persona.key}`;
  return html`<label class="choice" for="${id}">
<input type="radio" name="persona" id="${id}" value="${persona.key}"${checked(selected === persona.key)}>
<span><strong>${displayName(persona)}</strong> · ${persona.role} · ${persona.email ?? '(no email)'}<br>
<span class="muted">${persona.summary}. First launch: <span class="code">${persona.expected ?? ''}</span>${
    persona.expected === 'user_created' ? html`, then <span class="code">existing_license</span>` : ''
  }</span></span>
</label>`;
}

function customChoice(form: HomeForm): SafeHtml {
  const c = form.custom;
  const option = (value: string, label: string, current: string) => html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  return html`<label class="choice" for="persona-custom">
<input type="radio" name="persona" id="persona-custom" value="custom"${checked(form.persona === 'custom')}>
<span><strong>Type your own</strong><br><span class="muted">Anyone you like: the same email (or, without one, the same name) in a district is the same person next time.</span></span>
</label>
<div class="custom">
<label>Name <input type="text" name="name" maxlength="80" value="${c.name}" autocomplete="off"></label>
<label>Email (empty: none) <input type="text" name="email" maxlength="254" value="${c.email}" autocomplete="off" inputmode="email"></label>
<label>Role <select name="role">${PERSONA_ROLES.map((r) => option(r, r, c.role))}</select></label>
<label>District <select name="district">${DISTRICT_KEYS.map((d) => option(d, DISTRICTS[d].name, c.district))}</select></label>
</div>`;
}

function demoSection(demo: DemoSummary): SafeHtml {
  const rows = demo.directories.map(
    (d) => html`<tr><td>${d.name}</td>
<td>${d.jitEnabled ? html`<span class="on">JIT on</span>` : html`<span class="off">JIT off</span>`}</td>
<td>${d.domains.map((dom) => html`<div>${dom.name} ${dom.verified ? '(verified)' : '(not verified)'}</div>`)}</td>
<td>${d.connections.map((c) => html`<div>${c.label}${c.enabled ? '' : ' (disabled)'}</div>`)}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="demo-heading">
<h2 id="demo-heading">The demo organization: ${demo.orgName}</h2>
<p>Seats of ${demo.productName}: <strong data-testid="seats">${demo.used} of ${demo.seats ?? 'unlimited'}</strong> in use.
When they run out, the next new person is refused with <span class="code">no_seats</span>; raise the seats in the console and launch again.</p>
<table><thead><tr><th>Directory</th><th>Just-in-time</th><th>Domains</th><th>Linked partner tenants</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">Jefferson County is linked nowhere. Change anything in the <a href="/admin">admin console</a>: sign in with the account
<span class="code">npm start</span> printed (the sandbox gives it a new password at every start).</p>
</section>`;
}

export function homePage(input: { partners: PartnerOption[]; personas: readonly Persona[]; form: HomeForm; demo: DemoSummary }): string {
  const { form } = input;
  const problems =
    form.problems.length > 0
      ? html`<div class="problems" role="alert" data-testid="problems"><p>Please fix:</p><ul>${form.problems.map((p) => html`<li>${p.message}</li>`)}</ul></div>`
      : '';
  const partners = input.partners.map((p) => {
    const id = `partner-${p.partner}`;
    return html`<label class="choice" for="${id}">
<input type="radio" name="partner" id="${id}" value="${p.partner}"${checked(form.partner === p.partner)}${p.available ? '' : html` disabled`}>
<span><strong>${PARTNER_NAMES[p.partner]}</strong><br><span class="muted">${p.description}</span></span></label>`;
  });
  return sandboxPage(
    'Try a launch',
    html`<section class="card">
<h1>Try a launch</h1>
<p>Pick a school portal and a person, and launch. The portals are simulators running on this machine, each on its own port.
They speak the real protocols to this LaunchGate's real routes: Canvas sends a signed LTI 1.3 id_token; Clever and ClassLink
send an authorization code that LaunchGate exchanges, then ask who the user is. LaunchGate knows them only through its
configuration: endpoint addresses, client ids and secrets, and the connections of the demo organization below.</p>
${problems}
<form method="post" action="/sandbox/launches">
<fieldset><legend>1. Portal</legend><div class="choices partners">${partners}</div></fieldset>
<fieldset><legend>2. Who is launching</legend>
<p class="muted">A person is the same person through every portal: after Ada’s Canvas launch, her ClassLink launch finds her by her verified email and says <span class="code">existing_license</span>.</p>
<div class="choices">
${input.personas.map((p) => personaChoice(p, form.persona))}
${customChoice(form)}
</div></fieldset>
<button type="submit" data-testid="launch">Launch</button>
</form>
</section>
${demoSection(input.demo)}`,
  );
}

export interface StartLink {
  entry: string;
  label: string;
  explanation: string;
}

function resultBody(result: LaunchResult): SafeHtml {
  if (result.state === 'waiting') {
    return html`<h2>Decision</h2><p data-testid="result-state">Waiting for the launch to finish…</p>`;
  }
  const auditLink = html`<a class="button secondary" data-testid="audit-link" href="${result.consoleUrl}" target="_blank" rel="noopener">Open this launch's audit event in the admin console</a>`;
  return html`<h2>Decision: <span data-testid="result-decision">${result.decision}</span></h2>
<dl>
<dt>Reason</dt><dd><span class="code" data-testid="result-reason">${result.reason}</span></dd>
<dt>Meaning</dt><dd>${result.explanation}</dd>
${result.check !== null ? html`<dt>Check</dt><dd><span class="code">${result.check}</span></dd>` : ''}
<dt>Request id</dt><dd><span class="code" data-testid="result-request-id">${result.requestId ?? '(none)'}</span></dd>
<dt>Audit event</dt><dd><span class="code" data-testid="result-event-id">${result.eventId}</span> at ${result.time}</dd>
</dl>
${auditLink}`;
}

function personaLine(launch: SandboxLaunch): SafeHtml {
  const p = launch.persona;
  return html`${p.role} of ${DISTRICTS[p.district].name} · ${p.email ?? '(no email)'} · ${PARTNER_NAMES[launch.partner]} id <span class="code">${launch.subject}</span>`;
}

export function launchPage(input: { launch: SandboxLaunch; links: StartLink[]; frameSrc: string; intro: string; result: LaunchResult }): string {
  const { launch } = input;
  const base = `/sandbox/launches/${launch.id}`;
  const links = input.links.map(
    (l) => html`<p><a class="button" data-testid="start-${l.entry}" href="${base}/start/${l.entry}" target="partner-frame">${l.label}</a><br>
<span class="muted">${l.explanation}</span></p>`,
  );
  return sandboxPage(
    `${PARTNER_NAMES[launch.partner]} launch`,
    html`<div class="launch-grid">
<section class="card">
<h1>${PARTNER_NAMES[launch.partner]} launch as <span data-testid="persona-name">${displayName(launch.persona)}</span></h1>
<p class="muted">${personaLine(launch)}</p>
<p>${input.intro}</p>
${links}
</section>
<section class="card result ${input.result.state === 'waiting' ? 'waiting' : input.result.decision}" id="result" aria-live="polite"
 data-result-url="${base}/result.json" data-testid="result">
${resultBody(input.result)}
<p class="muted" data-role="no-script"><a href="${base}/result">Show the decision on its own page</a> (it updates here by itself with JavaScript on).</p>
</section>
</div>
<section class="card">
<h2>${PARTNER_NAMES[launch.partner]} (simulated)</h2>
<iframe class="frame" name="partner-frame" title="${PARTNER_NAMES[launch.partner]}, simulated, with LaunchGate inside" src="${input.frameSrc}"></iframe>
</section>`,
    { script: true },
  );
}

export function resultPage(input: { launch: SandboxLaunch; result: LaunchResult }): string {
  const { launch, result } = input;
  return sandboxPage(
    'Decision',
    html`<section class="card result ${result.state === 'waiting' ? 'waiting' : result.decision}">
<p class="muted">${PARTNER_NAMES[launch.partner]} launch as ${displayName(launch.persona)} · ${personaLine(launch)}</p>
${resultBody(result)}
<p><a href="/sandbox/launches/${launch.id}/result">Check again</a> · <a href="/sandbox/launches/${launch.id}">Back to the launch</a></p>
</section>`,
  );
}

export function notFoundPage(): string {
  return sandboxPage('Not found', html`<section class="card"><h1>No such sandbox launch</h1><p>The sandbox forgets launches when it restarts. <a href="/sandbox">Start a new one</a>.</p></section>`);
}
