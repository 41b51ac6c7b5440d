/**
 * Small random values (a CSP nonce on every response) cut from one larger CSPRNG read: a
 * `randomBytes(16)` per request is one OpenSSL call each, and this is on every request's path.
 * The bytes are as unpredictable as randomBytes' own; each is handed out once.
 */
import { randomFillSync } from 'node:crypto';

export class RandomPool {
  private readonly buffer: Buffer;
  private offset: number;

  constructor(size = 4096) {
    this.buffer = Buffer.allocUnsafe(size);
    this.offset = size;
  }

  /** `size` fresh random bytes, base64. */
  base64(size: number): string {
    if (size > this.buffer.length) throw new RangeError(`at most ${this.buffer.length} bytes at a time`);
    if (this.offset + size > this.buffer.length) {
      randomFillSync(this.buffer);
      this.offset = 0;
    }
    const value = this.buffer.toString('base64', this.offset, this.offset + size);
    this.offset += size;
    return value;
  }
}
