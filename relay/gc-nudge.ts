/**
 * Large messages make garbage faster than V8 collects it. Every socket read
 * and file read is a buffer of its own outside the JavaScript heap, and V8
 * starts a collection for those only after 64 MB more of them, so with 100
 * messages of 20 MB in flight the relay carried up to 64 MB of dead buffers.
 * Counting the bytes large messages move, the relay asks for a full
 * collection every few megabytes instead (its heap is small). Measured in
 * W3-20MB: peak RSS 145–176 → 122–131 MB, for ~+50% CPU per 20 MB message
 * (every 16 MB: 138 MB, +25%; minor collections alone did not help). Small
 * messages are not counted: V8's own pace suits them. Needs --expose-gc
 * (RELAY_EXEC_ARGV); without it this does nothing.
 */

/** Each byte moved leaves about two bytes of garbage buffers behind (the read, and a copy on the way). */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;

let moved = 0;
let scheduled = false;

export function noteLargeBytes(bytes: number): void {
  const collect = globalThis.gc;
  if (!collect) return;
  moved += bytes;
  if (moved < COLLECT_EVERY_BYTES || scheduled) return;
  moved = 0;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    collect();
  });
}
