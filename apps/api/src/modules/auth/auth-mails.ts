/** The messages the auth module sends. Links carry one-time tokens: they go to the mailer only, never to logs. */
import { escapeHtml } from '../../infra/mail/html';
import type { MailMessage } from '../../infra/mail/mailer';

function message(to: string, subject: string, lines: string[], link?: { href: string; label: string }): MailMessage {
  const text = [...lines, ...(link ? ['', link.href] : [])].join('\n');
  const html = [
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`] : []),
  ].join('\n');
  return { to, subject, text, html };
}

export const verificationMail = (appUrl: string, to: string, name: string, token: string) =>
  message(
    to,
    'Confirm your email address',
    [`Hello ${name},`, 'Confirm this address for your Primetrade Tasks account (the link is valid for 24 hours).'],
    { href: `${appUrl}/verify-email?token=${encodeURIComponent(token)}`, label: 'Confirm my email address' },
  );

export const resetMail = (appUrl: string, to: string, name: string, token: string) =>
  message(
    to,
    'Reset your password',
    [
      `Hello ${name},`,
      'Someone (hopefully you) asked to reset the password of your Primetrade Tasks account.',
      'The link works once and for 30 minutes. If it was not you, ignore this message.',
    ],
    { href: `${appUrl}/reset-password?token=${encodeURIComponent(token)}`, label: 'Choose a new password' },
  );

export const emailChangedNotice = (to: string, name: string, newEmail: string) =>
  message(to, 'Your email address was changed', [
    `Hello ${name},`,
    `The email address of your Primetrade Tasks account was changed to ${newEmail}.`,
    'If you did not do this, reset your password at once and contact the administrator.',
  ]);

export const passwordChangedNotice = (to: string, name: string) =>
  message(to, 'Your password was changed', [
    `Hello ${name},`,
    'The password of your Primetrade Tasks account was changed and your other sessions were signed out.',
    'If you did not do this, reset your password at once.',
  ]);
