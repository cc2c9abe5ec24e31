import type { Device, GeneralConfig, RawConfig, WriteDurability } from '@provd/sdk';

/** How a render thread loads its own instance of a plugin: the folder and environment of the main thread's load. */
export interface RenderPluginSpec {
  /** The plugin id. */
  id: string;
  /** Increases with every load of the plugin in the main thread: a new key makes the thread load it again. */
  key: number;
  /** The plugin folder. */
  dir: string;
  /** The host's general configuration. */
  generalConfig: GeneralConfig;
  /** The plugin's own configuration. */
  pluginConfig: Record<string, unknown>;
  /** The SDK version plugins are checked against, when not the host's. */
  sdkVersion?: string;
  /** The base raw config given to `configureCommon` after the load, when the main thread gives one. */
  baseRawConfig?: RawConfig;
  /** Whether the thread's writes are fsynced one by one (`none`: the caller makes each batch durable at once). */
  writeDurability: WriteDurability;
}

/** What the main thread asks a render thread: configure devices, or close its instance of a plugin. */
export type RenderRequest = ConfigureRequest | ForgetRequest;

/** Configure devices (answered with `configured` or `failed`). */
export interface ConfigureRequest {
  type: 'configure';
  /** The request id (answered with it). */
  id: number;
  /** The plugin that configures the devices. */
  spec: RenderPluginSpec;
  /** The raw configs (defaulted and validated), each copied for every device that uses it. */
  raws: RawConfig[];
  /** The devices, each with the index of its raw config in `raws`. */
  devices: { device: Device; raw: number }[];
}

/** Close the thread's instance of a plugin (uninstalled in the main thread; not answered). */
export interface ForgetRequest {
  type: 'forget';
  /** The plugin id. */
  plugin: string;
}

/** How one device's `configure` ended in a render thread. */
export type RenderResult =
  | { ok: true; seconds: number }
  | { ok: false; seconds: number; reason: string; writeFailure: boolean; code?: string };

/** What a render thread answers. */
export type RenderReply =
  | { type: 'configured'; id: number; results: RenderResult[] }
  /** The request failed as a whole (the plugin could not be loaded in the thread). */
  | { type: 'failed'; id: number; reason: string }
  /** A line the thread's plugin logged. */
  | { type: 'log'; line: string };
