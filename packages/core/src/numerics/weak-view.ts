/**
 * Remembers which typed-array view was seen last — its buffer (held weakly), byte offset and length
 * — without keeping the data alive, for kernels that skip copying a block already in their arena.
 *
 * Why not one `new WeakRef(view)` per call: a WeakRef created during a synchronous job keeps its
 * target alive until the job ends (the engine's "kept objects"), so a long synchronous fit that made
 * one per block, on views created per E-step, grew without bound (found by the CLI fuzz suite: a
 * count mixture ran out of a 512 MB heap). Here a WeakRef is made only when the buffer changes.
 */
export class WeakViewIdentity {
  private buffer: WeakRef<ArrayBufferLike> | undefined;
  private byteOffset = -1;
  private length = -1;

  /** Whether `view` covers the same bytes of the same (still living) buffer as the remembered one. */
  matches(view: ArrayBufferView): boolean {
    return this.buffer !== undefined && this.byteOffset === view.byteOffset && this.length === view.byteLength && this.buffer.deref() === view.buffer;
  }

  /** Remembers `view`; reuses the WeakRef when the buffer is the same. */
  remember(view: ArrayBufferView): void {
    if (this.buffer?.deref() !== view.buffer) this.buffer = new WeakRef(view.buffer);
    this.byteOffset = view.byteOffset;
    this.length = view.byteLength;
  }

  forget(): void {
    this.byteOffset = -1;
    this.length = -1;
  }
}
