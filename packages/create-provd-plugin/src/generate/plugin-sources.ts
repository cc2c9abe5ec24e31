import type { FileLayout } from '../answers';
import type { FamilyNames } from './names';

const js = (value: unknown): string => JSON.stringify(value);
const regexText = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `provd.family.ts`: the build declaration of the family, its plugin-info derived from the model table. */
export function familyFile(n: FamilyNames): string {
  return `import { capabilitiesOf, defineFamily } from '@provd/build';
import { MODELS } from './common/models';

// The ${n.vendor} family: \`common/\` holds what every firmware version shares (models, extractors, associator, plugin
// class, templates), \`${n.targetDir}/\` what is particular to firmware ${n.firmware} (its entry). Another firmware version is
// one more folder and one more target. ${n.vendor} phones send DHCP option 60 \`${n.token}-<model>-<version>\` and fetch
// their files under the URL of option 66, to which \`/${n.filesDir}\` is appended. Each plugin's plugin-info is declared
// here, its capabilities derived from the model table the plugin uses, so that a model's lines are kept in one place.
const FIRMWARE = ${js(n.firmware)};

export default defineFamily({
  name: ${js(n.family)},
  dhcp: { vendorClassPrefixes: [${js(`${n.token}-`)}], urlPath: ${js(`/${n.filesDir}`)} },
  targets: [
    {
      id: FIRMWARE,
      pluginId: ${js(n.pluginId)},
      sources: ['common', ${js(n.targetDir)}],
      pluginInfo: {
        version: '0.1.0',
        description: \`Plugin for the ${n.vendor} \${Object.keys(MODELS).join(', ')} SIP phones, firmware \${FIRMWARE}.\`,
        capabilities: capabilitiesOf({
          vendor: ${js(n.vendor)},
          version: FIRMWARE,
          models: Object.keys(MODELS),
          capabilities: (model) => ({
            lines: MODELS[model]!.lines,
            function_keys: 0,
            expansion_modules: 0,
            high_availability: false,
            switchboard: false,
            type: 'deskphone',
            protocol: 'sip',
          }),
        }),
      },
    },
  ],
});
`;
}

/** `common/models.ts`: the models of the family. */
export function modelsFile(n: FamilyNames): string {
  const rows = n.models.map((m) => `  ${js(m)}: { lines: 2 },`).join('\n');
  return `/** What one ${n.vendor} model has. */
export interface ModelSpec {
  /** How many SIP accounts the phone registers. */
  lines: number;
}

/**
 * The models of the family (a model may get its own template, \`templates/<model>.tpl\`, extending \`base.tpl\`); the
 * family file derives the capabilities of each plugin-info from this table.
 */
export const MODELS: Readonly<Record<string, ModelSpec>> = {
${rows}
};

/** The spec of \`model\`, or \`undefined\` for a model this family does not know. */
export function modelSpec(model: string | null | undefined): ModelSpec | undefined {
  return typeof model === 'string' && Object.hasOwn(MODELS, model) ? MODELS[model] : undefined;
}
`;
}

/** `common/extractors.ts`: what DHCP, HTTP and TFTP requests tell about a phone. */
export function extractorsFile(n: FamilyNames): string {
  const token = regexText(n.token);
  return `import { defineExtractor, normMac } from '@provd/sdk';

/** \`${n.token}-${n.models[0]}-${n.firmware}\`: the DHCP vendor class (option 60) of a ${n.vendor} phone. */
const VENDOR_CLASS = /^${token}-([A-Za-z0-9._]+)-(\\d+(?:\\.\\d+)*)$/;

/** \`${n.token}/${n.firmware} (${n.models[0]}; 00:00:5e:00:53:01)\`: the User-Agent of a ${n.vendor} phone's HTTP requests. */
const USER_AGENT = /^${token}\\/(\\d+(?:\\.\\d+)*) \\(([A-Za-z0-9._-]+); ([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})\\)$/;

/** \`${n.filesDir}/00005e005301.${n.ext}\`: the configuration file a phone asks for over TFTP, named after its MAC. */
const CONFIG_FILE = /^\\/?${regexText(n.filesDir)}\\/([0-9a-f]{12})\\.${n.ext}$/;

/** Reads model and firmware version from the DHCP vendor class. */
export const dhcpExtractor = defineExtractor('dhcp', (request) => {
  const match = VENDOR_CLASS.exec(request.options[60] ?? '');
  return match ? { vendor: ${js(n.vendor)}, model: match[1], version: match[2] } : undefined;
});

/** Reads model, firmware version and MAC address from the User-Agent of an HTTP request. */
export const httpExtractor = defineExtractor('http', (request) => {
  const match = USER_AGENT.exec(request.headers['user-agent'] ?? '');
  if (!match) return undefined;
  return { vendor: ${js(n.vendor)}, model: match[2], version: match[1], mac: normMac(match[3] as string) };
});

/** Reads the MAC address from the name of a configuration file asked for over TFTP (TFTP has no User-Agent). */
export const tftpExtractor = defineExtractor('tftp', (request) => {
  const match = CONFIG_FILE.exec(request.filename);
  return match ? { vendor: ${js(n.vendor)}, mac: normMac(match[1] as string) } : undefined;
});
`;
}

