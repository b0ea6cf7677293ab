// Demo reply passages (答复口径, issue 7): the district office's unified wording for the complex
// areas the work points name (浦府办〔2024〕14号 task 24), written by one manager and approved by
// another, with one passage revised, one revision awaiting approval, and two drafts using them.
import type { Knex } from 'knex';
import type { Config } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import { addUser } from '../server/admin/admin-service.js';
import { findUserByUsername, withoutHash } from '../server/admin/user-store.js';
import { addVersion, approveVersion, createPassage } from '../server/passages/passage-service.js';
import { applyApplicationEvent } from '../server/cases/application-service.js';

const REGULATION = '《中华人民共和国政府信息公开条例》';

export const DEMO_PASSAGES = {
  majorProjects: {
    topic: 'major_projects',
    title: '重大建设项目批准和实施信息已主动公开',
    body: `您申请获取的信息属于重大建设项目批准和实施领域的政府信息。根据${REGULATION}第二十条第（十）项和《国务院办公厅关于推进重大建设项目批准和实施领域政府信息公开的意见》（国办发〔2017〕94号）的规定，该项目的批准服务信息和批准结果信息已在东江区人民政府门户网站“重大建设项目”专栏主动公开。根据条例第三十六条第（一）项的规定，现告知您获取该信息的方式和途径：请登录上述网站，在“重大建设项目”专栏按项目名称查询。`,
    legalBasis: `${REGULATION}第二十条第（十）项、第三十六条第（一）项；国办发〔2017〕94号`,
    decisions: ['disclose'],
  },
  landExpropriation: {
    topic: 'land_expropriation',
    title: '征收土地方案及征地补偿安置方案已主动公开',
    body: `您申请获取的征收土地方案批准文件、征地补偿安置方案等信息，属于${REGULATION}第二十一条规定应当主动公开的土地征收方面的政府信息，已依照《中华人民共和国土地管理法》第四十七条的规定予以公告，并在东江区人民政府门户网站“征地信息”栏目公开。根据条例第三十六条第（一）项的规定，现告知您可通过上述栏目按征地批次名称或地块位置查询获取。`,
    legalBasis: `${REGULATION}第二十一条、第三十六条第（一）项；《中华人民共和国土地管理法》第四十七条`,
    decisions: ['disclose'],
  },
  housingExpropriation: {
    topic: 'land_expropriation',
    title: '国有土地上房屋征收决定及补偿方案已公告',
    body: `您申请获取的房屋征收决定及征收补偿方案，已由东江区人民政府依照《国有土地上房屋征收与补偿条例》第十三条的规定予以公告，并在东江区人民政府门户网站“房屋征收”栏目主动公开。根据${REGULATION}第二十一条、第三十六条第（一）项的规定，现告知您可通过上述栏目查阅。分户补偿情况已依照《国有土地上房屋征收与补偿条例》第二十九条的规定在房屋征收范围内向被征收人公布。`,
    legalBasis: `${REGULATION}第二十一条、第三十六条第（一）项；《国有土地上房屋征收与补偿条例》第十三条、第二十九条`,
    decisions: ['disclose'],
  },
  housing: {
    topic: 'housing',
    title: '他人申请保障性住房的家庭收入、财产材料',
    body: `您申请公开的他人申请保障性住房时提交的家庭收入、财产状况及户籍等材料，属于涉及个人隐私的政府信息。本机关已依照${REGULATION}第三十二条的规定书面征求第三方意见，第三方不同意公开。根据条例第十五条的规定，本机关决定不予公开。保障性住房的审核结果和配租、配售结果已按规定在区住房保障部门网站公示，您可通过该途径查询。`,
    legalBasis: `${REGULATION}第十五条、第三十二条`,
    decisions: ['withhold.third_party', 'partial'],
  },
  planning: {
    topic: 'planning',
    title: '规划许可证已批后公布',
    body: `您申请获取的建设用地规划许可证、建设工程规划许可证（含附图）属于本机关办理行政许可的结果信息。根据${REGULATION}第二十条第（五）项的规定，该信息已在东江区规划和自然资源局门户网站“规划许可批后公布”栏目主动公开。根据条例第三十六条第（一）项的规定，现告知您可在该栏目按项目名称或许可证编号查询获取。`,
    legalBasis: `${REGULATION}第二十条第（五）项、第三十六条第（一）项`,
    decisions: ['disclose'],
  },
  processInfo: {
    topic: 'process_info',
    title: '讨论记录、请示报告等过程性信息',
    body: `您申请公开的信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息。根据${REGULATION}第十六条第二款的规定，本机关决定不予公开。`,
    legalBasis: `${REGULATION}第十六条第二款`,
    decisions: ['withhold.process_info'],
  },
} as const;

