/**
 * Reading a new password: from a piped stdin (first line), or typed twice at a terminal without
 * echo, or generated and printed once. Never from a command-line argument, where it would stay in
 * the shell history and be visible to other users in the process list.
 */
import { randomBytes } from 'node:crypto';
import type { CliInput, CliIo } from './io';
import { UsageError } from './io';

function readAll(stdin: CliInput): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    stdin.on('data', (chunk) => {
      data += chunk.toString();
    });
    stdin.on('end', () => resolve(data));
    stdin.resume();
  });
}

/** Reads one line at a terminal, echoing nothing. */
function readHidden(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    stdin.setRawMode?.(true);
    const done = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.removeAllListeners('data');
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    stdin.on('data', (chunk) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    });
    stdin.resume();
  });
}

export type PasswordSource = 'stdin' | 'generate' | 'auto';

export interface NewPassword {
  password: string;
  /** Set when generated: print it once. */
  generated: boolean;
}

export async function readNewPassword(io: CliIo, source: PasswordSource): Promise<NewPassword> {
  if (source === 'generate') return { password: randomBytes(18).toString('base64url'), generated: true };
  if (source === 'stdin' || !io.stdin.isTTY) {
    const first = (await readAll(io.stdin)).split(/\r?\n/)[0] ?? '';
    if (first === '') throw new UsageError('No password on standard input. Pipe one in, or use --generate-password.');
    return { password: first, generated: false };
  }
  const password = await readHidden(io, 'New password: ');
  const again = await readHidden(io, 'Repeat it: ');
  if (password !== again) throw new UsageError('The two passwords are not the same.');
  return { password, generated: false };
}
