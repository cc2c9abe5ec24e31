import { randomUUID } from 'node:crypto';
import { isProvdError, type AnyRequest, type Device, type DevInfo, type ProvdPlugin, type RawConfig, type RequestType } from '@provd/sdk';
import { associatePlugin, betterPlugin, requestFilename, requestPath, retrieveDevice, changesDeviceInfo, updateDeviceInfo, type DeviceLookup } from '../identification/index';
import { reasonOf, type AppContext } from './app-context';
import { newRecordId } from '../store/records';
import type { DocumentWrite, StoreEngine } from '../store/store';
import type { StoredConfig } from './config-input';
import type { DeviceConfiguration } from './device-configuration';
import type { KeyedLock } from './keyed-lock';
import { RecentDevices } from './recent-devices';
import type { RawConfigs } from './raw-configs';
import type { SecurityGuard } from './security-guard';

/** The keys a device created for an unknown requester holds alone (checked in its commit). */
const NEW_DEVICE_UNIQUE_KEYS = ['mac'] as const;

/** What identification made of one request. */
export interface ProcessResult {
  /** The device the request comes from, as stored after the request. */
  device?: Device;
  /** The loaded plugin that serves the device. */
  plugin?: ProvdPlugin;
  /** Set when the request is refused by the sensitive-file rate limit. */
  refused?: boolean;
  /** Set when a sensitive file is refused to a request not entitled to it (answered as not found). */
  denied?: boolean;
  /**
   * Set when a pending change was brought to the device for this request (its files written just before its answer):
   * a copy of its files held in memory may predate them (see the `fresh` flag of {@link FileLocation}).
   */
  reconfigured?: boolean;
}

/** A known device whose request changes nothing, and whether the file it asks for is sensitive. */
interface Known {
  device: Device;
  sensitive: boolean;
}

/** One request as the pipeline sees it once extracted: what it told, and what it asks for. */
interface Asked {
  devInfo: DevInfo;
  type: RequestType;
  tenantUuid: string | undefined;
  /** The key its identity lock is taken by. */
  identity: string;
  filename: string | undefined;
  path: string | undefined;
  /**
   * Set by {@link RequestProcessing.unchanged} when its look-ups by MAC, serial and UUID found no device: the locked
   * path then looks up by IP only (a device of that MAC created meanwhile makes the creation fail on the MAC kept
   * unique, and the locked path is taken again with every look-up).
   */
  missed?: boolean;
  /** The devices of its IP, read with its look-up by MAC when the store does both at once (see `Store.phoneLookup`). */
  byIp?: () => Promise<readonly Device[]>;
  /**
   * Set for a file request (HTTP, TFTP), whose answer is where its file is: a new phone whose device gets no file
   * may then be answered before its device's commit (see {@link RequestProcessing.locked}).
   */
  fileRequest?: boolean;
}

/**
 * A new device of an unknown requester: a copy of what its request told (its values of object type, `X_` keys,
 * deep-copied: the standard keys are strings), then its own keys. Built key by key into one object: a
 * `structuredClone` of the whole (a serialization and a deserialization), and then a spread of the copy with the
 * device's keys, were each a measurable share of a new phone's request.
 */
