import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors.js';
import { PASSWORD_CHANGE_REQUIRED } from './account-service.js';

export const ACCOUNT_PASSWORD_PAGE = '/account/password';

/** What a person who must change their password may still reach: the change itself, and leaving. */
const OPEN: readonly (readonly [string, string])[] = [
  ['GET', ACCOUNT_PASSWORD_PAGE],
  ['POST', ACCOUNT_PASSWORD_PAGE],
  ['POST', '/logout'],
  ['POST', '/api/account/password'],
  ['POST', '/api/auth/token'],
  ['DELETE', '/api/auth/token'],
];

/**
 * Hardening 11: a session whose password was set by someone else reaches nothing but the change:
 * pages redirect to the change form (coming back afterwards to where a GET was going), API calls
 * answer 403 `password_change_required`.
 */
export function passwordChangeGate() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user?.mustChangePassword) return next();
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (OPEN.some(([m, p]) => m === method && p === req.path)) return next();
    if (req.path.startsWith('/api/')) throw new DomainError('forbidden', 'password_change_required', PASSWORD_CHANGE_REQUIRED);
    const back = method === 'GET' && req.originalUrl !== '/' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    res.redirect(303, ACCOUNT_PASSWORD_PAGE + back);
  };
}
