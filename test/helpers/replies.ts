// Issue 12: a reply states the facts behind its decision (workflows/reply-facts.ts). Tests about
// something else draft their replies with these — the least a court-ready reply of each decision
// says — so the facts a test is about stay visible where it spells them out.

/** Reasons and facts for a DRAFT_REPLY (or REPLY_ON_THE_SPOT) of `decision` that needs no setup in the case. */
export function replyFacts(decision: string, date = '2026-11-10'): Record<string, unknown> {
  const reasons = { reasons: '理由与依据' };
  switch (decision) {
    case 'disclose':
      return { disclosure: { mode: 'provided', items: [{ title: '规划批复文件', pages: 3 }], delivery: 'paper' } };
    case 'partial':
      return { ...reasons, provided: [{ title: '规划批复文件' }], withheld: [{ ground: 'withhold.process_info', part: '内部讨论记录' }] };
    case 'withhold.law_prohibited':
    case 'withhold.inquiry':
      return { ...reasons, law: { name: '中华人民共和国档案法', article: '第二十七条' } };
    case 'unavailable.not_held':
      return { ...reasons, search: '检索了本机关的收文、发文登记簿和档案目录' };
    case 'not_processed.repeat':
      return { ...reasons, earlierReply: { number: '东规资公复〔2026〕1号', date: date < '2026-01-05' ? date : '2026-01-05' } };
    case 'other.other':
      return { ...reasons, basis: '申请人书面撤回申请' };
    default:
      return reasons;
  }
}
