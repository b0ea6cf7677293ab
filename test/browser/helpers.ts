// Helpers for the browser tests: the real server as a child process, Debian's Chromium driven by
// playwright-core (no browser download: executablePath points at the system Chromium).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');
export const DEMO_PASSWORD = 'demo-pass-2026';

/** Flags that let Chromium start as root in a sandbox-less container with no outside network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=zh-CN',
];

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr interleaved). */
  output(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolvePort(addr.port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const timer = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      res(true);
    });
  });
}

/**
 * Starts `server/cli.ts serve --demo-if-empty` from source on a free port, with a fresh temporary
 * DATA_DIR and SQLite in it (always SQLite: the demo data needs an empty database), and waits
 * until GET /api/health answers 200.
 */
export async function startServer(opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dd-browser-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${join(dataDir, 'disclosure-desk.sqlite')}`,
    PORT: String(port),
    BCRYPT_ROUNDS: '4',
    NODE_ENV: 'test',
    ...opts.env,
  };
  delete env.TEST_DATABASE_URL;
  delete env.SESSION_SECRET;

  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve', '--demo-if-empty'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 45_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the server exited before it answered /api/health (code ${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer ${baseUrl}/api/health in time:\n${log}`);
    }
    await sleep(200);
  }
  return { baseUrl, dataDir, output: () => log, stop };
}

/**
 * Debian's Chromium (or CHROMIUM_PATH), headless, through playwright-core. Without it the browser
 * tests fail, saying so — they never skip (pending tests fail the run; CI installs chromium).
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: install Debian's chromium (CI does) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** Full-page PNG in test-output/screenshots/NAME.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs in through the login form; resolves on the page the login redirected to. */
export async function login(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD, shot?: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  if (shot) await screenshot(page, shot);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
  if (new URL(page.url()).pathname === '/login') {
    const alert = await page.locator('[role="alert"]').allInnerTexts();
    throw new Error(`login as ${username} failed: ${alert.join(' ') || '(no message)'}`);
  }
}

export interface Viewport { width: number; height: number; isMobile?: boolean; deviceScaleFactor?: number }

export const DESKTOP: Viewport = { width: 1280, height: 900 };
/** A common phone's CSS width (issue 13: the queue keeps its deadline columns on it). */
export const PHONE: Viewport = { width: 390, height: 844, isMobile: true, deviceScaleFactor: 2 };

export interface DemoBrowser {
  /** The running server (set once the `before` hook has run). */
  readonly server: RunningServer;
  readonly baseUrl: string;
  /**
   * A page in a fresh browser context (own cookies: one person), closed after the suite: a desktop
   * (1280 × 900), or PHONE (a 390 px wide touch screen); `javaScript: false` for a browser with
   * JavaScript turned off.
   */
  newPage(viewport?: Viewport, opts?: { javaScript?: boolean }): Promise<Page>;
}

/**
 * Registers the suite's hooks: the real server on a fresh demo database and Debian's Chromium
 * before the suite, everything closed after it. Call it at the top of a `describe`.
 */
export function useDemoBrowser(opts: { env?: () => Record<string, string> } = {}): DemoBrowser {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: { close(): Promise<void> }[] = [];
  before(async function () {
    this.timeout(90_000);
    server = await startServer({ env: opts.env?.() });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not running yet (use it inside a test or hook)');
      return server;
    },
    get baseUrl() {
      return this.server.baseUrl;
    },
    async newPage(viewport = DESKTOP, opts: { javaScript?: boolean } = {}) {
      const { width, height, isMobile = false, deviceScaleFactor = 1 } = viewport;
      const context = await browser!.newContext({
        viewport: { width, height }, isMobile, hasTouch: isMobile, deviceScaleFactor, locale: 'zh-CN', javaScriptEnabled: opts.javaScript ?? true,
      });
      contexts.push(context);
      return context.newPage();
    },
  };
}
