import bcrypt from 'bcryptjs';

// bcryptjs: pure JavaScript, installs from the npm registry alone (issue 2).
export async function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A minimum that keeps demo-style passwords usable but refuses trivial ones. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return '密码至少 8 位';
  if (password.length > 128) return '密码不能超过 128 位';
  return null;
}
