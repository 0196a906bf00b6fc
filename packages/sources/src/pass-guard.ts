import { InvalidDataError } from '@em/core';

/**
 * A source's passes and its closing, checked the same way by every reader: no pass after `close()`,
 * and no second pass over an input that cannot be read again (a pipe).
 */
export class PassGuard {
  private passes = 0;
  private isClosed = false;

  constructor(
    private readonly name: string,
    private readonly reiterable: boolean,
  ) {}

  /** Counts a new pass; throws when the source is closed, or when a one-shot input was already read. */
  begin(): void {
    if (this.isClosed) throw new InvalidDataError(`${this.name} is closed.`, 'Open the source again for another pass.');
    if (this.passes > 0 && !this.reiterable) {
      throw new InvalidDataError(`${this.name} can be read only once (it is a pipe), and a pass was already made.`, 'Spool it to a file (the default for --data -), or use a single-pass fit.');
    }
    this.passes++;
  }

  /** Marks the source closed; false when it already was (so `close()` runs its clean-up once). */
  close(): boolean {
    if (this.isClosed) return false;
    this.isClosed = true;
    return true;
  }
}
