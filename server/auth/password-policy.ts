// What a password must be. Hardening 7: passwords published with the desk (the demo accounts' in
// the README, the test fixtures' in the repository) never work in production.

/** The password of every demo account, printed in the README. */
export const DEMO_PASSWORD = 'demo-pass-2026';
/** The test fixtures' password (test/helpers/test-app.ts), public with the source. */
export const TEST_PASSWORD = 'test-pass-123';
export const PUBLISHED_PASSWORDS: readonly string[] = [DEMO_PASSWORD, TEST_PASSWORD];

export const isPublishedPassword = (password: string): boolean => PUBLISHED_PASSWORDS.includes(password);

export const PUBLISHED_PASSWORD_REFUSED = '该密码是随系统公开发布的演示密码，生产环境中不能使用。请联系系统管理员重置密码。';
