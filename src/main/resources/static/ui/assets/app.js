// Hodei Jobs dashboard: one page, no build step, no dependency. Every call goes to /ui/api, which
// runs the gRPC API in-process with the session's token: what a person sees and may do is what
// their token may. Everything shown is built with textContent, never parsed as HTML.

const main = document.getElementById('main');
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const STATES = ['PENDING', 'ASSIGNED', 'PROVISIONING', 'RUNNING', ...TERMINAL];
let session = { csrfToken: '' };
let cleanups = [];

// ---- DOM and formatting -------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
const state = (s) => (s || '').replace('JOB_STATE_', '');
const badge = (s) => h('span', { class: 'state s-' + state(s) }, state(s) || '—');
const time = (t) => t ? new Date(t).toLocaleString() : '—';
function duration(a, b) {
  if (!a) return '—';
  const ms = (b ? new Date(b) : new Date()) - new Date(a);
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  return s < 60 ? s.toFixed(1) + ' s' : s < 3600 ? Math.floor(s / 60) + ' m ' + Math.round(s % 60) + ' s' : (s / 3600).toFixed(1) + ' h';
}
/** Replaces an element's children; absent ones (null, false) are left out rather than shown as text. */
function put(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}
function toast(text) {
  const t = h('div', {}, text);
  document.getElementById('toast').append(t);
  setTimeout(() => t.remove(), 6000);
}
function onLeave(fn) { cleanups.push(fn); }

// ---- API ----------------------------------------------------------------------------------
class ApiError extends Error { constructor(code, message) { super(message); this.code = code; } }

async function rpc(service, method, request = {}) {
  const r = await fetch(`/ui/api/rpc/${service}/${method}`, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': session.csrfToken },
    body: JSON.stringify(request),
  });
  const text = await r.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch { body = { code: 'HTTP_' + r.status, message: text.slice(0, 200) }; }
  if (r.status === 401) { signedOut(); throw new ApiError('UNAUTHENTICATED', 'signed out'); }
  if (!r.ok) throw new ApiError(body.code || 'HTTP_' + r.status, body.message || r.statusText);
  return body;
}

/** Follows a server-streaming RPC; returns a function that stops it. */
function follow(service, method, request, onItem, onEnd) {
  const es = new EventSource(`/ui/api/stream/${service}/${method}?request=${encodeURIComponent(JSON.stringify(request))}`);
  let over = false;
  const stop = () => { over = true; es.close(); };
  es.addEventListener('message', (e) => onItem(JSON.parse(e.data)));
  es.addEventListener('end', () => { stop(); onEnd && onEnd(null); });
  es.addEventListener('failure', (e) => { stop(); onEnd && onEnd(JSON.parse(e.data)); });
  es.onerror = () => { if (!over && es.readyState === EventSource.CLOSED) onEnd && onEnd({ message: 'the stream was refused' }); };
  onLeave(stop);
  return stop;
}

// ---- sign-in ------------------------------------------------------------------------------
async function loadSession() {
  const r = await fetch('/ui/api/session', { credentials: 'same-origin' });
  session = await r.json();
}

function signedOut() {
  session.name = undefined;
  route();
}

function renderSignIn() {
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('who').textContent = '';
  const error = h('p', { class: 'error', id: 'token-error', role: 'alert' });
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    'aria-describedby': 'token-help token-error' });
  const form = h('form', { class: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const r = await fetch('/ui/api/session', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': session.csrfToken },
      body: JSON.stringify({ token: input.value }) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { error.textContent = body.message || 'sign-in refused'; input.focus(); return; }
    session = body;
    input.value = '';
    route();
  } },
    h('h1', {}, 'Sign in'),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'),
      h('small', { id: 'token-help' }, 'The same token the CLI uses (hodei token create, or HODEI_TOKEN). It stays on the server for this session.'),
      input),
    error,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'));
  put(main, form);
  input.focus();
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await fetch('/ui/api/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-TOKEN': session.csrfToken } });
  await loadSession();
  route();
});

