/**
 * The cloud import providers. PARITY: official client 96b1551 and 41dde01 cli.rs ImportCommands
 * ProvisionIdentity: "Cloud provider: google_drive, box, onedrive_business, dropbox". CHOICE:
 * `emulator` is the emulator's own provider (a drive set through the control plane or read from
 * `--import-root`); the live providers are listed but cannot be provisioned offline (501 naming
 * the provider: connecting needs the provider's OAuth consent).
 */
import { ApiError, Codes } from '../http/errors.js';
import type { ImportProvider } from '../store/import-model.js';

export interface ProviderInfo {
  provider: ImportProvider;
  name: string;
  /** can an identity be provisioned in the emulator */
  available: boolean;
}

export const PROVIDERS: readonly ProviderInfo[] = [
  { provider: 'google_drive', name: 'Google Drive', available: false },
  { provider: 'box', name: 'Box', available: false },
  { provider: 'onedrive_business', name: 'OneDrive for Business', available: false },
  { provider: 'dropbox', name: 'Dropbox', available: false },
  { provider: 'emulator', name: 'Emulator drive', available: true },
];

export const PROVIDER_NAMES = PROVIDERS.map((p) => p.provider) as [ImportProvider, ...ImportProvider[]];

export const OFFLINE_REASON = "connecting needs the provider's OAuth consent, which cannot happen offline";

export function providerJson(p: ProviderInfo): Record<string, unknown> {
  return {
    provider: p.provider,
    name: p.name,
    available: p.available,
    emulator_only: p.provider === 'emulator',
    reason: p.available ? null : `The emulator cannot connect to ${p.name}: ${OFFLINE_REASON}. Use the \`emulator\` provider.`,
    access_modes: ['read_only', 'read_write'],
  };
}

/** 501/1501 naming the provider: a live provider's identity cannot be provisioned offline. */
export function providerUnavailable(provider: ImportProvider): ApiError {
  const p = PROVIDERS.find((x) => x.provider === provider)!;
  return new ApiError(
    501,
    Codes.notImplemented,
    `The emulator cannot provision a ${p.provider} (${p.name}) identity: ${OFFLINE_REASON}. Use provider "emulator".`,
    {
      hint: `Provider ${p.provider} is documented but needs its OAuth flow; the emulator provider "emulator" works offline.`,
    },
  );
}
