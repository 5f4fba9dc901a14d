import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useState } from 'react';
import { ToastProvider } from '../components/ui/toast';
import { pushSignOutHook } from '../features/profile/api/push-sign-out';
import { useOfflineStart } from '../lib/offline';
import { createQueryClient } from '../lib/query-client';
import { onSignOut } from '../lib/sign-out-hooks';
import { createAppRouter } from './router';

// What features clean up on this device when the session ends on purpose (lib/sign-out-hooks).
onSignOut(pushSignOutHook);

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createAppRouter(queryClient));
  // The last lists come back from IndexedDB first (a few ms), so an offline start has them and the signed-in user.
  const ready = useOfflineStart(queryClient);
  if (!ready) return null;
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}
