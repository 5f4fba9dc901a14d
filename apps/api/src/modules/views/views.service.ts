/**
 * Saved views: a user's named list queries, in the user's order. Positions are kept dense (0..n-1): creating at a
 * position, moving and deleting renumber the others in one transaction that holds the user's row lock, so
 * concurrent reorders never duplicate or lose a position. Another user's view is not found.
 */
import { type CreateViewBody, ErrorCode, type PatchViewBody, type SavedView, VIEWS_MAX } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { AppError, notFound } from '../../lib/errors';
import * as repo from './views.repo';

export interface ViewsServiceDeps {
  db: Db;
}

function toDto(row: repo.SavedViewRow, position = row.position): SavedView {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    position,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `list` with `item` moved to index `to` (clamped to the list). */
function placed<T extends { id: string }>(list: T[], item: T, to: number): T[] {
  const rest = list.filter((v) => v.id !== item.id);
  rest.splice(Math.min(Math.max(to, 0), rest.length), 0, item);
  return rest;
}

export class ViewsService {
  constructor(private readonly deps: ViewsServiceDeps) {}

  async list(userId: string): Promise<SavedView[]> {
    const rows = await repo.listViews(this.deps.db, userId);
    return rows.map((row, i) => toDto(row, i));
  }

  async create(userId: string, body: CreateViewBody): Promise<SavedView> {
    return this.deps.db.transaction(async (tx) => {
      await repo.lockUserViews(tx, userId);
      const views = await repo.listViews(tx, userId);
      if (views.length >= VIEWS_MAX) {
        throw new AppError(ErrorCode.CONFLICT, `At most ${VIEWS_MAX} saved views; delete one first`);
      }
      const at = Math.min(body.position ?? views.length, views.length);
      const row = await repo.insertView(tx, userId, { name: body.name, query: body.query, position: at });
      if (at < views.length) await repo.setPositions(tx, userId, placed([...views, row], row, at));
      return toDto(row, at);
    });
  }

  async update(userId: string, id: string, body: PatchViewBody): Promise<SavedView> {
    return this.deps.db.transaction(async (tx) => {
      await repo.lockUserViews(tx, userId);
      let row = (await repo.listViews(tx, userId)).find((v) => v.id === id);
      if (!row) throw notFound('View');
      if (body.name !== undefined || body.query !== undefined) {
        row = (await repo.updateView(tx, userId, id, body)) ?? row;
      }
      const views = await repo.listViews(tx, userId);
      const order = body.position !== undefined ? placed(views, row, body.position) : views;
      await repo.setPositions(tx, userId, order);
      return toDto(
        row,
        order.findIndex((v) => v.id === id),
      );
    });
  }

  async remove(userId: string, id: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await repo.lockUserViews(tx, userId);
      if (!(await repo.deleteView(tx, userId, id))) throw notFound('View');
      await repo.setPositions(tx, userId, await repo.listViews(tx, userId));
    });
  }
}
