import { useState } from 'react';
import { FormError, SelectField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { currentLocale, LANGUAGES, type Language, setLanguage, useT } from '../../../lib/i18n';

const OPTIONS = Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }));

/** Profile → Language: the UI language on this device (kept in this browser by setLanguage). */
export function LanguageSetting() {
  const t = useT('profile');
  const toast = useToast();
  const [failed, setFailed] = useState(false);
  return (
    <div className="max-w-md space-y-4">
      <FormError message={failed ? t('language.failed') : null} />
      <SelectField
        label={t('language.label')}
        name="language"
        value={currentLocale()}
        options={OPTIONS}
        onChange={(e) => {
          const lang = e.currentTarget.value as Language;
          setLanguage(lang).then(
            () => {
              setFailed(false);
              toast(t('language.saved', { lng: lang }), 'success');
            },
            () => setFailed(true),
          );
        }}
      />
    </div>
  );
}
