// 签发 asks once (issue 13): a page that signs a reply carries the signer's confirmation — a
// checkbox `confirm` saying they read the text they sign and know what happens: the number is
// allocated, the seal applied and the PDF signed, irreversibly. A page concern only: the machine and
// the JSON API (a deliberate call) need none.
import { z } from 'zod';
import { invalid } from '../errors.js';

export const SIGNOFF_CONFIRMATION = '签发前请勾选确认：签发将分配文号、加盖印章、对 PDF 进行数字签名，签发后不可撤回';

/** The page-only field of a signing form (its value `yes` when ticked). */
export const confirmField = z.string().max(10).optional().describe('page only: the signer ticked the confirmation (yes)');

/** Refuses a reply's signature from a page unless the confirmation was ticked. */
export function requireSignoffConfirmation(signsReply: boolean, confirm: string | undefined): void {
  if (signsReply && confirm !== 'yes') throw invalid({ confirm: SIGNOFF_CONFIRMATION }, SIGNOFF_CONFIRMATION);
}