function newDeviceFrom(devInfo: DevInfo): Device {
  const device: Record<string, unknown> = {};
  const told = devInfo as Record<string, unknown>;
  for (const key of Object.keys(told)) {
    const value = told[key];
    device[key] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  device.id = newRecordId();
  device.added = 'auto';
  device.is_new = true;
  device.configured = false;
  return device as unknown as Device;
}

/** How many devices a look-up by IP reads (a few share an IP only behind NAT). */
const IP_LOOKUP_LIMIT = 16;

/**
 * How many new phones may be answered before their device's commit at once, by store engine (see
 * {@link RequestProcessing.locked}): beyond, a new phone's answer waits for its commit, as every other change's does
 * (what the store has not written yet stays bounded when phones arrive faster than it writes). SQLite: 64, not more:
 * each waiting commit keeps its request's state alive, and with 256 waiting the commits took 25 ms (the store writing
 * them in turn), long enough for that state to be promoted to the old generation on every new phone (see
 * docs/decisions.md: `pnpm bench pipeline`). PostgreSQL: 256, its commits waiting on the server's round trips: with 64
 * the new phones waited for them, a third of the machine idle (see docs/decisions.md).
 */
export const EARLY_ANSWERS_LIMIT: Readonly<Record<StoreEngine, number>> = { sqlite: 64, postgres: 256 };

/** Called with a new phone's answer once its device is decided, before its commit (see {@link RequestProcessing.locked}). */
type EarlyAnswer = (result: ProcessResult) => void;

/**
 * Where a requested file is to be read from, the one contract of the HTTP and TFTP servers: the folder of the
 * device's plugin (`root`, holding the file by its requested name), or why there is none: `refused` (the
 * sensitive-file rate limit) or `unknown` (no device, or no loaded plugin for it).
 */
export type FileLocation = ({ root: string } | { refused: true } | { unknown: true }) & {
  /** The id of the device behind the request, when there is one (access log). */
  device?: string;
  /** The id of its plugin, when it has a loaded one (access log). */
  plugin?: string;
  /**
   * Set when the device's files were written for this request (a pending change brought to it first): a server
   * holding a copy of the file in memory checks it against the disk before answering, since the notice of the file's
   * change (a folder watch) may not have reached it yet.
   */
  fresh?: true;
};

/**
 * The request pipeline (contract §3.2): every DHCP, HTTP and TFTP request is identified (the host's identification
 * module: extract, then associate), its device retrieved or created, updated, associated with a plugin, configured
 * when needed, and its remote state tracked. Requests of one phone run one at a time.
 */
export class RequestProcessing {
  /** Processes the requests of `app`, guarded by `security`. */
  constructor(
    private readonly app: AppContext,
    private readonly configuration: DeviceConfiguration,
    private readonly rawConfigs: RawConfigs,
    private readonly security: SecurityGuard,
    private readonly identityLock: KeyedLock,
  ) {
    this.recent = new RecentDevices(app.store);
  }

  /** Lookups of the retriever, on the store's indexed columns (by MAC, serial or UUID only the first device counts). */
  private readonly lookup: DeviceLookup = {
    findBy: async (key, value) => {
      if (key === 'ip') return (await this.app.devices.find({ ip: value }, { limit: IP_LOOKUP_LIMIT })).items;
      const first = await this.app.devices.findOne({ [key]: value });
      return first ? [first] : [];
    },
  };

  /** The devices found lately by MAC, serial or UUID (for requests that change nothing). */
  private readonly recent: RecentDevices;

  /** {@link RequestProcessing.lookup} through the devices found lately: the records it gives are shared and frozen. */
  private readonly recentLookup: DeviceLookup = {
    findBy: async (key, value) => {
      if (key === 'ip') return this.lookup.findBy(key, value);
      const first = await this.recent.first(key, value, () => this.app.devices.findOne({ [key]: value }));
      return first ? [first] : [];
    },
  };

  /**
   * Runs the identification pipeline on one request: extract (every plugin votes, then the standard extractor) →
   * retrieve by MAC, serial, UUID or IP, else create → update → associate a plugin → configure when needed →
   * remote-state tracking. A request for a sensitive file (hit or miss) is logged and counted by the rate limit, and
   * answered only when it may read the device's files; a request that proves nothing never moves a known device's
   * IP (unless `trustRequestIp`). A request of a known device that changes nothing (a phone fetching its files
   * again: the usual request) is answered from the device as read, without its locks ({@link RequestProcessing.unchanged});
   * every other runs under the lock of its identity, then of its device.
   */
  process(request: AnyRequest, type: RequestType, tenantUuid?: string): Promise<ProcessResult> {
    return this.app.plugins
      .extractor(type)
      .extract(request as never, type)
      .then((devInfo) => this.identified(request, type, tenantUuid, devInfo ?? {}));
  }

  /**
   * {@link RequestProcessing.process} once the request's information is extracted: at once (no promise) for a known
   * device whose request changes nothing and needs no pending reconfiguration (the usual request).
   */
  private identified(request: AnyRequest, type: RequestType, tenantUuid: string | undefined, devInfo: DevInfo, fileRequest = false): ProcessResult | Promise<ProcessResult> {
    const filename = requestFilename(request, type);
    const path = requestPath(request, type);
    const identity = devInfo.mac ?? devInfo.sn ?? devInfo.uuid ?? devInfo.ip ?? 'anonymous';
    const asked: Asked = { devInfo, type, tenantUuid, identity, filename, path, fileRequest };
    const unchanged = this.unchanged(asked);
    // answered at once from a device found lately (the usual request): no promise to wait on
    if (unchanged instanceof Promise) return unchanged.then((known) => this.knownOrLocked(known, asked));
    return this.knownOrLocked(unchanged, asked);
  }

  /** The end of {@link RequestProcessing.identified}: the `known` device answered, else the locked path. */
  private knownOrLocked(known: Known | undefined, asked: Asked): ProcessResult | Promise<ProcessResult> {
    const { devInfo, type, tenantUuid, identity, filename, path } = asked;
    const clientIp = devInfo.ip ?? '';
    if (known) {
      const { device, sensitive } = known;
      const outcome = this.app.options.onIdentified;
      if (sensitive && !this.security.recordSensitive(clientIp, filename ?? path!, device.id, device.ip !== clientIp)) {
        outcome?.('refused');
        return { refused: true };
      }
      outcome?.('known');
      return this.served(device, devInfo, this.trusted(device, type, tenantUuid));
    }
    return asked.fileRequest ? this.lockedAnswering(asked) : this.identityLock.run(identity, () => this.locked(asked));
  }

  /**
   * {@link RequestProcessing.locked} under the lock of the request's identity, answered as soon as it tells its
   * answer: for a new phone whose device gets no file, before the device's commit (which still ends before the lock
   * is released, so a second request of its MAC finds the device and never creates another).
   */
  private lockedAnswering(asked: Asked): Promise<ProcessResult> {
    return new Promise<ProcessResult>((resolve, reject) => {
      let answered = false;
      const early: EarlyAnswer = (result) => {
        answered = true;
        resolve(result);
      };
      this.identityLock.run(asked.identity, () => this.locked(asked, false, early)).then(resolve, (err: unknown) => {
        if (!answered) return reject(err);
        // answered already: the creation's own failures are logged where they happen; anything else is logged here
        this.app.log(`request of ${asked.identity} after its answer: ${reasonOf(err)}`);
      });
    });
  }

  /** How many new phones are answered and their device not committed yet (see {@link EARLY_ANSWERS_LIMIT}). */
  private earlyAnswers = 0;
  /** {@link EARLY_ANSWERS_LIMIT} of this host's store engine. */
  private get earlyAnswersLimit(): number {
    return EARLY_ANSWERS_LIMIT[this.app.store.engine];
  }

  /**
   * The request of {@link RequestProcessing.knownOrLocked} under the lock of its identity: its device retrieved,
   * else created, updated, and the result. A device of its MAC created by another writer between the look-up and the
   * creation (which keeps the MAC unique) sends it through here once more (`again`), with every look-up.
   *
   * A file request of a new phone whose device gets no file (no `autocreate` config with a line 1: the usual case,
   * answered not found) is answered through `early` once its device is decided (its plugin chosen), before its
   * commit, which runs on under the lock: the phone is told what the commit would tell it, without waiting for the
   * store's round trips, and more new phones' commits are grouped into one meanwhile. A crash before the commit loses
   * that device alone, which the phone's next request creates again; a device of its MAC created by another writer
   * in the same instant (the commit then fails on the MAC kept unique) is this request's device only from the phone's
   * next request on (see docs/decisions.md). At most {@link EARLY_ANSWERS_LIMIT} are in flight; beyond, and for every
   * other request, the answer waits for the commit.
   */
  private async locked(asked: Asked, again = false, early?: EarlyAnswer): Promise<ProcessResult> {
    const { devInfo, type, tenantUuid, filename, path } = asked;
    const clientIp = devInfo.ip ?? '';
    // the devices found by IP are kept: for a new device they tell at once whether its IP is free
    const byIp = new Map<string, readonly Device[]>();
    // after a miss by MAC, serial and UUID just before (unchanged()), only the look-up by IP is left
    const skip = asked.missed === true;
    let device = await retrieveDevice(devInfo, {
      findBy: async (key, value) => {
        if (skip && key !== 'ip') return [];
        const found = skip && asked.byIp && value === devInfo.ip ? await asked.byIp() : await this.lookup.findBy(key, value);
        if (key === 'ip') byIp.set(value, found);
        return found;
      },
    });
    const plugin = this.app.plugins.get(device?.plugin);
    const outcome = this.app.options.onIdentified;
    const sensitive = path !== undefined && this.isSensitive(path, plugin);
    const hit = plugin ? device : undefined;
    // a phone fetching its own file from its own recorded address is no guess; every other request counts
    if (sensitive && !this.security.recordSensitive(clientIp, filename ?? path, hit?.id, hit?.ip !== clientIp)) {
      outcome?.('refused');
      return { refused: true };
    }
    const { ip: _ip, ...withoutIp } = devInfo;
    let trust: boolean;
    if (!device) {
      if (this.app.options.autoCreate === false || this.security.isLimited(clientIp)) {
        outcome?.('ignored');
        return {};
      }
      // in URL-key mode, only a request with a key creates a device from a sensitive file name
      if (sensitive && this.app.options.urlKeys !== undefined && tenantUuid === undefined) return this.deny(clientIp, filename, undefined);
      const stub = (tenantUuid === undefined ? {} : { tenant_uuid: tenantUuid }) as Device;
      trust = this.trusted(stub, type, tenantUuid);
      // the new device decided, before its commit: answered at once when that answer does not wait for anything
      let answered = false;
      // (the limit checked as the answer goes out: requests checked before it would all pass together)
      const decided = early
        ? (decidedDevice: Device): void => {
            if (this.earlyAnswers >= this.earlyAnswersLimit) return;
            const result = this.served(decidedDevice, devInfo, trust);
            if (result instanceof Promise) return;
            answered = true;
            this.earlyAnswers++;
            early(result);
          }
        : undefined;
      let made: Device | 'taken' | undefined;
      try {
        made = await this.autoCreate((await this.mayRecordIp(stub, devInfo.ip, trust, byIp)) ? devInfo : withoutIp, filename, tenantUuid, clientIp, again, decided);
      } finally {
        if (answered) this.earlyAnswers--;
      }
      // another writer created a device of this MAC since the look-up: it is this request's device
      if (made === 'taken') return this.locked({ ...asked, missed: false }, true);
      device = made;
      if (!device) {
        outcome?.('ignored');
        return {};
      }
      outcome?.('created');
    } else {
      outcome?.('known');
      if (sensitive && !this.maySendSensitive(device, type, tenantUuid, clientIp)) return this.deny(clientIp, filename, device.id);
      trust = this.trusted(device, type, tenantUuid);
      const info = (await this.mayRecordIp(device, devInfo.ip, trust)) ? devInfo : withoutIp;
      device = await this.configuration.withDevice(device.id, (current) => this.updateFromRequest(current, info, filename));
    }
    return this.served(device, devInfo, trust);
  }

  /**
   * The known device of a request that would change nothing, with its loaded plugin and whether the file asked for
   * is sensitive; `undefined` when the request must take the locked path: no device or no loaded plugin for it, no
   * config yet, a sensitive file it may not read, anything it tells that would be recorded (identity keys, IP,
   * version, plugin association, remote state), or any lock taken for its identity or for any device while the
   * device was read (a change in flight, whose outcome the locked path waits for). Nothing is written and nothing
   * is logged here: the caller records the request once it takes this path.
   */
  private unchanged(asked: Asked): Known | undefined | Promise<Known | undefined> {
    const { devInfo, type } = asked;
    const locks = this.app.deviceLock.started;
    if (this.identityLock.isBusy(asked.identity)) return undefined;
    // the device as stored (found lately, unless DHCP: its caller may change what it gets), shared: nothing here
    // changes it, the checks only tell whether the request would
    const held = type !== 'dhcp' && devInfo.mac !== undefined ? this.recent.held('mac', devInfo.mac) : undefined;
    if (held !== undefined) return this.unchangedFrom(held, locks, asked);
    // a device found by IP alone has no MAC (the MAC look-up would have found it): a request telling one records it,
    // so it is no request that changes nothing, and the IP look-up is left to the locked path
    const lookup = type === 'dhcp' ? this.lookup : devInfo.mac !== undefined && devInfo.ip !== undefined ? this.phoneLookup(asked, devInfo.ip) : this.recentLookup;
    return retrieveDevice(devInfo, lookup, devInfo.mac === undefined).then((found) => {
      if (found !== undefined) return this.unchangedFrom(found, locks, asked);
      // a new phone, most likely: the locked path need not look it up by MAC, serial or UUID again
      asked.missed = true;
      return undefined;
    });
  }

  /**
   * {@link RequestProcessing.recentLookup} for a request telling a MAC and an IP: its look-up by MAC reads the
   * devices of its IP with it where the store does both in one round trip, kept in `asked` for the locked path (a new
   * phone's next look-up).
   */
  private phoneLookup(asked: Asked, ip: string): DeviceLookup {
    return {
      findBy: async (key, value) => {
        if (key !== 'mac') return this.recentLookup.findBy(key, value);
        const first = await this.recent.first('mac', value, async () => {
          const found = await this.app.store.phoneLookup(value, ip, IP_LOOKUP_LIMIT);
          asked.byIp = found.byIp;
          return found.byMac;
        });
        return first ? [first] : [];
      },
    };
  }

  /** {@link RequestProcessing.unchanged} once the device is found (`locks`: the device locks started before). */
  private unchangedFrom(device: Readonly<Device>, locks: number, asked: Asked): Known | undefined | Promise<Known | undefined> {
    const { devInfo, type, tenantUuid, identity, filename, path } = asked;
    const plugin = this.app.plugins.get(device.plugin);
    if (!plugin || device.config === undefined) return undefined;
    const sensitive = path !== undefined && RequestProcessing.isSensitiveTo(plugin, path);
    if (sensitive && !this.maySendSensitive(device, type, tenantUuid, devInfo.ip ?? '')) return undefined;
    let info = devInfo;
    if (devInfo.ip !== undefined && devInfo.ip !== device.ip && !this.trusted(device, type, tenantUuid)) {
      // the IP a request tells is recorded only as the locked path decides (mayRecordIp); here it is left out
      if (device.ip === undefined) return undefined;
      const { ip: _ip, ...withoutIp } = devInfo;
      info = withoutIp;
    }
    if (changesDeviceInfo(device, info)) return undefined;
    const tracked = this.trackRemoteState(device, filename, false);
    if (tracked === true) return undefined;
    if (tracked === false) return this.quiet(device, sensitive, locks, identity);
    return tracked.then((changes) => (changes ? undefined : this.quiet(device, sensitive, locks, identity)));
  }

  /** The known device, unless a lock was taken for its identity or for any device since `locks` (a change in flight). */
  private quiet(device: Readonly<Device>, sensitive: boolean, locks: number, identity: string): Known | undefined {
    const quiet = this.app.deviceLock.started === locks && !this.app.deviceLock.isBusy(device.id) && !this.identityLock.isBusy(identity);
    return quiet ? { device: device as Device, sensitive } : undefined;
  }

  /** Whether a request is trusted to speak for `device` (its IP may move other devices' away). */
  private trusted(device: Readonly<Device>, type: RequestType, tenantUuid: string | undefined): boolean {
    return this.app.options.trustRequestIp === true || this.isAuthenticatedFor(device, type, tenantUuid);
  }

  /**
   * The end of the pipeline for the identified `device`: a trusted request's IP taken from other devices, a pending
   * reconfiguration of the device done first, and the result with its loaded plugin.
   */
  private served(device: Device, devInfo: DevInfo, trust: boolean): ProcessResult | Promise<ProcessResult> {
    // Outside the device's lock: a task never holds two device locks, so two phones trading IPs cannot deadlock.
    // Only a trusted request takes an IP from other devices (an unauthenticated one never moves a known device's).
    const moves = trust && devInfo.ip && !this.app.options.nat && device.ip === devInfo.ip;
    // A recorded change (a config edit, a plugin upgrade) has not reached this device yet: configure it first.
    // (on a copy: the device may be one found lately, shared and frozen)
    if (moves || this.app.reconfigurer.isStale(device as Device & { id: string })) return this.servedAfter({ ...device }, moves ? devInfo.ip : undefined);
    const served = this.app.plugins.get(device.plugin);
    return served ? { device, plugin: served } : { device };
  }

  /** {@link RequestProcessing.served} once `ip` is taken from other devices and pending changes reached `device`. */
  private async servedAfter(device: Device, ip: string | undefined): Promise<ProcessResult> {
    if (ip) await this.takeIpFromOthers(ip, device.id);
    try {
      await this.app.reconfigurer.ensureFresh(device as Device & { id: string });
    } catch (err) {
      // its files could not be written (a full disk): the previous ones stay, and are served
      if (!isProvdError(err) || err.code !== 'PROVD_HOST_RECONFIGURE_FAILED') throw err;
      this.app.log(err.message);
    }
    const served = this.app.plugins.get(device.plugin);
    return served ? { device, plugin: served, reconfigured: true } : { device, reconfigured: true };
  }

  /** Processes an HTTP or TFTP request and tells where its file is to be read from. */
  locateFile(request: AnyRequest, type: 'http' | 'tftp', tenantUuid?: string): Promise<FileLocation> {
    return this.app.plugins
      .extractor(type)
      .extract(request as never, type)
      .then((devInfo) => {
        const result = this.identified(request, type, tenantUuid, devInfo ?? {}, true);
        return result instanceof Promise ? result.then(RequestProcessing.location) : RequestProcessing.location(result);
      });
  }

  /** Where the file of a request with `result` is to be read from. */
  private static location(result: ProcessResult): FileLocation {
    const location: FileLocation = result.refused ? { refused: true } : result.denied || !result.plugin ? { unknown: true } : { root: result.plugin.tftpbootDir };
    if (result.device) location.device = result.device.id;
    if (result.plugin) location.plugin = result.plugin.id;
    if (result.reconfigured) location.fresh = true;
    return location;
  }

  /** Whether `path` (relative to the tftpboot folder) is sensitive to `plugin`: its full path or its base name. */
  private static isSensitiveTo(plugin: ProvdPlugin, path: string): boolean {
    const base = path.slice(path.lastIndexOf('/') + 1);
    try {
      return plugin.isSensitiveFilename(path) || (base !== path && plugin.isSensitiveFilename(base));
    } catch {
      return false;
    }
  }

  /** Whether `path` is sensitive: to the device's plugin when it has one, else to any loaded plugin. */
  private isSensitive(path: string, plugin: ProvdPlugin | undefined): boolean {
    return plugin ? RequestProcessing.isSensitiveTo(plugin, path) : this.app.plugins.sorted().some((p) => RequestProcessing.isSensitiveTo(p, path));
  }

  /** Whether a request proves it speaks for `device`: DHCP information, or a URL key of the device's tenant. */
  private isAuthenticatedFor(device: Readonly<Device>, type: RequestType, tenantUuid: string | undefined): boolean {
    return type === 'dhcp' || (this.app.options.urlKeys !== undefined && tenantUuid !== undefined && device.tenant_uuid === tenantUuid);
  }

  /**
   * Whether a sensitive file of `device` may go to this request: one authenticated for it; outside URL-key mode (or
   * over TFTP with `sensitiveOverTftp`), one from the device's recorded IP (any IP with `trustRequestIp`).
   */
  private maySendSensitive(device: Readonly<Device>, type: RequestType, tenantUuid: string | undefined, clientIp: string): boolean {
    if (this.isAuthenticatedFor(device, type, tenantUuid)) return true;
    if (this.app.options.urlKeys !== undefined && !(type === 'tftp' && this.app.options.sensitiveOverTftp)) return false;
    return this.app.options.trustRequestIp === true || device.ip === undefined || device.ip === clientIp;
  }

  /**
   * Whether a request may record `ip` as the IP of `device`: a trusted one always (it then takes the IP from other
   * devices); any other only when the device has that IP already, or has none and no other device holds it (behind
   * NAT, where devices share IPs, when it has none). `found`: the devices this request already found by IP.
   */
  private async mayRecordIp(device: Readonly<Device>, ip: string | undefined, trusted: boolean, found?: ReadonlyMap<string, readonly Device[]>): Promise<boolean> {
    if (ip === undefined || trusted || device.ip === ip) return true;
    if (device.ip !== undefined) return false;
    if (this.app.options.nat === true) return true;
    return (found?.get(ip) ?? (await this.app.devices.find({ ip }, { limit: 2 })).items).every((d) => d.id === device.id);
  }

  private deny(clientIp: string, path: string | undefined, device: string | undefined): ProcessResult {
    this.security.line(device === undefined ? 'Sensitive file refused to an unauthenticated request' : `Sensitive file of device ${device} refused`, clientIp, path ?? '');
    return { denied: true };
  }

  /**
   * Creates the device of an unknown requester, already updated, associated and with its transient config, in one
   * transaction that keeps its MAC unique; `undefined` when it could not be stored (logged), `taken` when another
   * device has its MAC (created since the look-up; logged when `again`, after a second look-up).
   */
  private async autoCreate(devInfo: DevInfo, filename: string | undefined, tenantUuid: string | undefined, clientIp: string, again: boolean, decided?: (device: Device) => void): Promise<Device | 'taken' | undefined> {
    const device = newDeviceFrom(devInfo);
    const tenant = tenantUuid ?? this.app.options.defaultTenant;
    if (tenant !== undefined) device.tenant_uuid = tenant;
    let created: Device;
    try {
      created = await this.app.deviceLock.run(device.id, () => this.updateFromRequest(device, devInfo, filename, true, decided));
    } catch (err) {
      const taken = isProvdError(err, 'PROVD_HOST_DUPLICATE_KEY');
      if (taken && !again) return 'taken';
      this.app.log(`could not create a device for ${JSON.stringify(devInfo)}: ${reasonOf(err)}`);
      return undefined;
    }
    if (clientIp) this.security.line('New device created automatically', clientIp, created.id);
    return created;
  }

  /**
   * Updates `device` from what its request told (a new one: `isNew`, created), associates a plugin, gives it a
   * transient `autocreate` config, tracks its remote state, and stores it when anything changed. `fileless`: called
   * for a new device that gets no config (no file), once it is decided, just before its commit.
   */
  private async updateFromRequest(device: Device, devInfo: DevInfo, filename: string | undefined, isNew = false, fileless?: (device: Device) => void): Promise<Device> {
    const old = isNew ? undefined : structuredClone(device);
    let changed = updateDeviceInfo(device, devInfo);
    if (device.plugin === undefined) {
      const plugins = this.app.plugins.sorted().map((plugin) => ({ id: plugin.id, plugin }));
      const { plugin: chosen, failures } = associatePlugin(devInfo, plugins);
      for (const failure of failures) this.app.log(failure.message);
      if (chosen) {
        device.plugin = chosen;
        changed = true;
        this.app.options.onAssociated?.(chosen, 'new');
      }
    } else if (changed && device.plugin_pinned !== true) {
      // what the device told may now score another plugin higher than its own: move it, unless the operator pinned it
      const { better, failures } = betterPlugin(device, this.app.plugins.sorted().map((plugin) => ({ id: plugin.id, plugin })));
      for (const failure of failures) this.app.log(failure.message);
      if (better) {
        this.app.log(`device "${device.id}": plugin "${better.plugin}" scores ${better.score} against ${better.current} for "${device.plugin}" with what the device told: re-associated`);
        device.plugin = better.plugin;
        this.app.options.onAssociated?.(better.plugin, 'better');
      }
    }
    const extra: DocumentWrite[] = [];
    if (device.config === undefined) {
      const config = await this.autocreateConfig(device);
      if (config) {
        extra.push({ op: 'put', kind: 'configs', doc: config, expect: 'absent' });
        changed = true;
      }
    }
    changed = (await this.trackRemoteState(device, filename, true)) || changed;
    if (!changed && !isNew) return device;
    // A new device keeps its MAC unique: two hosts sharing the store, or a client, cannot create a second device of
    // it. Its commit is answered once written, before its fsync (ChangeSet.deferSync): it survives a crash of the
    // host, as the established host's (a JSON file written, never fsynced), and a power loss in the milliseconds
    // before its fsync loses only what the phone's next request creates again.
    // (told as it is stored: not configured and without a job, as replaceDevice finds for a device without config)
    if (isNew && fileless && device.config === undefined && extra.length === 0) fileless(device);
    const stored = await this.configuration.replaceDevice(old, device, extra, false, isNew ? NEW_DEVICE_UNIQUE_KEYS : [], isNew);
    if (extra.length > 0) this.rawConfigs.invalidate();
    return stored;
  }

  /** A transient child of the `autocreate` config for a device without config, when that config has a line 1. */
  private async autocreateConfig(device: Device): Promise<StoredConfig | undefined> {
    const autocreate = await this.rawConfigs.autocreate();
    if (!autocreate?.raw_config.sip_lines?.['1']) return undefined;
    const config: StoredConfig = {
      id: `${autocreate.id}-${randomUUID()}`,
      parent_ids: [autocreate.id],
      raw_config: structuredClone(autocreate.raw_config),
      transient: true,
    };
    if (autocreate.tenant_uuid !== undefined) config.tenant_uuid = autocreate.tenant_uuid;
    device.config = config.id;
    return config;
  }

  private async takeIpFromOthers(ip: string, keep: string): Promise<void> {
    const others = (await this.app.devices.find({ ip, id: { $ne: keep } })).items;
    for (const other of others) {
      await this.app.deviceLock.run(other.id, async () => {
        const current = await this.app.devices.get(other.id);
        if (current?.ip !== ip) return;
        const { ip: _dropped, ...rest } = current;
        await this.app.store.put('devices', rest as Device & { id: string });
      });
    }
  }

  /**
   * Records the SIP user of line 1 when the device fetches its plugin's trigger file (contract §3.8); tells if it
   * changed (at once when the device's config is flattened already, the usual case). `record` false: only tells,
   * changing nothing.
   */
  private trackRemoteState(device: Readonly<Device>, filename: string | undefined, record: boolean): boolean | Promise<boolean> {
    if (!filename || !device.configured || !device.config) return false;
    const plugin = this.app.plugins.get(device.plugin);
    let trigger: string | undefined;
    try {
      trigger = plugin?.getRemoteStateTriggerFilename(device);
    } catch {
      return false;
    }
    if (!trigger || trigger !== filename) return false;
    const flat = this.rawConfigs.flatNow(device.config);
    if (flat !== false) return RequestProcessing.recordRemoteUser(device, flat, record);
    return this.rawConfigs.cachedFlat(device.config).then((later) => RequestProcessing.recordRemoteUser(device, later, record));
  }

  /** Sets (when `record`) the remote-state SIP user of `device` from line 1 of its flattened config; tells if it changes. */
  private static recordRemoteUser(device: Readonly<Device>, flat: RawConfig | undefined, record: boolean): boolean {
    const username = flat?.sip_lines?.['1']?.username;
    if (typeof username !== 'string' || username === '' || username === device.remote_state_sip_username) return false;
    if (record) (device as Device).remote_state_sip_username = username;
    return true;
  }
}
