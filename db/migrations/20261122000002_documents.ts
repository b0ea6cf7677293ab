import type { Knex } from 'knex';

// Issue 4: the standard documents (规范文书) as sealed, signed PDFs with document numbers.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agencies', (t) => {
    // 文号 prefix, e.g. 沪浦府办 in 沪浦府办公复〔2024〕123号 (domain.md §7); defaults to the code.
    t.string('doc_prefix', 40).nullable();
    t.string('seal_purpose', 40).nullable(); // purpose line of the seal, e.g. 政府信息公开专用章
    t.string('seal_png_sha256', 64).nullable(); // an uploaded transparent PNG seal under DATA_DIR/seals
    t.string('reconsideration_body', 200).nullable(); // 复议机关 named in the remedies
    t.string('court', 200).nullable(); // 管辖法院 named in the remedies
    t.string('address', 200).nullable();
    t.string('phone', 40).nullable();
  });

  await knex.schema.createTable('documents', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.string('kind', 30).notNullable(); // reply | receipt | correction_notice | extension_notice | consultation_letter | fee_notice | delivery_receipt
    t.string('variant', 60).nullable(); // decision code, consultation kind, …
    t.string('status', 12).notNullable(); // draft | issued | superseded | discarded
    t.string('title', 100).notNullable();
    t.text('body').notNullable(); // the (editable until issue) wording
    t.text('data').notNullable(); // the template data it was generated from (JSON)
    t.string('template_name', 80).notNullable();
    t.integer('template_version').notNullable();
    t.integer('event_seq').nullable(); // the application event that produced it
    t.string('consultation_id', 20).nullable();
    t.integer('target_document_id').nullable().references('id').inTable('documents'); // 送达回证: the document delivered
    t.integer('supersedes_id').nullable().references('id').inTable('documents');
    t.string('supersede_reason', 500).nullable();
    // Set when issued, in the issuing transaction: the number, the bytes and their hash together.
    t.string('family', 10).nullable();
    t.integer('year').nullable();
    t.integer('seq').nullable();
    t.string('number', 80).nullable();
    t.string('issued_date', 10).nullable();
    t.integer('issued_by').nullable().references('id').inTable('users');
    t.string('sha256', 64).nullable();
    t.binary('pdf').nullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['agency_id', 'family', 'year', 'seq']);
    t.unique(['number']);
    t.index(['application_id']);
    t.index(['sha256']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('documents');
  await knex.schema.alterTable('agencies', (t) => {
    for (const c of ['doc_prefix', 'seal_purpose', 'seal_png_sha256', 'reconsideration_body', 'court', 'address', 'phone']) t.dropColumn(c);
  });
}
