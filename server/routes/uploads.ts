import multer from 'multer';
import type { NextFunction, Request, Response } from 'express';
import { checkCsrf } from '../auth/auth-middleware.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type UploadedFile } from '../cases/attachment-files.js';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS, fields: 100 },
});

/** Parses multipart `attachments` files, then checks CSRF (the token is in the multipart body). */
export function acceptAttachments() {
  const parse = upload.array('attachments', MAX_ATTACHMENTS);
  return [
    (req: Request, res: Response, next: NextFunction) => {
      if (!req.is('multipart/form-data')) return next();
      parse(req, res, (err?: unknown) => {
        if (err) return next(err);
        try {
          checkCsrf(req);
          next();
        } catch (e) {
          next(e);
        }
      });
    },
  ];
}

export function uploadedFiles(req: Request): UploadedFile[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files
    .filter((f) => f.size > 0 || f.originalname)
    .filter((f) => !(f.size === 0 && !f.originalname))
    .map((f) => ({ originalname: Buffer.from(f.originalname, 'latin1').toString('utf8'), mimetype: f.mimetype, buffer: f.buffer }));
}
