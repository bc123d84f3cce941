// Logs in to Hawtio in headless Chromium, opens the Camel routes and saves a screenshot.
// Used by scripts/hawtio-screenshot.sh; arguments: baseUrl user password outputPng
import { chromium } from 'playwright-core';

const [base, user, password, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/actuator/hawtio/`);
  await page.fill('input[name=username]', user);           // Spring Security's login form
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${base}/actuator/hawtio/camel/routes`);
  await page.waitForSelector('text=claim-jobs', { timeout: 60000 });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: out, fullPage: false });
  const text = await page.textContent('body');
  for (const route of ['pending-jobs', 'provision-worker', 'job-completed', 'destroy-worker', 'worker-gc']) {
    if (!text.includes(route)) throw new Error(`route ${route} not shown`);
  }
  // the diagram of the completion route
  await page.click('text=job-completed >> nth=0');
  await page.click('text=Route Diagram');
  await page.waitForSelector('text=job-result', { timeout: 30000 });
  await page.waitForTimeout(2000);
  const diagram = out.replace(/\.png$/, '-diagram.png');
  await page.screenshot({ path: diagram, fullPage: false });
  console.log(`hawtio-check: logged in, Camel routes listed (${out}), route diagram shown (${diagram})`);
} finally {
  await browser.close();
}
