import { OzApiClient, type UploadProgress } from '../api/client.ts';
import { filterResult, isProcessing } from '../api/result.ts';
import { parseSessionToken, remainingLifetime, verifyIssuer, type SessionToken } from '../api/session-token.ts';
import type { CheckResult, Folder } from '../api/types.ts';
import type { CaptureResult } from '../capture/capture-flow.ts';
import { containerInput, multipartBody } from '../capture/upload-body.ts';
import { ContainerClient } from '../container/client.ts';
import type { OzConfig } from '../config.ts';
import { OzError } from '../errors.ts';
import type { Strings } from '../i18n/index.ts';

/** A token must have this long left on the server's clock when packing starts, or a fresh one is fetched. */
const MIN_TOKEN_LIFETIME_MS = 20_000;

export interface DeliveryOptions {
  strings: () => Strings;
  onProgress?: (progress: UploadProgress) => void;
  /** While the folder is PROCESSING: each poll's filtered result. */
  onResult?: (result: CheckResult) => void;
  pollIntervalMs?: number;
  /** Longest time to wait for the analyses before failing with api_error. */
  pollLimitMs?: number;
}

/** What one capture became on its way out; kept after a failure so nothing has to be captured again. */
export interface Parcel {
  capture: CaptureResult;
  container: Blob | null;
  token: SessionToken | null;
}

/**
 * Delivery of a capture: the session token, the sealed container (in a worker), and the upload with polling.
 * Owns the container worker; dispose() ends it and its requests (the view left the page).
 */
export class Delivery {
  #containers: ContainerClient | null = null;
  #containersFor = '';

  constructor(private readonly options: DeliveryOptions) {}

  dispose(): void {
    this.#containers?.terminate();
    this.#containers = null;
  }

  /** Whether this configuration needs a session token: any upload, and any container (its key is in the token). */
  static needsToken(config: OzConfig): boolean {
    return config.architecture !== 'capture' || config.useWasmContainer;
  }

  /**
   * The session token for one capture. `client`: the host's token (handed over at `handedOverAt`), refused before
   * the camera opens if it is missing or already expired. `api`: a fresh one from the API for every capture.
   */
  async sessionToken(config: OzConfig, signal: AbortSignal, handedOverAt = Date.now()): Promise<SessionToken> {
    const errors = this.options.strings().errors;
    if (config.apiUseSessionToken === 'client') {
      if (!config.sessionToken) throw new OzError('session_token_missing', errors.session_token_missing, { attribute: 'session-token' });
      // The host's backend fetched the token just before handing it over: its lifetime counts from then.
      const token = parseSessionToken(config.sessionToken, handedOverAt);
      if (config.issuerKey) await verifyIssuer(token, config.issuerKey, errors.session_token_untrusted);
      if (remainingLifetime(token) <= 0) {
        throw new OzError('session_token_expired', errors.session_token_expired, { sessionId: token.sessionId, expiresAt: token.expiresAt });
      }
      return token;
    }
    const token = parseSessionToken(await this.#client(config, signal).getSessionToken());
    if (config.issuerKey) await verifyIssuer(token, config.issuerKey, errors.session_token_untrusted);
    return token;
  }

  /** A token still good for packing and upload: in `api` mode an old one is replaced, in `client` mode it is an error. */
  async freshToken(config: OzConfig, token: SessionToken, signal: AbortSignal): Promise<SessionToken> {
    if (config.apiUseSessionToken === 'api') return remainingLifetime(token) >= MIN_TOKEN_LIFETIME_MS ? token : this.sessionToken(config, signal);
    // A host's token is used while it lasts; only the API can say whether it still holds.
    if (remainingLifetime(token) > 0) return token;
    throw new OzError('session_token_expired', this.options.strings().errors.session_token_expired, { sessionId: token.sessionId });
  }

  /** Packs and seals the capture in the container worker. */
  async seal(config: OzConfig, capture: CaptureResult, token: SessionToken): Promise<Blob> {
    const input = await containerInput(capture, config.meta, token.raw);
    return this.#containerClient(config).pack(input, { createdAt: Date.now() + token.clockOffset });
  }

  /**
   * Uploads to `/api/folders/` (normal) or `/api/instant/folders/` (lite), then polls while the analyses run.
   * Resolves with the final folder.
   */
  async upload(config: OzConfig, parcel: Parcel, signal: AbortSignal): Promise<Folder> {
    if (!parcel.token) throw new OzError('session_token_missing', this.options.strings().errors.session_token_missing);
    const client = this.#client(config, signal);
    const body = parcel.container ?? multipartBody(parcel.capture, config.meta);
    let folder = await client.createFolder(body, {
      instant: config.architecture === 'lite',
      sessionToken: parcel.token.raw,
      onProgress: this.options.onProgress,
    });
    // The instant API keeps nothing, so there is nothing to poll: its answer is final.
    if (config.architecture === 'lite') return folder;
    const started = Date.now();
    const limit = this.options.pollLimitMs ?? 120_000;
    while (isProcessing(folder)) {
      this.options.onResult?.(filterResult(folder, config.resultMode));
      if (Date.now() - started > limit) {
        throw new OzError('api_error', this.options.strings().errors.api_error, { reason: 'analyses did not finish', folder_id: folder.folder_id });
      }
      await delay(this.options.pollIntervalMs ?? 1000, signal);
      folder = await client.getFolder(folder.folder_id, parcel.token.raw);
    }
    return folder;
  }

  #client(config: OzConfig, signal: AbortSignal): OzApiClient {
    // Without api-url the API is expected on the page's own origin (as `npm start` serves it).
    return new OzApiClient({ apiUrl: config.apiUrl ?? location.origin, signal });
  }

  #containerClient(config: OzConfig): ContainerClient {
    const key = config.assetsUrl ?? '';
    if (!this.#containers || this.#containersFor !== key) {
      this.#containers?.terminate();
      this.#containers = new ContainerClient(config.assetsUrl ? { wasmUrl: new URL('codec.wasm', withSlash(config.assetsUrl)) } : {});
      this.#containersFor = key;
    }
    return this.#containers;
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
