/**
 * Quick add: reads a line into a task draft (POST /tasks/parse) in the time zone given, else the user's; creates
 * nothing. Projects are found by name through a port, so this module does not reach into the projects module.
 */
import type { ParsedTask, ParseTaskBody } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { unauthenticated } from '../../lib/errors';
import { parseQuickAdd } from './quick-add.parse';
import { userTimezone } from './quick-add.repo';

/** The caller's project of this name (case-insensitive), or null. */
export type ProjectByName = (userId: string, name: string) => Promise<string | null>;

export interface QuickAddServiceDeps {
  db: Db;
  projectByName: ProjectByName;
  now: () => Date;
}

export class QuickAddService {
  constructor(private readonly deps: QuickAddServiceDeps) {}

  async parse(userId: string, body: ParseTaskBody): Promise<ParsedTask> {
    const timezone = body.timezone ?? (await userTimezone(this.deps.db, userId));
    // The session guard already saw this user; a user deleted since then is not authenticated any more.
    if (timezone === null) throw unauthenticated();
    return parseQuickAdd(body.text, {
      now: this.deps.now(),
      timezone,
      findProject: (name) => this.deps.projectByName(userId, name),
    });
  }
}
