import type { SignOutHook } from '../../../lib/sign-out-hooks';
import { browserPush, removePushOnSignOut } from '../components/push-device';
import { deletePushSubscription, savePushSubscription } from './push';

/**
 * The profile feature's sign-out clean-up: this device's Web Push subscription (DELETE /push/subscriptions/:id,
 * then pushManager unsubscribe). The app registers it with `onSignOut` (app/providers.tsx); the auth and profile
 * sign-out paths run it through `runSignOutHooks`.
 */
export const pushSignOutHook: SignOutHook = (ctx) =>
  removePushOnSignOut(browserPush, { save: savePushSubscription, remove: deletePushSubscription }, ctx);
