import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { createTestEnv, PASSWORD, type TestEnv } from '../helpers/test-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (!addr || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

// Issue 15: SIGTERM (a deploy, systemd, a container stop) finishes what is under way and exits 0.
describe('graceful shutdown on SIGTERM', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let child: ChildProcess | undefined;
  let output = '';

  before(async () => {
    env = await createTestEnv();
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await env.close();
  });

  it('stops accepting, finishes the request under way, stops its schedules, closes the database and exits 0', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve'], {
      env: {
        ...process.env, DATABASE_URL: env.databaseUrl, DATA_DIR: env.dataDir, PORT: String(port), HOST: '127.0.0.1',
        LOG_LEVEL: 'info', BCRYPT_ROUNDS: '4', WEBHOOK_DELIVERY_SECONDS: '1', CONSULTATION_SWEEP_MINUTES: '1', SHUTDOWN_TIMEOUT_SECONDS: '30',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exit = exited(child);
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300 || child.exitCode !== null) assert.fail(`the server did not start:\n${output}`);
      await sleep(200);
    }

    // A login whose body arrives slowly: the request is under way when the signal comes.
    const body = JSON.stringify({ username: 'cw', password: PASSWORD });
    const answered = new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/auth/token', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ res, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 2500);
    });
    await sleep(500);
    child.kill('SIGTERM');
    await sleep(1000);
    assert.equal(child.exitCode, null, `still running while the request is under way:\n${output}`);
    assert.ok(await refusesConnections(port), 'no new connections once shutting down');

    const { res, text } = await answered;
    assert.equal(res.statusCode, 200, text);
    assert.ok(JSON.parse(text).token, 'the login under way completed');
    assert.equal(res.headers.connection, 'close');
    const { code, signal } = await exit;
    assert.equal(signal, null, output);
    assert.equal(code, 0, output);

    const lines = output.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const msgs = lines.map((l) => String(l.msg));
    const at = (re: RegExp) => msgs.findIndex((m) => re.test(m));
    assert.ok(at(/^SIGTERM received/) >= 0, output);
    assert.ok(at(/^POST \/api\/auth\/token 200/) > at(/^shutting down/), 'the request finished after the shutdown began');
    assert.ok(at(/^stopped/) > at(/^POST \/api\/auth\/token 200/), output);
    assert.ok(lines.every((l) => l.level !== 'error'), output);
    // The session the login made was written before the pool closed.
    assert.equal(Number((await env.db('sessions').count({ n: '*' }).first())!.n) >= 1, true);
  });
});
