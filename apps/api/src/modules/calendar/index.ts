/**
 * The calendar module (issue 17 item 5): a secret per-user iCal feed of the user's dated tasks. POST /calendar/feed
 * creates or rotates its URL, DELETE turns it off, GET /calendar/:token.ics serves it without a session.
 */
import { calendarRoutes } from './calendar.routes';
import { CalendarService, type CalendarServiceDeps } from './calendar.service';

export type CalendarModuleDeps = CalendarServiceDeps;
export type { TaskLister } from './calendar.service';

export function createCalendarModule(deps: CalendarModuleDeps) {
  const service = new CalendarService(deps);
  return { service, routes: calendarRoutes(service) };
}
