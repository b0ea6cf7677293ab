import type { Knex } from 'knex';

// Hardening finding 9: a consulted agency reads only what the consultation letter carried, while the
// consultation is open. Which attachments each letter carried is recorded when it is sent; `origin`
// tells the case's own materials (the application, scans added to it) from files that came with an
// event (a third party's paper opinion) or with another agency's answer, which no letter carries unasked.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attachments', (t) => {
    t.string('origin', 10).notNullable().defaultTo('filed'); // filed | event | answer
  });
  await knex('attachments').whereNotNull('consultation_request_id').update({ origin: 'answer' });

  await knex.schema.createTable('consultation_request_attachments', (t) => {
    t.integer('consultation_request_id').notNullable().references('id').inTable('consultation_requests');
    t.integer('attachment_id').notNullable().references('id').inTable('attachments');
    t.primary(['consultation_request_id', 'attachment_id']);
  });
  // Letters sent before this was recorded carried the case's own materials existing when they were
  // sent (files that came with earlier events cannot be told apart any more: they count as its own).
  const carried: { consultation_request_id: number; attachment_id: number }[] = await knex('consultation_requests as cr')
    .join('attachments as a', 'a.application_id', 'cr.application_id')
    .where('a.origin', 'filed')
    .whereRaw('a.created_at <= cr.created_at')
    .select({ consultation_request_id: 'cr.id', attachment_id: 'a.id' });
  for (let i = 0; i < carried.length; i += 500) await knex('consultation_request_attachments').insert(carried.slice(i, i + 500));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('consultation_request_attachments');
  await knex.schema.alterTable('attachments', (t) => t.dropColumn('origin'));
}
