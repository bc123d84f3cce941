// The dashboard in a real headless Chromium (Debian's, driven by playwright-core), against the
// control plane DashboardBrowserIT started. Every scenario waits for what a person would see;
// none reloads the page unless it says so. Input: the JSON in HODEI_DASHBOARD_CHECK.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const cfg = JSON.parse(process.env.HODEI_DASHBOARD_CHECK);
const { chromium } = await import(pathToFileURL(cfg.playwright + '/index.mjs'));
const T = 60000;

/** `hodei job submit …` as a user types it; returns the job id. */
function cli(...args) {
  const r = spawnSync(cfg.cli[0], [...cfg.cli.slice(1), ...args], {
    env: { ...process.env, HODEI_SERVER: cfg.grpc, HODEI_TOKEN: cfg.adminToken, HODEI_CONFIG: '/nonexistent' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hodei ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop().trim();
}
function ok(cond, what) {
  if (!cond) throw new Error('not as expected: ' + what);
  console.log('ok - ' + what);
}
// every main page is checked for values that leaked as "null"/"undefined" before its screenshot
async function shot(page, name) {
  const text = await page.textContent('#main');
  ok(!/\b(null|undefined|NaN)\b/.test(text), `${name}: no null, undefined or NaN shown`);
  await page.screenshot({ path: `${cfg.screenshots}/${name}.png` });
}

const browser = await chromium.launch({
  executablePath: cfg.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = {};
try {
  const admin = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await admin.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));

  // sign in: refused, then accepted
  await page.goto(cfg.base + '/');
  await page.waitForSelector('#token', { timeout: T });
  await page.keyboard.press('Tab');
  await shot(page, 'dashboard-sign-in');
  await page.fill('#token', 'hodei_not-a-token');
  await page.click('button[type=submit]');
  await page.waitForSelector('#token-error:has-text("unknown")', { timeout: T });
  ok(true, 'a wrong token is refused with a message');
  await page.fill('#token', cfg.adminToken);
  await page.click('button[type=submit]');
  await page.waitForSelector('table#jobs', { timeout: T });
  ok((await page.textContent('#who')).includes('admin'), 'signed in, the jobs list shows');

  // a job submitted from the CLI appears and finishes, without reloading the page
  await page.evaluate(() => { window.notReloaded = true; });
  const fromCli = cli('job', 'submit', '--name', 'from-the-cli', '--', 'sleep 2; echo done');
  await page.waitForSelector(`tr[data-job="${fromCli}"]`, { timeout: T });
  ok(true, 'the CLI job appears in the list');
  await page.waitForSelector(`tr[data-job="${fromCli}"] .s-SUCCEEDED`, { timeout: T });
  ok(await page.evaluate(() => window.notReloaded === true), 'it finished, shown live, the page never reloaded');
  await shot(page, 'dashboard-jobs');

  // a job's output grows as it is produced; stderr and ANSI colours shown; the timeline fills
  const chatty = cli('job', 'submit', '--name', 'chatty', '--',
    'printf "\\033[31mred line\\033[0m\\n"; echo to-stderr >&2; for i in 1 2 3 4 5 6; do echo line-$i; sleep 1; done');
  await page.goto(`${cfg.base}/ui/#/jobs/${chatty}`);
  await page.waitForSelector('#log:has-text("line-2")', { timeout: T });
  const early = await page.textContent('#log');
  ok(!early.includes('line-6'), 'the output is shown while the job runs (line-2 before line-6)');
  await page.waitForSelector('#log:has-text("line-6")', { timeout: T });
  ok(await page.evaluate(() => window.notReloaded === true), 'the output grew on the open page');
  ok(await page.$('#log span.c31') !== null, 'ANSI red is rendered as colour');
  ok(await page.$('#log span.err') !== null, 'stderr is marked');
  ok(!(await page.textContent('#log')).includes('\u001b'), 'no escape codes shown raw');
  await page.waitForSelector('#timeline li:has-text("SUCCEEDED")', { timeout: T });
  const timeline = await page.textContent('#timeline');
  ok(['PENDING', 'ASSIGNED', 'PROVISIONING', 'RUNNING', 'SUCCEEDED'].every((s) => timeline.includes(s)) && timeline.includes('claimed'),
    'the timeline shows every transition with its reason');
  await shot(page, 'dashboard-job');

  // cancel a running job from its page
  const long = cli('job', 'submit', '--name', 'to-cancel', '--', 'echo started; sleep 120');
  await page.goto(`${cfg.base}/ui/#/jobs/${long}`);
  await page.waitForSelector('h1 .s-RUNNING', { timeout: T });
  await page.waitForSelector('#log:has-text("started")', { timeout: T });
  await page.click('#cancel');
  await page.waitForSelector('h1 .s-CANCELLED', { timeout: T });
  ok(await page.$('#cancel') === null, 'cancelled from the page: CANCELLED, and no cancel button any more');
  results.cancelled = long;

  // a template's run form: a refused value is shown next to its field, then a good run
  await page.goto(`${cfg.base}/ui/#/templates`);
  await page.waitForSelector(`table#templates :text("${cfg.template}")`, { timeout: T });
  await shot(page, 'dashboard-templates');
  await page.goto(`${cfg.base}/ui/#/templates/${cfg.template}`);
  await page.waitForSelector('#run-form', { timeout: T });
  ok(await page.$('select#p-mode') !== null && await page.$('input#p-verbose[type=checkbox]') !== null
    && await page.$('input#p-password[type=password]') !== null && await page.$('input#p-count[type=number]') !== null,
    'the form has a select for the choice, a switch for the boolean, a password field for the secret, a number field');
  await page.fill('#p-count', '99');
  await page.fill('#p-password', 'hunter2-secret');
  await page.click('#run-form button[type=submit]');
  await page.waitForSelector('#p-count-error:has-text("maximum")', { timeout: T });
  ok((await page.textContent('#p-count-error')).includes('5'), 'the refused value is explained next to its field');
  await page.fill('#p-count', '3');
  await page.selectOption('#p-mode', 'slow');
  await page.check('#p-verbose');
  await page.click('#run-form button[type=submit]');
  await page.waitForSelector('table#runs tbody tr :text("#1")', { timeout: T });
  const runs = await page.textContent('table#runs');
  ok(runs.includes('count=3') && runs.includes('mode=slow') && runs.includes('password=***') && !runs.includes('hunter2'),
    'the run is listed with its parameters, the secret as ***');
  ok(await page.inputValue('#p-password') === '', 'the secret is not kept in the form');
  await shot(page, 'dashboard-template');

  // schedules: next fire times, pause
  await page.goto(`${cfg.base}/ui/#/schedules`);
  await page.waitForSelector(`table#schedules :text("${cfg.schedule}")`, { timeout: T });
  await shot(page, 'dashboard-schedules');
  await page.click(`table#schedules tr:has-text("${cfg.schedule}") button:has-text("Pause")`);
  await page.waitForSelector(`table#schedules tr:has-text("${cfg.schedule}"):has-text("paused")`, { timeout: T });
  ok(true, 'a schedule is paused from the page');

  // capacity
  await page.goto(`${cfg.base}/ui/#/capacity`);
  await page.waitForSelector('table#capacity :text("process")', { timeout: T });
  ok(true, 'capacity per provider is shown');
  await shot(page, 'dashboard-capacity');

  // phone width: nothing wider than the screen but the tables' own scrolling
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${cfg.base}/ui/#/jobs`);
  await page.waitForSelector('table#jobs tbody tr', { timeout: T });
  ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'usable at phone width');
  await shot(page, 'dashboard-phone');
  ok(problems.length === 0, 'no script error on any page: ' + problems.join('; '));

  // a viewer sees, but may not cancel
  const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const viewer = await viewerContext.newPage();
  const watched = cli('job', 'submit', '--name', 'viewer-sees', '--', 'echo running; sleep 120');
  await viewer.goto(cfg.base + '/');
  await viewer.waitForSelector('#token', { timeout: T });
  await viewer.fill('#token', cfg.viewerToken);
  await viewer.click('button[type=submit]');
  await viewer.waitForSelector('table#jobs', { timeout: T });
  await viewer.goto(`${cfg.base}/ui/#/jobs/${watched}`);
  await viewer.waitForSelector('h1 .s-RUNNING', { timeout: T });
  await viewer.waitForSelector('#log:has-text("running")', { timeout: T });
  ok(await viewer.$('#cancel') === null && await viewer.$('#run-again') === null, 'a viewer gets no cancel or run button');
  const refused = await viewer.evaluate(async (id) => {
    const s = await (await fetch('/ui/api/session')).json();
    const r = await fetch('/ui/api/rpc/JobService/CancelJob', { method: 'POST', headers: { 'X-CSRF-TOKEN': s.csrfToken },
      body: JSON.stringify({ id }) });
    return { status: r.status, body: await r.json() };
  }, watched);
  ok(refused.status === 403 && refused.body.code === 'PERMISSION_DENIED', 'and a viewer\'s cancel sent by hand is refused by the API');
  results.viewerWatched = watched;
  await viewerContext.close();
  console.log('RESULT ' + JSON.stringify(results));
} finally {
  await browser.close();
}
