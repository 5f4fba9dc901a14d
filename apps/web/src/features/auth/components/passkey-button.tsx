import { Button } from '../../../components/ui/button';
import { passkeysSupported, type usePasskeySignIn } from '../api/passkey-login';

interface PasskeyButtonProps {
  /** The form's passkey sign-in (its error is shown by the form, with the form's other errors). */
  passkey: ReturnType<typeof usePasskeySignIn>;
  /** The login's MFA challenge when the passkey is the second step; none for the passwordless sign-in. */
  challenge?: string;
  label: string;
  /** Clears the form's other error before the browser's prompt opens. */
  onStart: () => void;
  onSignedIn: () => void;
}

/** "Sign in with a passkey" (or "Use a passkey" as the second step); nothing where the browser has no WebAuthn. */
export function PasskeyButton({ passkey, challenge, label, onStart, onSignedIn }: PasskeyButtonProps) {
  if (!passkeysSupported()) return null;
  return (
    <Button
      type="button"
      variant="secondary"
      className="w-full"
      busy={passkey.isPending}
      onClick={() => {
        onStart();
        passkey.mutate(challenge, { onSuccess: onSignedIn });
      }}
    >
      {label}
    </Button>
  );
}
