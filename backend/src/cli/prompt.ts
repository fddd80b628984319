import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, exitCodes } from './command.ts';

export interface HiddenPrompt {
  ask(question: string): Promise<string>;
  close(): void;
}

/**
 * Asks for secrets on a terminal without echoing them. Readline still does the line editing (backspace,
 * paste) but writes its echo into a muted stream. Lines are read through one async iterator, so input
 * typed (or piped) ahead of a question is buffered rather than lost.
 */
export function hiddenPrompt(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): HiddenPrompt {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: muted, terminal: true });
  let interrupted = false;
  rl.on('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question) {
      output.write(question);
      const next = await lines.next();
      output.write('\n');
      // 130: the shell's status for a process stopped by Ctrl-C.
      if (interrupted) throw new CliError('Cancelled.', 130);
      if (next.done)
        throw new CliError('No input: the terminal closed before a password was entered.', exitCodes.noInput);
      return next.value;
    },
    close: () => rl.close(),
  };
}
