import { auditRecorder } from '../../audit/recorder.ts';
import { z } from 'zod';
import { hashPassword } from '../../auth/passwords.ts';
import { authRepository } from '../../auth/repository.ts';
import { emailSchema, passwordSchema, usernameSchema } from '../../auth/schemas.ts';
import { isUniqueViolation } from '../../platform/database/errors.ts';
import {
  CliError,
  exitCodes,
  parseCommandArgs,
  requireOption,
  usageError,
  type CommandDeps,
  type CommandSpec,
} from '../command.ts';
import { hiddenPrompt } from '../prompt.ts';

const PASSWORD_ENV = 'LEXIKON_ADMIN_PASSWORD';
const PROMPT_ATTEMPTS = 3;

const options = {
  email: { type: 'string', short: 'e' },
  password: { type: 'string', short: 'p' },
  username: { type: 'string', short: 'u' },
} as const;

interface AdminInput {
  email: string;
  username?: string | undefined;
  password?: string | undefined;
}

type Outcome = { kind: 'created' | 'promoted' | 'already-admin'; id: string };

export async function createAdmin(deps: CommandDeps): Promise<number> {
  const values = parseCommandArgs('create-admin', options, deps.args);
  const env = deps.env ?? process.env;
  const passwordSource = values.password !== undefined ? '--password' : PASSWORD_ENV;
  const input = validate(
    {
      email: requireOption('create-admin', values.email, '--email'),
      username: values.username,
      password: values.password ?? env[PASSWORD_ENV],
    },
    passwordSource,
  );

  // Only a new account needs a password; an existing one is promoted as it is unless one is given.
  const existing = await authRepository.findUserByEmail(deps.database.db, input.email);
  const password = input.password ?? (existing ? undefined : await askPassword(deps, input.email));
  // Hashing takes a noticeable moment: do it before the transaction, not while holding it open.
  const passwordHash = password === undefined ? undefined : await hashPassword(password);

  let outcome: Outcome;
  try {
    outcome = await deps.database.db.transaction(async (tx): Promise<Outcome> => {
      const user = await authRepository.findUserByEmail(tx, input.email);
      if (!user) {
        if (passwordHash === undefined)
          throw new CliError('The account was deleted meanwhile; run the command again.', exitCodes.tempFail);
        const created = await authRepository.insertUser(tx, {
          email: input.email,
          passwordHash,
          username: input.username ?? null,
          role: 'admin',
        });
        await auditRecorder.record(tx, {
          action: 'admin.promoted',
          actorId: null,
          actorEmail: null,
          target: { type: 'user', id: created.id },
          details: { email: input.email, account: 'created' },
        });
        return { kind: 'created', id: created.id };
      }
      await authRepository.updateUser(tx, user.id, {
        role: 'admin',
        ...(passwordHash === undefined ? {} : { passwordHash }),
        ...(input.username === undefined ? {} : { username: input.username }),
      });
      // As when a user changes their password: whoever held the old one is signed out everywhere.
      if (passwordHash !== undefined) await authRepository.revokeAllForUser(tx, user.id);
      await auditRecorder.record(tx, {
        action: 'admin.promoted',
        actorId: null,
        actorEmail: null,
        target: { type: 'user', id: user.id },
        details: {
          email: input.email,
          account: user.role === 'admin' ? 'already_admin' : 'promoted',
          password_reset: passwordHash !== undefined,
        },
      });
      return { kind: user.role === 'admin' ? 'already-admin' : 'promoted', id: user.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_username_key'))
      throw new CliError('Invalid input:', exitCodes.dataError, ['  - --username: This username is taken.']);
    if (isUniqueViolation(error, 'users_email_key'))
      throw new CliError(
        'An account with this email was created meanwhile; run the command again.',
        exitCodes.tempFail,
      );
    throw error;
  }

  const who = `${input.email} (id ${outcome.id})`;
  const lines = [
    outcome.kind === 'created'
      ? `Created administrator ${who}.`
      : outcome.kind === 'promoted'
        ? `Promoted ${who} to administrator.`
        : `${who} is already an administrator.`,
  ];
  if (outcome.kind !== 'created') {
    if (passwordHash !== undefined)
      lines.push('Password changed; the account’s existing sessions are revoked.');
    if (input.username !== undefined) lines.push(`Username set to "${input.username}".`);
  }
  deps.stdout.write(`${lines.join('\n')}\n`);
  return exitCodes.ok;
}

/** The API's own rules, with each problem named after the flag (or variable) it came from. */
function validate(raw: AdminInput, passwordSource: string): AdminInput {
  const parsed = z
    .object({
      email: emailSchema,
      username: usernameSchema.optional(),
      password: passwordSchema.optional(),
    })
    .safeParse(raw);
  if (parsed.success) return parsed.data;
  const source: Record<string, string> = {
    email: '--email',
    username: '--username',
    password: passwordSource,
  };
  throw new CliError(
    'Invalid input:',
    exitCodes.dataError,
    parsed.error.issues.map((issue) => `  - ${source[String(issue.path[0])] ?? 'input'}: ${issue.message}`),
  );
}

async function askPassword(deps: CommandDeps, email: string): Promise<string> {
  const stdin = deps.stdin ?? process.stdin;
  if (!stdin.isTTY)
    throw usageError(
      'create-admin',
      `A new account needs a password: pass --password, set ${PASSWORD_ENV}, or run in a terminal to be asked.`,
    );
  const prompt = deps.prompt?.() ?? hiddenPrompt(stdin, deps.stderr);
  try {
    for (let attempt = 1; attempt <= PROMPT_ATTEMPTS; attempt++) {
      const password = await prompt.ask(`Password for ${email}: `);
      const checked = passwordSchema.safeParse(password);
      if (!checked.success) {
        deps.stderr.write(checked.error.issues.map((issue) => `  ${issue.message}\n`).join(''));
        continue;
      }
      if ((await prompt.ask('Repeat the password: ')) === password) return password;
      deps.stderr.write('  The passwords do not match.\n');
    }
  } finally {
    prompt.close();
  }
  throw new CliError(`No acceptable password after ${PROMPT_ATTEMPTS} attempts.`, exitCodes.dataError);
}

export const createAdminCommand: CommandSpec = {
  name: 'create-admin',
  summary: 'Create an administrator account, or promote an existing one',
  options,
  run: createAdmin,
  help: `Usage: lexikon create-admin --email EMAIL [--password PASSWORD] [--username NAME]

Creates an administrator account. If an account with this email exists, promotes it to administrator
(and changes its password if one is given, which signs out its existing sessions).

Options:
  -e, --email EMAIL        Email address of the account (required)
  -p, --password PASSWORD  Password; otherwise taken from ${PASSWORD_ENV}, otherwise asked for
                           (without echo) when run in a terminal. Required for a new account.
  -u, --username NAME      Username (3-40 letters, digits, dots, dashes or underscores)
  -h, --help               Show this help

The password must satisfy the API's rules (at least 10 varied characters, not a common password).
Prefer ${PASSWORD_ENV} or the prompt to --password: command lines are visible to other local users.
`,
};
