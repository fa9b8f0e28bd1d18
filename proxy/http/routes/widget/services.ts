import type { BonusService } from '../../../services/bonus-service.js';
import type { CardService } from '../../../services/card-service.js';
import type { ConnectionService } from '../../../services/connection-service.js';
import type { SettingsService } from '../../../services/settings-service.js';
import type { SyncService } from '../../../services/sync-service.js';

/** The application services the widget routes call. */
export type WidgetServices = {
  connection: ConnectionService;
  card: CardService;
  bonus: BonusService;
  settings: SettingsService;
  sync: SyncService;
};
