/**
 * The deliverer the queue uses: through the configured smarthost, or straight
 * to each recipient domain's MX hosts.
 */
import type { DeliveryConfig } from '../protocol.js';
import { createMxDeliverer } from './mx.js';
import { createSmarthostDeliverer, type SmarthostOptions } from './smarthost.js';
import type { Deliverer } from './types.js';

export type { Deliverer, DeliveryJob, RecipientResult, RecipientStatus } from './types.js';

export function createDeliverer(config: DeliveryConfig, options: SmarthostOptions): Deliverer {
  return config.mode === 'smarthost' ? createSmarthostDeliverer(config, options) : createMxDeliverer(config, options);
}