/** `common/associator.ts`: how well the plugin supports a phone. */
export function associatorFile(n: FamilyNames): string {
  return `import { BasePgAssociator, DeviceSupport } from '@provd/sdk';
import { modelSpec } from './models';

/** Scores ${n.vendor} phones: exact for a known model on the plugin's firmware, complete on another firmware. */
export class ${n.associatorClass} extends BasePgAssociator {
  /** Scores for the plugin of firmware \`version\` (e.g. \`${n.firmware}\`). */
  constructor(private readonly version: string) {
    super();
  }

  protected doAssociate(vendor: string, model: string | undefined, version: string | undefined): DeviceSupport {
    if (vendor !== ${js(n.vendor)}) return DeviceSupport.IMPROBABLE;
    if (modelSpec(model) === undefined) return DeviceSupport.PROBABLE;
    return version === this.version ? DeviceSupport.EXACT : DeviceSupport.COMPLETE;
  }
}
`;
}

/** `common/<family>-plugin.ts`: the plugin class every firmware version of the family shares. */
export function pluginFile(n: FamilyNames, layout: FileLayout): string {
  return `import { BasePlugin, formatMac, type Device, type PluginContext, type RawConfig, type SipLine } from '@provd/sdk';
import { ${n.associatorClass} } from './associator';
import { dhcpExtractor, httpExtractor, tftpExtractor } from './extractors';
import { modelSpec } from './models';

/** The folder of the plugin's files under tftpboot: phones fetch \`/${n.filesDir}/<mac>.${n.ext}\`. */
const DIR = ${js(n.filesDir)};

/** A device's configuration file name: \`00005e005301.${n.ext}\`. */
function configFile(mac: string): string {
  return \`\${formatMac(mac, { separator: '' })}.${n.ext}\`;
}

/** A configuration value on one line${layout === 'kv' ? ' (a line break would start a new key = value line)' : ''}. */
function oneLine(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).replace(/[\\r\\n]+/g, ' ');
}

/** One SIP line as the templates use it: every value on one line, the defaults applied. */
export interface TemplateLine {
  /** The line number, \`1\` up. */
  number: string;
  /** The name shown on the phone (the user name when the config has none). */
  display_name: string;
  /** The SIP user name. */
  username: string;
  /** The authentication user name (the user name when the config has none). */
  auth_username: string;
  /** The SIP password. */
  password: string;
  /** \`host:port\` of the proxy (port 5060 when the config has none). */
  proxy: string;
}

/** The SIP lines of a raw config that a phone with \`lines\` accounts has room for, in line-number order. */
export function templateLines(rawConfig: RawConfig, lines: number): TemplateLine[] {
  return Object.entries(rawConfig.sip_lines ?? {})
    .map(([number, line]) => [number, line as SipLine] as const)
    .filter(([number]) => Number(number) >= 1 && Number(number) <= lines)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([number, line]) => ({
      number,
      display_name: oneLine(line.display_name || line.username),
      username: oneLine(line.username),
      auth_username: oneLine(line.auth_username || line.username),
      password: oneLine(line.password),
      proxy: \`\${oneLine(line.proxy_ip ?? rawConfig.ip)}:\${line.proxy_port ?? 5060}\`,
    }));
}

/**
 * The ${n.vendor} plugin of one firmware version: writes \`${n.filesDir}/<mac>.${n.ext}\`, ${layout === 'xml' ? 'an XML file' : 'a \`key = value\` file'}, from the
 * template of the device's model (\`templates/<model>.tpl\` when there is one, else \`templates/base.tpl\`).
 */
export class ${n.pluginClass} extends BasePlugin {
  override readonly dhcpDevInfoExtractor = dhcpExtractor;
  override readonly httpDevInfoExtractor = httpExtractor;
  override readonly tftpDevInfoExtractor = tftpExtractor;
  override readonly pgAssociator: ${n.associatorClass};

  /** Creates the plugin of firmware \`version\` (e.g. \`${n.firmware}\`). */
  constructor(
    context: PluginContext,
    readonly version: string,
  ) {
    super(context);
    this.pgAssociator = new ${n.associatorClass}(version);
  }

  async configure(device: Device, rawConfig: RawConfig): Promise<void> {
    const mac = this.requireMac(device);
    // A model the family does not know gets base.tpl with one line.
    const spec = modelSpec(device.model) ?? { lines: 1 };
    const context = {
      ...rawConfig,
      XX_model: oneLine(device.model ?? 'phone'),
      XX_version: this.version,
      XX_lines: templateLines(rawConfig, spec.lines),
    };
    const file = configFile(mac);
    await this.writeFiles([{ template: this.templates.getDeviceTemplate(file, device), context, file: this.tftpbootPath(DIR, file) }]);
  }

  override async deconfigure(device: Device): Promise<void> {
    if (device.mac) await this.removeFiles(this.tftpbootPath(DIR, configFile(device.mac)));
  }

  /** A device's configuration file holds its SIP passwords (the host passes the base name of the requested file). */
  override isSensitiveFilename(filename: string): boolean {
    return /^[0-9a-f]{12}\\.${n.ext}$/.test(filename);
  }
}
`;
}