/** The second manager of the district office: approvals need someone other than the author. */
export const DEMO_SECOND_MANAGER = { username: 'manager2', name: '钱立群' } as const;

export async function loadDemoPassages(db: Knex, config: Config, ctx: AppContext, password: string): Promise<void> {
  await addUser(db, { username: DEMO_SECOND_MANAGER.username, displayName: DEMO_SECOND_MANAGER.name, role: 'manager', agencyCode: 'DJQ', password }, null, config.bcryptRounds, { seeded: true });
  const user = async (name: string) => withoutHash((await findUserByUsername(db, name))!);
  const author = await user('manager');
  const approver = await user(DEMO_SECOND_MANAGER.username);
  const ids: Record<string, number> = {};
  for (const [key, p] of Object.entries(DEMO_PASSAGES)) {
    const created = await createPassage(ctx, author, { ...p, decisions: [...p.decisions] }, null);
    await approveVersion(ctx, approver, created.id, 1, null);
    ids[key] = created.id;
  }
  // Art. 16 ¶3: the exception for information a law requires to be public, written into version 2.
  await addVersion(ctx, author, ids.processInfo!, {
    body: `${DEMO_PASSAGES.processInfo.body.replace('本机关决定不予公开。', '')}经审查，该信息不属于法律、法规、规章规定应当公开的情形，本机关决定不予公开。`,
  }, null);
  await approveVersion(ctx, approver, ids.processInfo!, 2, null);
  // A revision written by the second manager, waiting for 周明 (manager) to approve it.
  await addVersion(ctx, approver, ids.planning!, {
    body: DEMO_PASSAGES.planning.body.replace('按项目名称或许可证编号查询获取。', '按项目名称或许可证编号查询获取；附图可在线浏览和下载。'),
  }, null);

  // Two drafts that use the approved wording (the history records the passage and version used).
  const caseworker = await user('caseworker');
  const today = ctx.clock.today();
  const draft = async (descriptionPart: string, passage: keyof typeof DEMO_PASSAGES, payload: Record<string, unknown>) => {
    const row = await db('applications').where('description', 'like', `%${descriptionPart}%`).first('id');
    if (!row) return;
    await applyApplicationEvent(ctx, caseworker, Number(row.id), {
      body: { type: 'DRAFT_REPLY', date: today, reasons: DEMO_PASSAGES[passage].body, passages: [ids[passage]], ...payload }, ip: null,
    });
  };
  await draft('房屋征收决定及征收补偿方案', 'housingExpropriation', {
    decision: 'disclose',
    disclosure: { mode: 'published', url: 'https://www.dongjiang.gov.cn/zwgk/fwzs/', section: '房屋征收' },
  });
  await draft('杨高南路拓宽工程建设用地规划许可证', 'planning', {
    decision: 'disclose',
    reasons: `${DEMO_PASSAGES.planning.body}\n您申请的建设用地规划许可申请表由建设单位提交，经审查不涉及商业秘密和个人隐私，一并予以提供。`,
    disclosure: {
      mode: 'provided',
      items: [{ title: '杨高南路拓宽工程建设用地规划许可证（含附图）', pages: 4 }, { title: '建设用地规划许可申请表', pages: 2 }],
      delivery: 'email',
    },
  });
}
