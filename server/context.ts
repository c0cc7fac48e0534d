import type { Accounts } from './auth.ts';
import type { EmulatorConfig } from './config.ts';
import type { Folders } from './folders.ts';
import type { SessionAuthority } from './sessions.ts';
import type { Store } from './store.ts';
import type { ContainerOpener } from './upload.ts';

/** Everything the routes share; built once per emulator instance, so two emulators in one process never mix. */
export interface EmulatorContext {
  config: EmulatorConfig;
  store: Store;
  accounts: Accounts;
  sessions: SessionAuthority;
  folders: Folders;
  opener: ContainerOpener;
  clock: () => number;
}
