import type { Passkey } from '@primetrade/shared';
import { type PublicKeyCredentialCreationOptionsJSON, startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { activityKey } from './mfa';

const passkeysKey = ['passkeys'] as const;

export const usePasskeys = () =>
  useQuery({
    queryKey: passkeysKey,
    queryFn: async ({ signal }) => (await api<Passkey[]>('/auth/passkeys', { signal })).data,
  });

/** Adding and deleting revoke the other sessions; every change is recorded: refresh those lists too. */
function usePasskeyMutation<V, R>(send: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: passkeysKey });
      void qc.invalidateQueries({ queryKey: queryKeys.sessions });
      void qc.invalidateQueries({ queryKey: activityKey });
    },
  });
}

/** Register a passkey: the server's options, the browser's WebAuthn prompt, then the attestation with a name. */
export const useAddPasskey = () =>
  usePasskeyMutation(async (name: string) => {
    const options = (await api<PublicKeyCredentialCreationOptionsJSON>('/auth/passkeys/options', { method: 'POST' }))
      .data;
    const credential = await startRegistration({ optionsJSON: options });
    return (await api<Passkey>('/auth/passkeys', { method: 'POST', json: { credential, name } })).data;
  });

export const useRenamePasskey = () =>
  usePasskeyMutation(
    async ({ id, name }: { id: string; name: string }) =>
      (await api<Passkey>(`/auth/passkeys/${id}`, { method: 'PATCH', json: { name } })).data,
  );

export const useDeletePasskey = () =>
  usePasskeyMutation(async (id: string) => {
    await api(`/auth/passkeys/${id}`, { method: 'DELETE' });
  });
