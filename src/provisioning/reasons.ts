/**
 * Every outcome of a launch has exactly one reason code. The refusal page, the audit log, the
 * metrics and the admin console all use these codes and these words.
 */

export const REFUSAL_REASONS = [
  'connection_not_linked',
  'connection_disabled',
  'email_missing',
  'domain_not_claimed',
  'user_blocked',
  'product_not_jit_eligible',
  'no_entitlement',
  'no_seats',
  'jit_disabled',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const ALLOWED_REASONS = ['existing_license', 'license_assigned', 'user_created'] as const;
export type AllowedReason = (typeof ALLOWED_REASONS)[number];

/**
 * Launches that never reached a decision: the partner's message failed a protocol check, or the
 * partner failed to answer. Recorded with the same audit shape so every launch has one event.
 */
export const PROTOCOL_REASONS = ['launch_invalid', 'partner_error', 'product_unknown', 'store_error'] as const;
export type ProtocolReason = (typeof PROTOCOL_REASONS)[number];

export type LaunchReason = RefusalReason | AllowedReason | ProtocolReason;

interface ReasonText {
  /** What the person launching sees. */
  title: string;
  explanation: string;
  /** What they can do about it. */
  nextStep: string;
  /** What the admin reading the audit log sees. */
  admin: string;
}

const ASK_ADMIN = 'Ask your school or district IT administrator for help, and mention the code below.';

export const REASON_TEXT: Record<LaunchReason, ReasonText> = {
  connection_not_linked: {
    title: 'This app is not set up for your school yet',
    explanation: 'Your school’s portal is not linked to this app in LaunchGate.',
    nextStep: ASK_ADMIN,
    admin: 'The partner tenant (Canvas deployment, Clever district or ClassLink tenant) is not linked to any directory.',
  },
  connection_disabled: {
    title: 'Sign-in from this portal is turned off',
    explanation: 'Your school has turned off sign-in to this app from this portal.',
    nextStep: ASK_ADMIN,
    admin: 'The connection is linked but disabled.',
  },
  email_missing: {
    title: 'Your portal did not share your email address',
    explanation: 'This app needs your school email address to give you access, and your portal did not send one.',
    nextStep: ASK_ADMIN,
    admin: 'The partner sent no email address (Canvas: set the developer key’s privacy level to public).',
  },
  domain_not_claimed: {
    title: 'Your email address is not from your school’s domain',
    explanation: 'Automatic access is only given to email addresses from domains your school has verified.',
    nextStep: ASK_ADMIN,
    admin: 'The email’s domain is not claimed, or not verified, in the directory this connection is linked to.',
  },
  user_blocked: {
    title: 'Your access has been turned off',
    explanation: 'An administrator has blocked your account for this app.',
    nextStep: ASK_ADMIN,
    admin: 'The user is blocked.',
  },
  product_not_jit_eligible: {
    title: 'You need a license from your administrator',
    explanation: 'This app is not given out automatically; an administrator has to assign you a license.',
    nextStep: ASK_ADMIN,
    admin: 'The product does not allow just-in-time licensing; assign a license by hand.',
  },
  no_entitlement: {
    title: 'Your school does not have this app',
    explanation: 'Your school or district has no licenses for this app.',
    nextStep: ASK_ADMIN,
    admin: 'The organization has no entitlement for this product.',
  },
  no_seats: {
    title: 'All of your school’s licenses are in use',
    explanation: 'Your school has given out every license it has for this app.',
    nextStep: ASK_ADMIN,
    admin: 'Every seat of the entitlement is taken; add seats or revoke unused licenses.',
  },
  jit_disabled: {
    title: 'Your school has not turned on automatic access',
    explanation: 'New users get access to this app only after an administrator assigns them a license.',
    nextStep: ASK_ADMIN,
    admin: 'Just-in-time provisioning is off for this directory; assign a license by hand or turn JIT on.',
  },
  existing_license: {
    title: 'Welcome back',
    explanation: 'You already have a license.',
    nextStep: '',
    admin: 'The user already held a license.',
  },
  license_assigned: {
    title: 'Access granted',
    explanation: 'You were given a license just now.',
    nextStep: '',
    admin: 'An existing user was given a license just in time.',
  },
  user_created: {
    title: 'Access granted',
    explanation: 'Your account and license were created just now.',
    nextStep: '',
    admin: 'Just-in-time provisioning created the user and gave them a license.',
  },
  launch_invalid: {
    title: 'This launch could not be verified',
    explanation: 'The sign-in message from your portal could not be verified, or it was already used.',
    nextStep: 'Go back to your portal and open the app again. If it keeps happening, ask your IT administrator.',
    admin: 'The launch failed a protocol check (signature, expiry, replay, state); the log has the precise cause.',
  },
  partner_error: {
    title: 'Your portal did not answer',
    explanation: 'We could not confirm who you are with your portal just now.',
    nextStep: 'Wait a moment, then open the app from your portal again.',
    admin: 'A call to the partner failed (error status, timeout or malformed answer).',
  },
  product_unknown: {
    title: 'This app is not available here',
    explanation: 'The app you tried to open is not configured in LaunchGate.',
    nextStep: ASK_ADMIN,
    admin: 'The launch named a product that is not configured.',
  },
  store_error: {
    title: 'Something went wrong on our side',
    explanation: 'We could not record your sign-in just now.',
    nextStep: 'Wait a moment, then open the app from your portal again.',
    admin: 'The store failed during the launch.',
  },
};

export function isRefusalReason(value: string): value is RefusalReason {
  return (REFUSAL_REASONS as readonly string[]).includes(value);
}

export function isAllowedReason(value: string): value is AllowedReason {
  return (ALLOWED_REASONS as readonly string[]).includes(value);
}

export function isLaunchReason(value: string): value is LaunchReason {
  return value in REASON_TEXT;
}
