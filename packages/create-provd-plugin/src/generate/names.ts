import type { Answers } from '../answers';

/** The names a generated family uses, all derived from the answers. */
export interface FamilyNames {
  /** The vendor as written, e.g. `Acme Phones`. */
  vendor: string;
  /** The vendor as one word, as phones send it in DHCP option 60 and their User-Agent, e.g. `AcmePhones`. */
  token: string;
  /** The family name, e.g. `acme-phones`. */
  family: string;
  /** The plugin class of the family, e.g. `AcmePhonesPlugin`. */
  pluginClass: string;
  /** The associator class, e.g. `AcmePhonesAssociator`. */
  associatorClass: string;
  /** The module of the plugin class, without `.ts`, e.g. `acme-phones-plugin`. */
  pluginModule: string;
  /** The firmware version of the first target, e.g. `1.0.0`. */
  firmware: string;
  /** The source folder of the first target, e.g. `v1_0_0`. */
  targetDir: string;
  /** The plugin id of the first target, e.g. `acme-phones-1.0.0`. */
  pluginId: string;
  /** The folder of the plugin's files under tftpboot, also the DHCP URL path without `/`: the family name. */
  filesDir: string;
  /** The extension of a phone's configuration file: `xml` or `cfg`. */
  ext: string;
  /** The models. */
  models: string[];
}

/** Derives every name of the generated family from valid answers. */
export function familyNames(answers: Answers): FamilyNames {
  const words = answers.vendor.split(/[ ._-]+/).filter((w) => w !== '');
  const token = words.join('');
  const pascal = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
  return {
    vendor: answers.vendor,
    token,
    family: answers.family,
    pluginClass: `${pascal}Plugin`,
    associatorClass: `${pascal}Associator`,
    pluginModule: `${answers.family}-plugin`,
    firmware: answers.firmware,
    targetDir: `v${answers.firmware.replace(/\./g, '_')}`,
    pluginId: `${answers.family}-${answers.firmware}`,
    filesDir: answers.family,
    ext: answers.layout === 'xml' ? 'xml' : 'cfg',
    models: [...answers.models],
  };
}

/** The sample phone of the generated tests and `sample/device.json`: a MAC of the documentation range (RFC 7042). */
export const SAMPLE_MAC = '00:00:5e:00:53:01';
/** {@link SAMPLE_MAC} as the file name stem the plugin writes. */
export const SAMPLE_MAC_BARE = '00005e005301';
