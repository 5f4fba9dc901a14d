import { z } from 'zod';
import { envelope } from './common';

/**
 * GET /server-info (public): what a signed-out page needs to know about this server. `mail.delivery` is `smtp`
 * when mail is sent, `outbox` when the server has no mail service and keeps each message as a file in its data
 * directory (the start banner prints the folder) — the web app then says so wherever it promises an email.
 */
export const serverInfo = z.object({
  mail: z.object({ delivery: z.enum(['smtp', 'outbox']) }),
});
export type ServerInfo = z.infer<typeof serverInfo>;
export const serverInfoEnvelope = envelope(serverInfo);
