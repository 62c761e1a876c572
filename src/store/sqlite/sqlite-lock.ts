/**
 * The SQLite sequencer lock: an exclusive lock held on a small companion file.
 *
 * The log database itself runs in WAL mode so that any number of processes can
 * read while the sequencer writes; the "only one writer" rule is therefore
 * enforced on `<db>.sequencer-lock`, a second SQLite file opened with
 * locking_mode=EXCLUSIVE inside an open EXCLUSIVE transaction. SQLite takes an
 * OS-level lock for it, which the kernel drops when the process dies (even on
 * SIGKILL), so a crashed sequencer never leaves a stale lock behind, and a second
 * connection, in this process or another, is refused at once (busy_timeout=0).
 */
import Database from 'better-sqlite3';

export interface FileLock {
  release(): void;
}

/** Takes the lock or returns null when another connection holds it. */
export function tryLockFile(lockPath: string): FileLock | null {
  const db = new Database(lockPath);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw e;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
