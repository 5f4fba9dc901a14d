import { useToast } from '../../../components/ui/toast';
import { type CodeFields, useSchemaForm } from '../../../lib/form';

/** A wrong current password is shown under its field (not as a lost session, not above the form). */
export const WRONG_CURRENT_PASSWORD: CodeFields = { INVALID_CREDENTIALS: 'currentPassword' };

/** A form that changes a credential: once the server accepts it, it is cleared (no password left in the DOM). */
export function useCredentialForm<T>(
  schema: Parameters<typeof useSchemaForm<T>>[0],
  fields: readonly string[],
  mutate: (data: T, options: { onSuccess: () => void; onError: (err: unknown) => void }) => void,
  message: string,
) {
  const toast = useToast();
  return useSchemaForm<T>(
    schema,
    fields,
    (data, { form, showServerErrors }) =>
      mutate(data, {
        onSuccess: () => {
          form.reset();
          toast(message, 'success');
        },
        onError: showServerErrors,
      }),
    WRONG_CURRENT_PASSWORD,
  );
}