// ---- router -------------------------------------------------------------------------------
const routes = [
  [/^#\/jobs\/([0-9a-f-]{36})$/, (m) => jobPage(m[1])],
  [/^#\/templates\/(.+)$/, (m) => templatePage(decodeURIComponent(m[1]))],
  [/^#\/templates$/, () => templatesPage()],
  [/^#\/schedules$/, () => schedulesPage()],
  [/^#\/capacity$/, () => capacityPage()],
  [/^#\/jobs(\?.*)?$/, (m) => jobsPage(new URLSearchParams((m[1] || '').slice(1)))],
];

function route() {
  cleanups.forEach((f) => f());
  cleanups = [];
  if (!session.name) { renderSignIn(); return; }
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('who').textContent = `${session.name} (${session.role})`;
  const hash = location.hash || '#/jobs';
  for (const a of document.querySelectorAll('nav a')) {
    if (hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (m) {
      view(m).catch((e) => { if (e.code !== 'UNAUTHENTICATED') put(main, h('p', { class: 'error', role: 'alert' }, e.message)); });
      return;
    }
  }
  location.hash = '#/jobs';
}
window.addEventListener('hashchange', route);

function every(ms, fn) {
  const id = setInterval(() => { if (!document.hidden) fn().catch(() => {}); }, ms);
  onLeave(() => clearInterval(id));
}

// ---- jobs ---------------------------------------------------------------------------------
async function jobsPage(params) {
  const filters = { state: params.get('state') || '', namespace: params.get('namespace') || '', label: params.get('label') || '',
    template: params.get('template') || '', text: params.get('text') || '' };
  const pages = [''];
  const body = h('tbody');
  const more = h('button', { type: 'button', onclick: () => { pages.push(nextToken); load(); } }, 'Older');
  const newest = h('button', { type: 'button', onclick: () => { pages.length = 1; load(); } }, 'Newest');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  let nextToken = '';

  function request() {
    const req = { pageSize: 50, pageToken: pages[pages.length - 1] };
    if (filters.state) req.states = ['JOB_STATE_' + filters.state];
    if (filters.namespace) req.namespace = filters.namespace;
    if (filters.template) req.template = filters.template;
    if (filters.text) req.text = filters.text;
    if (filters.label) {
      const [k, ...v] = filters.label.split('=');
      req.labels = { [k.trim()]: v.join('=').trim() };
    }
    return req;
  }
  async function load() {
    const r = await rpc('JobService', 'ListJobs', request());
    nextToken = r.nextPageToken || '';
    more.disabled = !nextToken;
    newest.disabled = pages.length === 1;
    const jobs = r.jobs || [];
    put(body, ...jobs.map((j) => h('tr', { 'data-job': j.id },
      h('td', {}, badge(j.state)),
      h('td', { class: 'wrap' }, h('a', { href: '#/jobs/' + j.id }, j.spec?.name || j.id.slice(0, 8))),
      h('td', {}, j.namespace || ''),
      h('td', { class: 'opt' }, j.provider || ''),
      h('td', { class: 'opt' }, j.attempt || 0),
      h('td', {}, j.exitCode ?? ''),
      h('td', { class: 'opt' }, j.submittedBy || ''),
      h('td', { class: 'opt' }, time(j.createdAt)),
      h('td', { class: 'opt' }, time(j.startedAt)),
      h('td', { class: 'opt' }, time(j.finishedAt)),
      h('td', {}, duration(j.startedAt, j.finishedAt)))));
    summary.textContent = jobs.length ? `${jobs.length} job(s) on this page${pages.length > 1 ? ' (older page)' : ''}` : 'No job matches.';
  }
  const field = (name, text, control) => h('div', { class: 'field' }, h('label', { for: 'f-' + name }, text), control);
  const input = (name, placeholder) => h('input', { id: 'f-' + name, name, value: filters[name], placeholder,
    oninput: debounce((e) => { filters[name] = e.target.value.trim(); pages.length = 1; remember(); load().catch(shown); }, 300) });
  const stateSelect = h('select', { id: 'f-state', onchange: (e) => { filters.state = e.target.value; pages.length = 1; remember(); load().catch(shown); } },
    h('option', { value: '' }, 'any'), STATES.map((s) => h('option', { value: s, selected: filters.state === s }, s)));
  function remember() {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    history.replaceState(null, '', '#/jobs' + (q.toString() ? '?' + q : ''));
  }
  const error = h('p', { class: 'error', role: 'alert' });
  const shown = (e) => { error.textContent = e.message; };
  put(main, h('h1', {}, 'Jobs'),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('state', 'State', stateSelect), field('namespace', 'Namespace', input('namespace', 'all')),
      field('label', 'Label', input('label', 'key=value')), field('template', 'Template', input('template', 'any')),
      field('text', 'Name or id', input('text', 'contains…'))),
    error,
    h('div', { class: 'table-wrap' }, h('table', { id: 'jobs' },
      h('thead', {}, h('tr', {}, ['State', 'Name', 'Namespace', ['Provider'], ['Attempt'], 'Exit', ['Submitted by'], ['Queued'],
        ['Started'], ['Finished'], 'Duration'].map((c) => Array.isArray(c) ? h('th', { class: 'opt', scope: 'col' }, c[0]) : h('th', { scope: 'col' }, c)))),
      body)),
    summary, h('div', { class: 'actions' }, newest, more));
  await load();
  // live: the newest page is read again every 2 s (one indexed query); older pages stay still
  every(2000, async () => { if (pages.length === 1) await load(); });
}

function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

// ---- a job --------------------------------------------------------------------------------
async function jobPage(id) {
  let job = await rpc('JobService', 'GetJob', { id });
  const facts = h('dl', { class: 'facts' });
  const title = h('h1', {});
  const actions = h('div', { class: 'actions' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-live': 'polite' });
  const log = h('pre', { class: 'log', id: 'log', tabindex: '0', 'aria-label': 'Output' });
  const attemptSelect = h('select', { id: 'attempt' });
  const followBox = h('input', { type: 'checkbox', id: 'follow', checked: true });
  const spec = h('pre', { class: 'spec', id: 'spec' });
  let raw = [];

  function render() {
    put(title, job.spec?.name || 'Job ' + job.id.slice(0, 8), ' ', badge(job.state));
    const run = job.run;
    const rows = [['Id', job.id], ['Namespace', job.namespace], ['Provider', job.provider], ['Attempt', job.attempt],
      ['Worker', job.workerId || '—'], ['Provider resource', job.providerResourceId || '—'],
      ['Exit code', job.exitCode ?? '—'], ['Reason', job.failureReason || job.waitingReason || job.cancelStatus || '—'],
      ['Submitted by', job.submittedBy || '—'], ['Queued', time(job.createdAt)], ['Started', time(job.startedAt)],
      ['Finished', time(job.finishedAt)], ['Duration', duration(job.startedAt, job.finishedAt)]];
    if (run) {
      rows.push(['Template', h('a', { href: '#/templates/' + encodeURIComponent(run.templateName) }, run.templateName)],
        ['Run', `#${run.runNumber} of version ${run.templateVersion}, ${(run.trigger || '').replace('TRIGGER_', '').toLowerCase()} by ${run.triggeredBy || '—'}`],
        ['Parameters', Object.entries(run.parameters || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—']);
    }
    put(facts, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    spec.textContent = JSON.stringify(job.spec, null, 2);
    const running = !TERMINAL.includes(state(job.state));
    put(actions, 
      session.maySubmit && running ? h('button', { class: 'danger', type: 'button', id: 'cancel', onclick: cancel }, 'Cancel job') : null,
      session.maySubmit ? h('button', { type: 'button', id: 'run-again', onclick: runAgain }, 'Run again') : null,
      !session.maySubmit ? h('span', { class: 'muted' }, `Your role (${session.role}) may look, not cancel or run.`) : null);
    const attempts = Math.max(job.attempt || 0, 1);
    if (attemptSelect.options.length !== attempts + 1) {
      const chosen = attemptSelect.value || String(attempts);
      put(attemptSelect, h('option', { value: '0' }, 'every attempt'),
        ...Array.from({ length: attempts }, (_, i) => h('option', { value: String(i + 1) }, 'attempt ' + (i + 1))));
      attemptSelect.value = chosen;
    }
  }
  async function cancel(e) {
    e.target.disabled = true;
    try {
      job = await rpc('JobService', 'CancelJob', { id, reason: 'cancelled from the dashboard' });
      render();
      toast('Cancel asked: ' + state(job.state));
    } catch (err) { toast(err.message); e.target.disabled = false; }
  }
  async function runAgain() {
    try {
      const r = await rpc('JobService', 'SubmitJob', { spec: job.spec, namespace: job.namespace });
      location.hash = '#/jobs/' + r.job.id;
    } catch (err) { toast(err.message); }
  }

  // output, per attempt: chunks streamed as they are produced, stderr marked, ANSI colours shown
  let stopLog = null;
  function openLog() {
    stopLog && stopLog();
    raw = [];
    put(log, );
    const decoders = {};
    const ansi = { out: new Ansi(), err: new Ansi() };
    stopLog = follow('JobService', 'StreamLogs', { jobId: id, follow: true, attempt: Number(attemptSelect.value) }, (chunk) => {
      const err = chunk.stream === 'LOG_STREAM_STDERR';
      const key = (err ? 'e' : 'o') + chunk.attempt;
      decoders[key] ||= new TextDecoder();
      const bytes = Uint8Array.from(atob(chunk.data || ''), (c) => c.charCodeAt(0));
      raw.push(bytes);
      const text = decoders[key].decode(bytes, { stream: true });
      log.append(...ansi[err ? 'err' : 'out'].spans(text, err));
      if (followBox.checked) log.scrollTop = log.scrollHeight;
    }, (failure) => {
      log.append(h('span', { class: 'mark' }, failure ? `\n[${failure.message}]` : '\n[end of output]'));
      if (followBox.checked) log.scrollTop = log.scrollHeight;
    });
  }
  attemptSelect.addEventListener('change', openLog);
  log.addEventListener('scroll', () => { if (log.scrollTop + log.clientHeight < log.scrollHeight - 4) followBox.checked = false; });

  put(main, h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')), title, actions,
    h('div', { class: 'cols' },
      h('section', { 'aria-labelledby': 'h-facts' }, h('h2', { id: 'h-facts' }, 'Details'), facts,
        h('h2', {}, 'Spec'), spec),
      h('section', { 'aria-labelledby': 'h-timeline' }, h('h2', { id: 'h-timeline' }, 'Timeline'), timeline)),
    h('section', { 'aria-labelledby': 'h-output' }, h('h2', { id: 'h-output' }, 'Output'),
      h('div', { class: 'log-tools' },
        h('label', { for: 'attempt' }, 'Show'), attemptSelect,
        h('span', { class: 'switch' }, followBox, h('label', { for: 'follow' }, 'Follow')),
        h('button', { type: 'button', onclick: () => { followBox.checked = false; log.scrollTop = 0; } }, 'Top'),
        h('button', { type: 'button', onclick: () => { log.scrollTop = log.scrollHeight; } }, 'Bottom'),
        h('button', { type: 'button', id: 'download', onclick: () => {
          const a = h('a', { href: URL.createObjectURL(new Blob(raw, { type: 'text/plain' })), download: `job-${id}.log` });
          a.click();
          setTimeout(() => URL.revokeObjectURL(a.href), 1000);
        } }, 'Download raw')),
      log));
  render();
  attemptSelect.value = String(Math.max(job.attempt || 0, 1));
  openLog();

  // the timeline: every transition with its reason, followed until the job ends
  follow('JobService', 'WatchJob', { jobId: id }, async (ev) => {
    timeline.append(h('li', {}, h('time', { datetime: ev.time }, time(ev.time)),
      `${state(ev.fromState) || 'new'} → ${state(ev.toState)}`, ev.attempt ? ` (attempt ${ev.attempt})` : '',
      ev.reason ? ': ' + ev.reason : '', ev.principal ? ` — ${ev.principal}` : ''));
    const before = job.attempt;
    job = await rpc('JobService', 'GetJob', { id });
    render();
    if (job.attempt !== before && attemptSelect.value !== '0') { attemptSelect.value = String(job.attempt); openLog(); }
  });
}

/** SGR colours and styles of a stream, carried across chunks. */
class Ansi {
  constructor() { this.fg = null; this.bold = false; this.italic = false; this.under = false; this.partial = ''; }
  spans(text, err) {
    text = this.partial + text;
    this.partial = '';
    const tail = text.match(/\x1b\[[0-9;]*$/);
    if (tail) { this.partial = tail[0]; text = text.slice(0, -tail[0].length); }
    const out = [];
    const re = /\x1b\[([0-9;]*)m/g;
    let last = 0;
    for (let m; (m = re.exec(text));) {
      if (m.index > last) out.push(this.span(text.slice(last, m.index), err));
      for (const p of (m[1] || '0').split(';').map(Number)) {
        if (p === 0) { this.fg = null; this.bold = this.italic = this.under = false; }
        else if (p === 1) this.bold = true; else if (p === 3) this.italic = true; else if (p === 4) this.under = true;
        else if (p === 22) this.bold = false; else if (p === 23) this.italic = false; else if (p === 24) this.under = false;
        else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) this.fg = p; else if (p === 39) this.fg = null;
      }
      last = re.lastIndex;
    }
    if (last < text.length) out.push(this.span(text.slice(last), err));
    return out;
  }
  span(text, err) {
    // other escape sequences (cursor moves, erase) are dropped rather than shown as garbage
    text = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const cls = [err ? 'err' : '', this.fg ? 'c' + this.fg : '', this.bold ? 'b' : '', this.italic ? 'i' : '', this.under ? 'u' : '']
      .filter(Boolean).join(' ');
    return cls ? h('span', { class: cls }, text) : document.createTextNode(text);
  }
}

// ---- templates ----------------------------------------------------------------------------
async function templatesPage() {
  const r = await rpc('TemplateService', 'ListTemplates', { pageSize: 200 });
  const rows = (r.templates || []).map((t) => h('tr', {},
    h('td', {}, h('a', { href: '#/templates/' + encodeURIComponent(t.name) }, t.name)),
    h('td', {}, t.namespace), h('td', {}, (t.status || '').replace('TEMPLATE_STATUS_', '').toLowerCase()),
    h('td', { class: 'opt' }, 'v' + t.version), h('td', {}, t.stats?.runs || 0),
    h('td', {}, t.stats?.runs ? Math.round((t.stats.successRate || 0) * 100) + ' %' : '—'),
    h('td', { class: 'opt' }, t.stats?.durationMedianSeconds ? t.stats.durationMedianSeconds.toFixed(1) + ' s' : '—'),
    h('td', { class: 'opt' }, t.stats?.lastRunState ? badge(t.stats.lastRunState) : '—')));
  put(main, h('h1', {}, 'Templates'),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'templates' },
      h('thead', {}, h('tr', {}, ['Name', 'Namespace', 'Status'].map((c) => h('th', { scope: 'col' }, c)), h('th', { class: 'opt', scope: 'col' }, 'Version'),
        h('th', { scope: 'col' }, 'Runs'), h('th', { scope: 'col' }, 'Success'), h('th', { class: 'opt', scope: 'col' }, 'Median'),
        h('th', { class: 'opt', scope: 'col' }, 'Last run'))), h('tbody', {}, rows)))
      : h('p', { class: 'muted' }, 'No template yet: hodei template create -f template.yaml'));
}

async function templatePage(name) {
  const t = await rpc('TemplateService', 'GetTemplate', { template: name });
  const def = h('pre', { class: 'spec', id: 'definition' });
  const versions = h('select', { id: 'version', onchange: async (e) => {
    const v = await rpc('TemplateService', 'GetTemplate', { template: name, version: Number(e.target.value) });
    def.textContent = JSON.stringify(v.definition, null, 2);
  } }, Array.from({ length: t.latestVersion || t.version }, (_, i) => i + 1).reverse()
    .map((v) => h('option', { value: String(v), selected: v === t.version }, 'version ' + v)));
  def.textContent = JSON.stringify(t.definition, null, 2);
  const runsBody = h('tbody');
  async function loadRuns() {
    const r = await rpc('TemplateService', 'ListRuns', { template: name, pageSize: 50 });
    put(runsBody, ...(r.runs || []).map((j) => h('tr', {},
      h('td', {}, h('a', { href: '#/jobs/' + j.id }, '#' + j.run.runNumber)), h('td', {}, badge(j.state)),
      h('td', { class: 'opt' }, 'v' + j.run.templateVersion), h('td', {}, (j.run.trigger || '').replace('TRIGGER_', '').toLowerCase()),
      h('td', { class: 'opt' }, j.run.triggeredBy || ''),
      h('td', { class: 'wrap' }, Object.entries(j.run.parameters || {}).map(([k, v]) => `${k}=${v}`).join(', ')),
      h('td', { class: 'opt' }, time(j.createdAt)), h('td', {}, duration(j.startedAt, j.finishedAt)))));
  }
  put(main, h('p', {}, h('a', { href: '#/templates' }, '← Templates')),
    h('h1', {}, t.name, ' ', h('span', { class: 'muted' }, (t.status || '').replace('TEMPLATE_STATUS_', '').toLowerCase())),
    t.definition?.description ? h('p', {}, t.definition.description) : null,
    h('div', { class: 'cols' },
      h('section', { 'aria-labelledby': 'h-run' }, h('h2', { id: 'h-run' }, 'Run'),
        session.maySubmit ? runForm(t, loadRuns) : h('p', { class: 'muted' }, `Your role (${session.role}) may not run templates.`)),
      h('section', { 'aria-labelledby': 'h-def' }, h('h2', { id: 'h-def' }, 'Definition'),
        h('div', { class: 'field' }, h('label', { for: 'version' }, 'Version'), versions), def)),
    h('h2', {}, 'Runs'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'runs' }, h('thead', {}, h('tr', {},
      ['Run', 'State'].map((c) => h('th', { scope: 'col' }, c)), h('th', { class: 'opt', scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Trigger'),
      h('th', { class: 'opt', scope: 'col' }, 'By'), h('th', { scope: 'col' }, 'Parameters'), h('th', { class: 'opt', scope: 'col' }, 'Queued'),
      h('th', { scope: 'col' }, 'Duration'))), runsBody)));
  await loadRuns();
  every(3000, loadRuns);
}

/** A form from the template's typed parameters; the server's refusal is shown next to the field it names. */
function runForm(t, ran) {
  const params = t.definition?.parameters || [];
  const errors = {};
  const controls = {};
  const fields = params.map((p) => {
    const id = 'p-' + p.name;
    const type = (p.type || 'string').toLowerCase();
    let control;
    if (type === 'choice') {
      control = h('select', { id, name: p.name }, p.required ? null : h('option', { value: '' }, '(default)'),
        p.choices.map((c) => h('option', { value: c, selected: c === p.default }, c)));
    } else if (type === 'boolean') {
      control = h('input', { id, name: p.name, type: 'checkbox', role: 'switch', checked: p.default === 'true' });
    } else {
      control = h('input', { id, name: p.name, type: type === 'secret' ? 'password' : type === 'number' ? 'number' : 'text',
        autocomplete: type === 'secret' ? 'new-password' : 'off', step: type === 'number' ? 'any' : null,
        value: type === 'secret' ? null : p.default ?? null, placeholder: type === 'secret' ? null : p.default ?? null,
        'aria-describedby': `${id}-help ${id}-error` });
    }
    controls[p.name] = { control, type };
    errors[p.name] = h('span', { class: 'error', id: `${id}-error`, role: 'alert' });
    const bounds = [p.min !== undefined ? `≥ ${p.min}` : '', p.max !== undefined ? `≤ ${p.max}` : ''].filter(Boolean).join(', ');
    return h('div', { class: 'field' + (type === 'boolean' ? ' switch' : '') },
      type === 'boolean' ? [control, h('label', { for: id }, p.name)] : h('label', { for: id }, p.name + (p.required ? ' *' : '')),
      h('small', { id: `${id}-help` }, [p.description, type, bounds, p.pattern ? 'pattern ' + p.pattern : ''].filter(Boolean).join(' · ')),
      type === 'boolean' ? null : control, errors[p.name]);
  });
  const general = h('p', { class: 'error', role: 'alert', id: 'run-error' });
  return h('form', { id: 'run-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    Object.values(errors).forEach((el) => { el.textContent = ''; });
    general.textContent = '';
    const parameters = {};
    for (const [name, { control, type }] of Object.entries(controls)) {
      if (type === 'boolean') parameters[name] = String(control.checked);
      else if (control.value !== '') parameters[name] = control.value;
    }
    try {
      const job = await rpc('TemplateService', 'RunTemplate', { template: t.name, parameters, trigger: 'TRIGGER_MANUAL',
        triggeredBy: session.name });
      for (const { control, type } of Object.values(controls)) if (type === 'secret') control.value = '';
      toast(`Run #${job.run?.runNumber} started`);
      await ran();
    } catch (err) {
      let placed = false;
      for (const part of err.message.split('; ')) {
        const m = part.match(/^parameters\.([^:]+): (.*)$/);
        if (m && errors[m[1]]) { errors[m[1]].textContent = m[2]; placed = true; controls[m[1]].control.setAttribute('aria-invalid', 'true'); }
      }
      if (!placed) general.textContent = err.message;
    }
  } }, fields, general, h('button', { class: 'primary', type: 'submit' }, 'Run ' + t.name));
}

// ---- schedules ----------------------------------------------------------------------------
async function schedulesPage() {
  const r = await rpc('TemplateService', 'ListSchedules', {});
  const schedules = r.schedules || [];
  const next = await Promise.all(schedules.map((s) => rpc('TemplateService', 'NextFireTimes', { schedule: s.id, count: 3 })
    .then((n) => n.times || []).catch(() => [])));
  const inZone = (t, zone) => { try { return new Date(t).toLocaleString([], { timeZone: zone || 'UTC', timeZoneName: 'short' }); } catch { return time(t); } };
  const rows = schedules.map((s, i) => h('tr', {},
    h('td', {}, s.name), h('td', {}, h('a', { href: '#/templates/' + encodeURIComponent(s.templateName) }, s.templateName)),
    h('td', {}, h('code', {}, s.cron), ' ', h('span', { class: 'muted' }, s.timeZone || 'UTC')),
    h('td', {}, s.enabled ? 'active' : 'paused', s.statusReason ? h('small', { class: 'muted' }, ' ' + s.statusReason) : null),
    h('td', { class: 'wrap' }, next[i].map((t) => inZone(t, s.timeZone)).join(' · ') || '—'),
    h('td', { class: 'opt' }, s.lastFireTime ? inZone(s.lastFireTime, s.timeZone) : '—',
      s.consecutiveFailures ? h('span', { class: 'error' }, ` ${s.consecutiveFailures} failed in a row`) : (s.lastFireTime ? ' ok' : '')),
    h('td', {}, session.mayManage ? h('span', { class: 'actions' },
      h('button', { type: 'button', onclick: () => act('SetScheduleEnabled', { schedule: s.id, enabled: !s.enabled }) }, s.enabled ? 'Pause' : 'Resume'),
      h('button', { type: 'button', onclick: () => act('RunScheduleNow', { schedule: s.id }) }, 'Run now')) : '')));
  async function act(method, req) {
    try { await rpc('TemplateService', method, req); toast('Done'); await schedulesPage(); } catch (e) { toast(e.message); }
  }
  put(main, h('h1', {}, 'Schedules'), rows.length
    ? h('div', { class: 'table-wrap' }, h('table', { id: 'schedules' }, h('thead', {}, h('tr', {},
      ['Name', 'Template', 'Cron', 'Status', 'Next fire times'].map((c) => h('th', { scope: 'col' }, c)),
      h('th', { class: 'opt', scope: 'col' }, 'Last fired'), h('th', { scope: 'col' }, ''))), h('tbody', {}, rows)))
    : h('p', { class: 'muted' }, 'No schedule yet: hodei schedule create …'));
}

// ---- capacity -----------------------------------------------------------------------------
async function capacityPage() {
  const section = h('div', { class: 'table-wrap' });
  async function load() {
    const q = await rpc('JobService', 'GetQueue', {});
    const of = (used, total, unit) => total ? h('span', {}, h('span', { class: 'bar', role: 'img', 'aria-label': `${used} of ${total} ${unit}` },
      h('span', { class: 'fill', 'data-pct': Math.min(100, Math.round(100 * used / total)) })), ` ${+Number(used).toFixed(2)} / ${total} ${unit}`)
      : `${+Number(used).toFixed(2)} ${unit} (no limit)`;
    put(section, h('table', { id: 'capacity' }, h('thead', {}, h('tr', {},
      ['Provider', 'CPU', 'Memory', 'Workers', 'Starting', 'Warm idle', 'Waiting'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (q.providers || []).map((p) => h('tr', {}, h('td', {}, p.provider),
        h('td', {}, of(p.cpuInUse || 0, p.cpuCapacity || 0, 'cores')), h('td', {}, of(Number(p.memoryMbInUse || 0), Number(p.memoryMbCapacity || 0), 'MiB')),
        h('td', {}, `${p.admitted || 0}${p.workersCapacity ? ' / ' + p.workersCapacity : ''} admitted`),
        h('td', {}, `${p.starting || 0}${p.startingCapacity ? ' / ' + p.startingCapacity : ''} starting`),
        h('td', {}, p.warmIdle || 0),
        h('td', {}, p.waiting ? h('a', { href: '#/jobs?state=PENDING' }, `${p.waiting} waiting`) : '0'))))));
    // widths from data, set through the CSSOM: the page's policy forbids inline style attributes
    for (const f of section.querySelectorAll('.fill')) f.style.width = f.dataset.pct + '%';
  }
  put(main, h('h1', {}, 'Capacity'), section,
    h('p', { class: 'muted' }, 'What admitted jobs and idle warm workers hold on each provider; waiting jobs say why on their page.'));
  await load();
  every(3000, load);
}

await loadSession();
route();
