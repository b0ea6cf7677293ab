// The data exchange's clients and a real webhook receiver, for the exchange tests (issue 14).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { addClient } from '../../server/auth/client-service.js';
import type { TestEnv } from './test-app.js';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  token: string;
  auth: { Authorization: string };
}

/** A client of `agency` with `scopes`, and a token for all of them (through the real token endpoint). */
export async function exchangeClient(env: TestEnv, agency: string, scopes = ['exchange:read', 'exchange:write'], name = `复议系统 ${agency}`): Promise<TestClient> {
  const { client, clientSecret } = await addClient(env.db, { name, agencyCode: agency, scopes }, null);
  const res = await request(env.app).post('/api/oauth/token').type('form')
    .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret });
  if (res.status !== 200) throw new Error(`token for ${client.clientId}: ${res.status} ${JSON.stringify(res.body)}`);
  return { clientId: client.clientId, clientSecret, token: res.body.access_token, auth: { Authorization: `Bearer ${res.body.access_token}` } };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: records every request with its raw body, and answers with the
 * statuses queued (then 200), after `delayMs` if set.
 */
export async function startReceiver(): Promise<{ url: string; received: Received[]; answers: number[]; delayMs: number; close(): Promise<void> }> {
  const state = {
    url: '',
    received: [] as Received[],
    answers: [] as number[],
    delayMs: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = state.answers.shift() ?? 200;
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no'), state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/disclosure-desk`;
  server.closeAllConnections?.();
  return state;
}
