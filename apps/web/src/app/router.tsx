/**
 * The route tree (code-based, typed). Route components are lazy chunks; the guard of the signed-in area asks
 * the query cache for the current user and sends a signed-out visitor to /login and back afterwards.
 */
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import { parseTaskSearch } from '../features/tasks/search';
import { safeRedirect } from '../lib/format';
import { meQueryOptions } from '../lib/session';
import { NotFound, RootLayout, RouteError } from './root-layout';

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: RootLayout,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/dashboard' });
  },
});

/** Public pages that make no sense when signed in. */
async function redirectIfSignedIn(queryClient: QueryClient, target: unknown) {
  const me = await queryClient.ensureQueryData(meQueryOptions()).catch(() => null);
  if (me) throw redirect({ href: safeRedirect(target) });
}

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { redirect?: string; reason?: 'session-ended' } => ({
    ...(typeof s.redirect === 'string' ? { redirect: safeRedirect(s.redirect) } : {}),
    ...(s.reason === 'session-ended' ? { reason: 'session-ended' as const } : {}),
  }),
  beforeLoad: ({ context, search }) => redirectIfSignedIn(context.queryClient, search.redirect),
  component: lazyRouteComponent(() => import('./routes/auth-routes'), 'LoginRoute'),
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/register',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } =>
    typeof s.redirect === 'string' ? { redirect: safeRedirect(s.redirect) } : {},
  beforeLoad: ({ context, search }) => redirectIfSignedIn(context.queryClient, search.redirect ?? '/dashboard'),
  component: lazyRouteComponent(() => import('./routes/auth-routes'), 'RegisterRoute'),
});

const forgotRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
  component: lazyRouteComponent(() => import('./routes/auth-routes'), 'ForgotPasswordRoute'),
});

const tokenSearch = (s: Record<string, unknown>): { token?: string } =>
  typeof s.token === 'string' && s.token.length <= 512 ? { token: s.token } : {};

const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: tokenSearch,
  component: lazyRouteComponent(() => import('./routes/auth-routes'), 'ResetPasswordRoute'),
});

const verifyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/verify-email',
  validateSearch: tokenSearch,
  component: lazyRouteComponent(() => import('./routes/auth-routes'), 'VerifyEmailRoute'),
});

/** The link an invitation mail carries: public (it sends a signed-out visitor to sign in and back). */
const invitationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invitations',
  validateSearch: tokenSearch,
  component: lazyRouteComponent(() => import('./routes/invitation-route'), 'InvitationRoute'),
});

/** The signed-in area. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQueryOptions());
    if (!me) throw redirect({ to: '/login', search: { redirect: location.href } });
    return { me };
  },
  component: lazyRouteComponent(() => import('./app-shell'), 'AppShell'),
});

const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/dashboard',
  component: lazyRouteComponent(() => import('./routes/dashboard-route'), 'DashboardRoute'),
});

const tasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tasks',
  validateSearch: parseTaskSearch,
  component: lazyRouteComponent(() => import('./routes/tasks-route'), 'TasksRoute'),
});

const calendarRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/calendar',
  component: lazyRouteComponent(() => import('./routes/calendar-route'), 'CalendarRoute'),
});

const profileRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/profile',
  component: lazyRouteComponent(() => import('./routes/profile-route'), 'ProfileRoute'),
});

const projectRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/projects/$projectId',
  // `task`: the task detail panel open on that task (a link to it survives a reload).
  validateSearch: (s: Record<string, unknown>): { view?: 'list' | 'board'; task?: string } => ({
    ...(s.view === 'list' || s.view === 'board' ? { view: s.view } : {}),
    ...(typeof s.task === 'string' && /^[0-9a-f-]{36}$/i.test(s.task) ? { task: s.task } : {}),
  }),
  component: lazyRouteComponent(() => import('./routes/project-route'), 'ProjectRoute'),
});

/** A project's webhooks (owners; the page says so to anyone else, and the API answers them 403). */
const projectWebhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/projects/$projectId/webhooks',
  component: lazyRouteComponent(() => import('./routes/webhooks-route'), 'WebhooksRoute'),
});

/** "Assigned to me": the caller's tasks across projects (issue 15). */
const assignedRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/assigned',
  component: lazyRouteComponent(() => import('./routes/assigned-route'), 'AssignedRoute'),
});

/** Administrators only: the page itself says "Not allowed" to anyone else (and the API answers them 403). */
const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin',
  component: lazyRouteComponent(() => import('./routes/admin-route'), 'AdminRoute'),
});

export const routeTree = rootRoute.addChildren([
  indexRoute,
  loginRoute,
  registerRoute,
  forgotRoute,
  resetRoute,
  verifyRoute,
  invitationsRoute,
  appRoute.addChildren([
    dashboardRoute,
    tasksRoute,
    calendarRoute,
    projectRoute,
    projectWebhooksRoute,
    assignedRoute,
    profileRoute,
    adminRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
