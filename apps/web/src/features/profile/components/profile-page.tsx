import type { User } from '@primetrade/shared';
import { DeleteAccount } from './delete-account';
import { EmailForm } from './email-form';
import { PasswordForm } from './password-form';
import { ProfileForm } from './profile-form';
import { Reminders } from './reminders';
import { Section } from './section';
import { Sessions } from './sessions';

export function ProfilePage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Profile</h1>
      <Section title="Your details">
        <ProfileForm user={user} />
      </Section>
      <Section title="Email">
        <EmailForm user={user} />
      </Section>
      <Section title="Reminders" description="Sent in your time zone; several at once arrive as one digest.">
        <Reminders />
      </Section>
      <Section title="Password" description="Changing it signs out every other session.">
        <PasswordForm />
      </Section>
      <Section title="Sessions" description="Where you are signed in.">
        <Sessions onSignedOut={onSignedOut} />
      </Section>
      <Section title="Danger zone">
        <DeleteAccount onSignedOut={onSignedOut} />
      </Section>
    </div>
  );
}
