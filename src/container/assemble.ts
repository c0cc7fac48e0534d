// Gathering a sealed container's bytes into its Blob, in the container worker or in the thread it hands them to
// (container.worker.ts, "the Blob's own thread").

/** The container's first bytes, read into its Blob from a stream: 4 MiB. */
export const STREAMED = 4 << 20;
/** Past those, chunks gathered into one Blob: 4 MiB. */
export const GROUP = 4 << 20;

/**
 * Takes a container's bytes and makes its Blob: the header, then each chunk in order, as soon as it is sealed.
 *
 * The first STREAMED bytes of those chunks enter a stream the Blob is read from: the browser takes the bytes as they
 * come, so no copy of them is held, and each chunk can go once it has been read. new Blob(parts) instead copies the
 * parts, then maps shared memory of the Blob's whole size to hand them over: three times a 1 MB container at the
 * peak, against under two through the stream (bench:container). The stream is read more slowly than new Blob copies,
 * though; so past STREAMED, where a copy of one group is small beside the container, the bytes are gathered into
 * Blobs of GROUP bytes. The stream is read by the thread that made it, between that thread's tasks. The container's
 * Blob is then one Blob of the stream's Blob and the groups.
 */
export class BlobAssembler {
  private sink: ReadableStreamDefaultController<Uint8Array> | null = null;
  private streamed: Promise<Blob> | null = null;
  private inStream = 0;
  private streaming = true;
  private readonly groups: Blob[] = [];
  private group: Uint8Array<ArrayBuffer>[] = [];
  private grouped = 0;
  /** Milliseconds spent making the groups' Blobs. */
  groupsMs = 0;

  /** The header, then each chunk, in order. */
  add(bytes: Uint8Array): void {
    if (this.streaming && this.inStream + bytes.length <= STREAMED) {
      if (!this.sink) {
        const body = new ReadableStream<Uint8Array>({ start: (controller) => { this.sink = controller; } });
        this.streamed = new Response(body).blob();
        this.streamed.catch(() => {});
      }
      this.sink!.enqueue(bytes);
      this.inStream += bytes.length;
      return;
    }
    if (this.streaming) {
      this.sink?.close();
      this.streaming = false;
    }
    this.group.push(bytes as Uint8Array<ArrayBuffer>);
    this.grouped += bytes.length;
    if (this.grouped >= GROUP) {
      const t = performance.now();
      this.groups.push(new Blob(this.group));
      this.groupsMs += performance.now() - t;
      this.group = [];
      this.grouped = 0;
    }
  }

  /** The container's Blob. */
  async finish(): Promise<Blob> {
    if (this.streaming) this.sink?.close();
    this.streaming = false;
    const read = this.streamed ? [await this.streamed] : [];
    return new Blob([...read, ...this.groups, ...this.group], { type: 'application/octet-stream' });
  }

  /** Drops what was taken (the pack failed). */
  abort(reason: unknown): void {
    if (this.streaming) this.sink?.error(reason);
    this.streaming = false;
    this.group = [];
  }
}
