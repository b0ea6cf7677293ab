// Issue 15: signed documents are drawn, font-subset, compressed and signed in worker threads, so the
// main thread goes on serving requests (a receipt is ~10 ms of CPU). PDF_WORKERS sets the number of
// workers (default min(2, CPUs − 1); 0 renders in the main thread, as before). A worker that dies
// fails the document it was rendering — the request answers 5xx and its transaction rolls back —
// and is replaced. The bytes are those the main thread would have made.
import { Worker } from 'node:worker_threads';
import type { DocumentContent, SealSpec } from './document-content.js';
import { MissingGlyphsError, renderDocumentPdf, type RenderOptions } from './layout.js';
import type { MissingCharacter } from './fonts.js';
import { AgencySigner, type SignerParts } from './signer.js';
import { RUNNING_FROM_SOURCE } from '../paths.js';
import { DomainError } from '../errors.js';

export interface RenderRequest {
  id: number;
  content: DocumentContent;
  seal: SealSpec | null;
  signer: SignerParts | null;
  info?: RenderOptions['info'];
  /** Tests only: the worker exits instead of rendering. */
  crash?: boolean;
}

export type RenderReply =
  | { id: number; pdf: Uint8Array; error?: undefined; warn?: undefined }
  | { id: number; pdf?: undefined; error: { name: string; message: string; characters?: MissingCharacter[] }; warn?: undefined }
  | { warn: string };

interface Job {
  request: RenderRequest;
  resolve(pdf: Buffer): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class RenderPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const slot: Slot = { worker: startWorker(), job: null };
    slot.worker.unref(); // an idle pool does not keep the process alive
    slot.worker.on('message', (reply: RenderReply) => {
      if (reply.warn !== undefined) return void console.warn(reply.warn);
      const job = slot.job;
      slot.job = null;
      slot.worker.unref();
      if (job && job.request.id === reply.id) {
        if (reply.error) job.reject(reply.error.name === 'MissingGlyphsError' ? new MissingGlyphsError(reply.error.characters ?? []) : new Error(reply.error.message));
        else job.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
      }
      this.#pump();
    });
    const lost = (why: string) => {
      if (this.#closed && !slot.job) return; // terminated by close()
      const job = slot.job;
      slot.job = null;
      // 503 with a message a person can act on; the caller's transaction rolls back.
      job?.reject(new DomainError('unavailable', 'render_failed', '文书生成失败（生成进程意外退出），本次操作未保存，请重试'));
      console.error(`render worker lost (${why}); replaced (文书生成进程意外退出，已重启)`);
      const i = this.#slots.indexOf(slot);
      if (i >= 0 && !this.#closed) {
        this.#slots[i] = this.#spawn();
        this.#pump();
      }
    };
    slot.worker.on('error', (e) => lost(e.message));
    slot.worker.on('exit', (code) => lost(`exit ${code}`));
    return slot;
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (slot.job || !this.#queue.length) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      // A busy worker keeps the process alive until its document is done (a CLI waiting for it).
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  /** Tests: the worker given the next document exits instead of rendering it. */
  crashNext(): void {
    this.#crashNext = true;
  }
  #crashNext = false;

  render(content: DocumentContent, opts: { seal: SealSpec | null; signer: SignerParts | null; info?: RenderOptions['info'] }): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new Error('render pool closed'));
    const crash = this.#crashNext;
    this.#crashNext = false;
    return new Promise<Buffer>((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, content, seal: opts.seal, signer: opts.signer, ...(opts.info ? { info: opts.info } : {}), ...(crash ? { crash } : {}) }, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('render pool closed'));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}

/** A render worker's nice value (0 the default, 19 the lowest priority): render-worker.ts says why. */
export const RENDER_WORKER_NICE = 10;

/** The compiled worker; from source (tsx), a bootstrap that registers tsx in the worker first. */
function startWorker(): Worker {
  return new Worker(new URL(RUNNING_FROM_SOURCE ? './render-worker-dev.mjs' : './render-worker.js', import.meta.url));
}

let shared: RenderPool | null = null;

/** The process's pool of `size` workers (created on first use; a different size replaces it). */
export function renderPool(size: number): RenderPool | null {
  if (size <= 0) return null;
  if (!shared || shared.size !== size) {
    void shared?.close();
    shared = new RenderPool(size);
  }
  return shared;
}

/**
 * Renders a signed document in a worker when there are workers and the signer is the agency's
 * (AgencySigner); otherwise here. Same content, seal, signer: the same document.
 */
export function renderSigned(workers: number, content: DocumentContent, opts: RenderOptions): Promise<Buffer> {
  const pool = renderPool(workers);
  if (!pool || (opts.signer && !(opts.signer instanceof AgencySigner)) || opts.signature) return renderDocumentPdf(content, opts);
  return pool.render(content, {
    seal: opts.seal, signer: opts.signer ? (opts.signer as AgencySigner).parts() : null, ...(opts.info ? { info: opts.info } : {}),
  });
}
