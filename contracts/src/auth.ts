import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './limits.ts';
import { labelSchema } from './text.ts';
import { userRoles } from './vocabulary.ts';

/** One definition per payload: validation, TypeScript types and the OpenAPI document all come from here. */

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };

// The handful of passwords credential-stuffing lists start with; length alone would let these through.
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  'password12',
  'password123',
  'password1234',
  'qwertyuiop',
  'azertyuiop',
  '1q2w3e4r5t',
  'motdepasse',
  'iloveyou123',
  'administrator',
  'changeme123',
]);

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address.' }))
  .transform((email) => email.toLowerCase())
  .meta({ example: 'ada@example.org' });

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`)
  .refine((password) => new Set(password).size >= 4, 'Use more varied characters.')
  .refine((password) => !COMMON_PASSWORDS.has(password.toLowerCase()), 'This password is too common.');

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'Use at least 3 characters.')
  .max(40, 'Use at most 40 characters.')
  .regex(/^[A-Za-z0-9_.-]+$/, 'Use letters, digits, dots, dashes or underscores.');

export const fullNameSchema = labelSchema(120);

export const registerBodySchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    username: usernameSchema.optional(),
    full_name: fullNameSchema.optional(),
  })
  .strict();

export const loginBodySchema = z
  .object({
    email: emailSchema,
    // No policy at login: an old password must still be accepted, and we must not hint at the rules.
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .strict();

export const refreshTokenBodySchema = z.object({ refresh_token: z.string().min(1).max(200) }).strict();

export const tokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().meta({ description: 'Lifetime of the access token in seconds.' }),
  })
  .meta({ id: 'TokenPair' });

export const userProfileSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    username: z.string().nullable(),
    full_name: z.string().nullable(),
    role: z.enum(userRoles),
    has_password: z.boolean(),
    providers: z.array(z.string()).meta({ description: 'OAuth providers linked to this account.' }),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'UserProfile' });

export const updateProfileBodySchema = z
  .object({
    username: usernameSchema.nullable().optional(),
    full_name: fullNameSchema.nullable().optional(),
    current_password: z.string().min(1).max(PASSWORD_MAX_LENGTH).optional(),
    new_password: passwordSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Send at least one field to change.')
  .refine((body) => body.new_password === undefined || body.current_password !== undefined, {
    path: ['current_password'],
    message: 'Give your current password to set a new one.',
  });

export const oauthProviderNames = ['github', 'google'] as const;

export const authProvidersSchema = z
  .object({
    password: z.boolean(),
    providers: z.array(z.enum(oauthProviderNames)),
  })
  .meta({ id: 'AuthProviders' });

export const oauthProviderParamsSchema = z.object({ provider: z.string().min(1).max(40) });

/** A path on the web app to return to: same-site only, so it can never become an open redirect. */
export const nextPathSchema = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])[^\u0000-\u001f]*$/, 'Must be a path on this site, like /terms.');

export const oauthStartQuerySchema = z
  .object({
    next: nextPathSchema.optional(),
    mode: z
      .enum(['login', 'link'])
      .default('login')
      .meta({ description: '`link` adds the provider to the signed-in user.' }),
  })
  .strict();

export const oauthCallbackQuerySchema = z
  .object({
    code: z.string().max(2000).optional(),
    state: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
    error_uri: z.string().max(2000).optional(),
    iss: z.string().max(2000).optional(),
    scope: z.string().max(2000).optional(),
    authuser: z.string().max(20).optional(),
    prompt: z.string().max(200).optional(),
    hd: z.string().max(200).optional(),
  })
  .strict();

export const oauthOutcomeSchema = z
  .object({
    mode: z.enum(['login', 'link']),
    next: z.string().nullable(),
    tokens: tokenPairSchema
      .nullable()
      .meta({ description: 'A new session (login mode); null when linking.' }),
  })
  .meta({ id: 'OAuthOutcome' });

export type RegisterBody = z.infer<typeof registerBodySchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;
export type TokenPair = z.infer<typeof tokenPairSchema>;
export type UserProfile = z.infer<typeof userProfileSchema>;
export type UpdateProfileBody = z.infer<typeof updateProfileBodySchema>;
