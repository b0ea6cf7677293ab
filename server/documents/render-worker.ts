// A render worker (render-pool.ts): lays out, seals and signs documents off the main thread. Parses
// the fonts once; keeps one signer per key and time-stamp settings.
import { createHash } from 'node:crypto';
import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { renderDocumentPdf, warmUpDocumentRenderer, MissingGlyphsError } from './layout.js';
import { AgencySigner } from './signer.js';
import { RENDER_WORKER_NICE, type RenderRequest, type RenderReply } from './render-pool.js';

const signers = new Map<string, AgencySigner>();

function signerOf(parts: NonNullable<RenderRequest['signer']>): AgencySigner {
  const key = createHash('sha256').update(parts.ders[0]!).digest('hex') + JSON.stringify(parts.timestamps);
  let signer = signers.get(key);
  if (!signer) {
    signer = AgencySigner.fromParts(parts);
    if (signers.size >= 64) signers.clear();
    signers.set(key, signer);
  }
  return signer;
}

const port = parentPort!;
// Issue 15: rendering yields the CPU to the request thread and SQLite's threads. On SQLite one write
// transaction runs at a time, each statement a trip to libuv's threads and back to the request thread;
// a renderer holding a core meanwhile lengthens every writer's turn, and the turns are what limit
// registrations (`npm run bench:api` measures them). Measured on 2 cores, SQLite registrations
// alternating: 125–172 req/s (mean 154) at this priority against 121–155 (mean 138) at the default;
// PostgreSQL's the same within the noise. On Linux a thread's nice value is its own, so only this
// worker's thread is lowered; raising it back would need privileges, lowering never does.
try {
  setPriority(Math.max(getPriority(), RENDER_WORKER_NICE)); // a process started lower stays lower
} catch {
  // a platform without per-thread priorities: the worker renders at the default
}
// Warnings (a time-stamp authority out of reach, …) are the main thread's to log, as when it renders.
console.warn = (...args: unknown[]) => port.postMessage({ warn: args.map(String).join(' ') } satisfies RenderReply);
await warmUpDocumentRenderer();
port.on('message', async (job: RenderRequest) => {
  if (job.crash) process.exit(70); // tests: a worker that dies mid-job
  let reply: RenderReply;
  try {
    const pdf = await renderDocumentPdf(job.content, {
      seal: job.seal,
      signer: job.signer ? signerOf(job.signer) : null,
      ...(job.info ? { info: job.info } : {}),
    });
    reply = { id: job.id, pdf };
  } catch (e) {
    const err = e as Error;
    reply = { id: job.id, error: { name: err.name, message: err.message, characters: e instanceof MissingGlyphsError ? e.characters : undefined } };
  }
  port.postMessage(reply);
});
