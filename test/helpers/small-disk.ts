/**
 * A `writeSync` for a test's `vi.mock('node:fs')` that puts one file on a disk with little room:
 * a write to it takes what room is left, then fails with ENOSPC, as a nearly full disk does.
 * Writes to any other file go through unchanged. The sink writes a string first (from its start)
 * and, when that is cut short, the rest as bytes from an offset: both are taken here.
 */
import type * as fs from 'node:fs';

export interface SmallDiskFile {
  /** The inode of the file on the small disk; -1 for none. */
  inode: number;
  /** Bytes that file may still take. */
  room: number;
  /** Told of each write to that file: how many bytes it wanted, and how many it got. */
  onWrite?(wanted: number, written: number): void;
}

/**
 * `file` is asked for at each write: a vi.mock factory runs before the test module's own
 * top-level variables are set.
 */
export function writeSyncOnSmallDisk(
  real: typeof fs,
  fileOf: () => SmallDiskFile,
): typeof fs.writeSync {
  return ((fd: number, data: Uint8Array | string, at?: number | null, ...rest: unknown[]) => {
    const file = fileOf();
    if (file.inode === -1 || real.fstatSync(fd).ino !== file.inode) {
      return (real.writeSync as (...args: unknown[]) => number)(fd, data, at, ...rest);
    }
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    const offset = typeof data === 'string' ? 0 : (at ?? 0);
    const wanted = buffer.length - offset;
    if (file.room <= 0) {
      file.onWrite?.(wanted, 0);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    const length = Math.min(wanted, file.room);
    file.room -= length;
    file.onWrite?.(wanted, length);
    return real.writeSync(fd, buffer, offset, length);
  }) as typeof fs.writeSync;
}