/** `<target>/entry.ts`: the plugin of one firmware version, the class a host constructs. */
export function entryFile(n: FamilyNames): string {
  const className = `${n.pluginClass.replace(/Plugin$/, '')}${n.firmware.replace(/\./g, '')}Plugin`;
  return `import type { PluginContext } from '@provd/sdk';
import { ${n.pluginClass} } from '../common/${n.pluginModule}';

/** \`${n.pluginId}\`: ${n.vendor} ${n.models.join(', ')} on firmware ${n.firmware}. */
export default class ${className} extends ${n.pluginClass} {
  /** Creates the plugin for the host. */
  constructor(context: PluginContext) {
    super(context, ${js(n.firmware)});
  }
}
`;
}

/** `common/templates/base.tpl`: the configuration file of every model, in plain Jinja2. */
export function baseTemplate(n: FamilyNames, layout: FileLayout): string {
  if (layout === 'xml') {
    return `<?xml version="1.0" encoding="UTF-8"?>
<!-- ${n.vendor} {{ XX_model }} configuration, written by provd -->
<config vendor="${n.vendor}" model="{{ XX_model | e }}" firmware="{{ XX_version }}">
{%- for line in XX_lines %}
  <line number="{{ line.number }}">
    <display_name>{{ line.display_name | e }}</display_name>
    <username>{{ line.username | e }}</username>
    <auth_username>{{ line.auth_username | e }}</auth_username>
    <password>{{ line.password | e }}</password>
    <proxy>{{ line.proxy | e }}</proxy>
  </line>
{%- endfor %}
{%- if ntp_enabled and ntp_ip %}
  <ntp server="{{ ntp_ip | e }}"/>
{%- endif %}
{%- block model_specific_parameters %}{% endblock %}
</config>
`;
  }
  return `# ${n.vendor} {{ XX_model }} configuration, written by provd
device.model = {{ XX_model }}
device.firmware = {{ XX_version }}
{%- for line in XX_lines %}
line{{ line.number }}.display_name = {{ line.display_name }}
line{{ line.number }}.username = {{ line.username }}
line{{ line.number }}.auth_username = {{ line.auth_username }}
line{{ line.number }}.password = {{ line.password }}
line{{ line.number }}.proxy = {{ line.proxy }}
{%- endfor %}
{%- if ntp_enabled and ntp_ip %}
ntp.server = {{ ntp_ip }}
{%- endif %}
{%- block model_specific_parameters %}{% endblock %}
`;
}
