import assert from 'node:assert/strict';
import request from 'supertest';
import type { TestEnv } from './test-app.js';

/**
 * The draft notice of `kind` an event of the case made, issued on `issued` and received by its
 * addressee on `received` (domain §2.8: the period it gives runs from receipt, so a lapse needs both).
 */
export async function serveNotice(app: TestEnv['app'], token: string, applicationId: number, kind: string, issued: string, received: string, method = 'mail') {
  const auth = { Authorization: `Bearer ${token}` };
  const docs = (await request(app).get(`/api/applications/${applicationId}/documents`).set(auth)).body.items as { id: number; kind: string; status: string }[];
  const doc = docs.find((d) => d.kind === kind && d.status === 'draft');
  assert.ok(doc, `a draft ${kind} of application ${applicationId}`);
  const issue = await request(app).post(`/api/documents/${doc.id}/issue`).set(auth).send({ date: issued });
  assert.equal(issue.status, 200, JSON.stringify(issue.body));
  const delivered = await request(app).post(`/api/documents/${doc.id}/delivered`).set(auth).send({ date: received, method });
  assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
  return delivered.body as { id: number; number: string };
}
