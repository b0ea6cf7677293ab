// Roles of the people who work on applications. One user acts in one role per event; the role
// travels in the event (`actor.role`) so the machines can judge permissions purely.
//
// - caseworker 承办人: registers and handles the application, drafts the reply.
// - reviewer 保密审查: the confidentiality review every reply passes before issue
//   ("先审查、后公开", "一事一审", Regulation Art. 17).
// - approver 公开工作机构负责人: head of the disclosure office; approves extensions (Art. 33) and
//   signs the reply.
// - legal 法制: the legal department (reconsideration and litigation answers); reads cases.
// - manager 政务公开办: oversight and reports; reads cases.
// - admin 系统管理员: system administration (users, calendar); never acts on cases.

export const ROLES = ['caseworker', 'reviewer', 'approver', 'legal', 'manager', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  caseworker: '承办人',
  reviewer: '保密审查',
  approver: '公开工作机构负责人',
  legal: '法制',
  manager: '政务公开办',
  admin: '系统管理员',
};

/**
 * Not a person: the platform itself, for what the law makes happen without anyone acting — an
 * agency's silence past its 15 working days is consent (Art. 34). No user can log in in this role.
 */
export const SYSTEM_ROLE = 'system' as const;
/**
 * Not a person either: another public body's system connected through the data exchange (issue 14) —
 * the reconsideration body's case system records the appeals it received and what it decided. Each
 * API client acts as its own actor in this role; no one can log in in it.
 */
export const EXCHANGE_ROLE = 'exchange' as const;
/** Who may appear as the actor of an event: a person in a role, the platform, or a connected system. */
export type ActorRole = Role | typeof SYSTEM_ROLE | typeof EXCHANGE_ROLE;

/** How the history names each actor's role. */
export const ACTOR_ROLE_LABELS: Record<ActorRole, string> = { ...ROLE_LABELS, [SYSTEM_ROLE]: '系统', [EXCHANGE_ROLE]: '对接系统' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
