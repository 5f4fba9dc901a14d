import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { ForgotPasswordForm } from '../../features/auth/components/forgot-password-form';
import { LoginForm } from '../../features/auth/components/login-form';
import { RegisterForm } from '../../features/auth/components/register-form';
import { ResetPasswordForm } from '../../features/auth/components/reset-password-form';
import { VerifyEmail } from '../../features/auth/components/verify-email';
import { safeRedirect } from '../../lib/format';

const loginApi = getRouteApi('/login');
const registerApi = getRouteApi('/register');
const resetApi = getRouteApi('/reset-password');
const verifyApi = getRouteApi('/verify-email');

export function LoginRoute() {
  const { redirect } = loginApi.useSearch();
  const navigate = useNavigate();
  return <LoginForm onSignedIn={() => void navigate({ href: safeRedirect(redirect), replace: true })} />;
}

export function RegisterRoute() {
  const { redirect } = registerApi.useSearch();
  const navigate = useNavigate();
  return <RegisterForm onRegistered={() => void navigate({ href: safeRedirect(redirect), replace: true })} />;
}

export const ForgotPasswordRoute = ForgotPasswordForm;

export function ResetPasswordRoute() {
  const { token } = resetApi.useSearch();
  return <ResetPasswordForm token={token ?? ''} />;
}

export function VerifyEmailRoute() {
  const { token } = verifyApi.useSearch();
  return <VerifyEmail token={token ?? ''} />;
}
