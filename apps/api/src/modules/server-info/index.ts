/**
 * The server-info module: GET /api/v1/server-info, public facts about this server a page needs before sign-in
 * (today: whether mail is sent or kept in the data directory's outbox). No paths or versions: nothing an
 * anonymous caller could use beyond what the web app shows.
 */
import type { ServerInfo } from '@primetrade/shared';
import { serverInfoRoutes } from './server-info.routes';

export interface ServerInfoModuleDeps {
  /** SMTP_URL is set (mail is sent) or not (written to DATA_DIR/outbox). */
  smtp: boolean;
}

export function createServerInfoModule(deps: ServerInfoModuleDeps) {
  const info: ServerInfo = { mail: { delivery: deps.smtp ? 'smtp' : 'outbox' } };
  return { routes: serverInfoRoutes(info) };
}
