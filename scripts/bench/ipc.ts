/**
 * A small request/answer protocol over a forked child's IPC channel: the benchmark drives its
 * simulators (add users, read counters) without an extra HTTP control port.
 */
import type { ChildProcess } from 'node:child_process';

interface Call {
  id: number;
  op: string;
  args: unknown;
}

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export type Handlers = Record<string, (args: never) => unknown>;

/** Child side: answers each call with its handler's (awaited) value, or the error's message. */
export function serveRpc(handlers: Handlers): void {
  if (typeof process.send !== 'function') throw new Error('this script runs as a forked child of the benchmark');
  process.on('message', (message: Call) => {
    const handler = handlers[message.op];
    const reply = (answer: Answer) => process.send?.(answer);
    if (handler === undefined) {
      reply({ id: message.id, ok: false, error: `unknown operation ${message.op}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args as never))
      .then(
        (value) => reply({ id: message.id, ok: true, value }),
        (err: unknown) => reply({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  // The parent's death closes the channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
}

/** Parent side. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (answer: Answer) => {
      const waiter = this.pending.get(answer.id);
      if (waiter === undefined) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(new Error(`${this.name}: ${answer.error ?? 'failed'}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.name} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  call<T>(op: string, args: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, args } satisfies Call, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }
}
