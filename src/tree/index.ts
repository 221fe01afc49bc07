export { VirtualTree, type FileChange } from "./virtual-tree.js";
export { Journal, JOURNAL_DIR, recoverJournal, type Recovery } from "./journal.js";
export { acquireProjectLock, checkLockStillHeld, LOCK_FILE, ProjectLock, ProjectLockedError, type LockHolder, type LockOptions } from "./project-lock.js";
