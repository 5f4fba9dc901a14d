/**
 * A Trello board's JSON export (board menu → Print, export and share → Export as JSON): an object with `name`,
 * `lists: [{ id, name, closed }]`, `cards: [{ name, desc, idList, closed, due, dueComplete, labels | idLabels }]`,
 * `labels: [{ id, name, color }]` and `checklists: [{ idCard, name, checkItems: [{ name, state, pos }] }]`;
 * every other member (actions, members, plugin data …) is ignored.
 *
 * - Each card is a task, numbered by its position in `cards` (1-based). Archived cards (`closed`) and the cards of
 *   archived lists are skipped (counted in `skipped`).
 * - Tags: the board's name, the card's list name and its label names (a label without a name by its colour).
 * - `dueComplete: true` → completed, else pending. Trello has no priority: every task is medium.
 * - `due` → dueDate. The description is `desc` followed by the card's checklists as Markdown (`- [x] item`).
 */
import {
  asJson,
  checkRowCount,
  type DraftRow,
  fileError,
  isoOf,
  isRecord,
  joinText,
  type ParsedImport,
  str,
  tagsOf,
} from './drafts';

const NOT_TRELLO = 'Not a Trello board export: expected a JSON object with lists and cards';

const arrayOf = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function checklistText(list: Record<string, unknown>): string {
  const items = arrayOf(list.checkItems)
    .slice()
    .sort((a, b) => (Number(a.pos) || 0) - (Number(b.pos) || 0))
    .map((i) => `- [${i.state === 'complete' ? 'x' : ' '}] ${str(i.name) ?? ''}`);
  return [`${str(list.name) ?? 'Checklist'}:`, ...items].join('\n');
}

/** A Trello board export (parsed JSON, or its text/bytes) → task drafts. */
export function importTrello(input: unknown): ParsedImport {
  const board = asJson(input, 'a Trello board export');
  if (!isRecord(board) || !Array.isArray(board.cards) || !Array.isArray(board.lists)) throw fileError(NOT_TRELLO);
  const cards = board.cards;

  const lists = new Map(arrayOf(board.lists).map((l) => [str(l.id), l]));
  const labels = new Map(arrayOf(board.labels).map((l) => [str(l.id), l]));
  const checklists = new Map<string, Record<string, unknown>[]>();
  for (const c of arrayOf(board.checklists)) {
    const card = str(c.idCard);
    if (card) checklists.set(card, [...(checklists.get(card) ?? []), c]);
  }
  const labelName = (l: Record<string, unknown>) => str(l.name)?.trim() || str(l.color);

  const drafts: DraftRow[] = [];
  const rowErrors: ParsedImport['rowErrors'] = [];
  let skipped = 0;
  cards.forEach((card: unknown, i) => {
    const row = i + 1;
    if (!isRecord(card)) {
      rowErrors.push({ row, errors: [{ path: 'card', message: 'A card is a JSON object' }] });
      return;
    }
    const list = lists.get(str(card.idList));
    if (card.closed === true || list?.closed === true) {
      skipped++;
      return;
    }
    const cardLabels = Array.isArray(card.labels)
      ? arrayOf(card.labels)
      : (Array.isArray(card.idLabels) ? card.idLabels : [])
          .map((id) => labels.get(str(id)))
          .filter((l): l is Record<string, unknown> => l !== undefined);
    const due = str(card.due);
    const dueDate = due ? isoOf(due) : null;
    if (dueDate === undefined) {
      rowErrors.push({ row, errors: [{ path: 'due', message: 'Not a date-time' }] });
      return;
    }
    drafts.push({
      row,
      draft: {
        title: str(card.name) ?? '',
        description: joinText([str(card.desc), ...(checklists.get(str(card.id) ?? '') ?? []).map(checklistText)]),
        status: card.dueComplete === true ? 'completed' : 'pending',
        dueDate,
        tags: tagsOf([board.name, list?.name, ...cardLabels.map(labelName)]),
      },
    });
  });
  // Archived cards pile up over the years: only the cards that would be imported count towards the cap.
  checkRowCount(drafts.length + rowErrors.length);
  return { drafts, rowErrors, skipped };
}
