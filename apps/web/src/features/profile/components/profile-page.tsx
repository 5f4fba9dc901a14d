import type { User } from '@primetrade/shared';
import { useT } from '../../../lib/i18n';
import { Activity } from './activity';
import { ApiTokens } from './api-tokens';
import { CalendarFeed } from './calendar-feed';
import { DeleteAccount } from './delete-account';
import { EmailForm } from './email-form';
import { LanguageSetting } from './language-setting';
import { Passkeys } from './passkeys';
import { PasswordForm } from './password-form';
import { ProfileForm } from './profile-form';
import { PushNotifications } from './push-notifications';
import { Reminders } from './reminders';
import { Section } from './section';
import { Sessions } from './sessions';
import { TwoFactor } from './two-factor';

export function ProfilePage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const t = useT('profile');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <Section id="your-details" title={t('sections.details')}>
        <ProfileForm user={user} />
      </Section>
      <Section id="email" title={t('sections.email')}>
        <EmailForm user={user} />
      </Section>
      <Section id="language" title={t('sections.language')} description={t('sections.languageDescription')}>
        <LanguageSetting />
      </Section>
      <Section id="reminders" title={t('sections.reminders')} description={t('sections.remindersDescription')}>
        <Reminders />
        <PushNotifications />
      </Section>
      <Section id="password" title={t('sections.password')} description={t('sections.passwordDescription')}>
        <PasswordForm />
      </Section>
      <Section
        id="two-factor-authentication"
        title={t('sections.twoFactor')}
        description={t('sections.twoFactorDescription')}
      >
        <TwoFactor />
      </Section>
      <Section id="passkeys" title={t('sections.passkeys')} description={t('sections.passkeysDescription')}>
        <Passkeys />
      </Section>
      <Section id="sessions" title={t('sections.sessions')} description={t('sections.sessionsDescription')}>
        <Sessions onSignedOut={onSignedOut} />
      </Section>
      <Section id="api-tokens" title={t('sections.apiTokens')} description={t('sections.apiTokensDescription')}>
        <ApiTokens />
      </Section>
      <CalendarFeed />
      <Section id="your-activity" title={t('sections.activity')} description={t('sections.activityDescription')}>
        <Activity />
      </Section>
      <Section id="danger-zone" title={t('sections.danger')}>
        <DeleteAccount onSignedOut={onSignedOut} />
      </Section>
    </div>
  );
}
