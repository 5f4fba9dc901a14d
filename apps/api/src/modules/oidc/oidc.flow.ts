/**
 * The flow cookie between /start and /callback: state, nonce, PKCE verifier and where to return, signed with a key
 * derived from the signing secret (HttpOnly, short-lived); and the reasons a sign-in is refused.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../infra/tokens';

export const FLOW_COOKIE = 'oidc_flow';
export const FLOW_COOKIE_PATH = '/api/v1/auth/oidc';
export const FLOW_TTL_SEC = 600;

/** What the flow cookie carries between /start and /callback (signed; HttpOnly). */
export interface FlowState {
  provider: string;
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  exp: number;
}

export class OidcError extends Error {
  constructor(
    /** A short reason for the redirect (?error=) and the security log. */
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? reason);
    this.name = 'OidcError';
  }
}

/** Only same-site relative paths are accepted as a place to return to (no open redirect). */
export const safeReturnTo = (v: string | undefined) =>
  v && /^\/(?![/\\])[^\s]*$/.test(v) && v.length <= 512 ? v : '/';

/** The flow cookie's MAC key, derived from the cursor key (itself from the signing secret): every instance agrees. */
export const flowKey = (cursorKey: Buffer) =>
  createHmac('sha256', cursorKey).update('primetrade:oidc-flow:v1').digest();

export function sealFlow(key: Buffer, flow: FlowState): string {
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function openFlow(key: Buffer, value: string | undefined, providerId: string): FlowState {
  if (!value) throw new OidcError('no_flow');
  const [body = '', mac = ''] = value.split('.');
  const expected = createHmac('sha256', key).update(body).digest('base64url');
  if (!safeEqual(mac, expected)) throw new OidcError('bad_flow');
  let flow: FlowState;
  try {
    flow = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FlowState;
  } catch {
    throw new OidcError('bad_flow');
  }
  if (flow.provider !== providerId) throw new OidcError('bad_flow');
  if (!(flow.exp > Date.now() / 1000)) throw new OidcError('flow_expired');
  return flow;
}
