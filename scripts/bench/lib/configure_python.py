#!/usr/bin/python3
"""The established provd configure path, transcribed for the configure benchmark (run with Debian's python3 and
python3-jinja2). For each device, as the established host and Digium plugin do (provd-contract.md §1.5, §4.4, §5):
a deep copy of the flattened raw config, the defaults (_set_defaults_raw_config), the template look-up
(get_dev_template: <mac>.cfg.tpl, <model>.tpl, base.tpl, each in var/templates then templates; then contacts.tpl)
through a Jinja2 Environment whose loader re-checks the mtimes of both template trees before reusing a cached
template, the render, and the write: stream-rendered to <file>.tmp, then os.rename (with --fsync: flushed and
fsynced before the rename). Prints one JSON line: seconds and CPU seconds (user + system, and system alone) of the loop over the
devices (start-up and imports not counted), files written.

Usage: configure_python.py <plugin dir> <devices.json> <raw config.json> [--fsync]
"""
import copy
import json
import os
import resource
import sys
import time

import jinja2
from jinja2.loaders import split_template_path


class ProvdFileSystemLoader(jinja2.BaseLoader):
    """Jinja2's FileSystemLoader as the established host extends it: the up-to-date check of a cached template is a
    snapshot of the mtime of every file and folder under every search folder."""

    def __init__(self, searchpath, encoding='utf-8'):
        self.searchpath = list(searchpath)
        self.encoding = encoding

    def _snapshot(self):
        snapshot = {}
        for root in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(root):
                for name in dirnames + filenames:
                    path = os.path.join(dirpath, name)
                    try:
                        snapshot[path] = os.path.getmtime(path)
                    except OSError:
                        pass
        return snapshot

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = os.path.join(searchpath, *pieces)
            if not os.path.isfile(filename):
                continue
            with open(filename, 'rb') as f:
                contents = f.read().decode(self.encoding)
            snapshot = self._snapshot()
            return contents, filename, lambda: snapshot == self._snapshot()
        raise jinja2.TemplateNotFound(template)


class TemplatePluginHelper:
    DEFAULT_TPL_DIR = 'templates'
    CUSTOM_TPL_DIR = os.path.join('var', 'templates')

    def __init__(self, plugin_dir):
        self._env = jinja2.Environment(loader=ProvdFileSystemLoader([
            os.path.join(plugin_dir, self.CUSTOM_TPL_DIR),
            os.path.join(plugin_dir, self.DEFAULT_TPL_DIR),
        ]))

    def get_dev_template(self, filename, dev):
        candidates = []
        if filename:
            candidates.append(filename + '.tpl')
        if 'model' in dev:
            candidates.append(dev['model'] + '.tpl')
        candidates.append('base.tpl')
        return self._env.select_template(candidates)

    def get_template(self, name):
        return self._env.get_template(name)

    def dump(self, template, context, filename, encoding='UTF-8', errors='strict', fsync=False):
        tmp_filename = filename + '.tmp'
        with open(tmp_filename, 'wb') as f:
            for chunk in template.generate(context):
                f.write(chunk.encode(encoding, errors))
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.rename(tmp_filename, filename)


def set_defaults_raw_config(raw_config):
    if raw_config.get('syslog_enabled'):
        raw_config.setdefault('syslog_port', 514)
        raw_config.setdefault('syslog_level', 'warning')
    if 'sip_proxy_ip' in raw_config:
        raw_config.setdefault('sip_registrar_ip', raw_config['sip_proxy_ip'])
    raw_config.setdefault('sip_srtp_mode', 'disabled')
    raw_config.setdefault('sip_transport', 'udp')
    if 'sip_lines' not in raw_config:
        raw_config['sip_lines'] = {}
    else:
        for line in raw_config['sip_lines'].values():
            if 'proxy_ip' in line:
                line.setdefault('registrar_ip', line['proxy_ip'])
            if 'username' in line:
                line.setdefault('auth_username', line['username'])
    raw_config.setdefault('sccp_call_managers', {})
    raw_config.setdefault('funckeys', {})


def numeric_entries(record):
    return sorted(((int(k), v) for k, v in (record or {}).items() if k.isdigit()), key=lambda kv: kv[0])


def server_url(raw_config):
    if raw_config.get('http_base_url'):
        return raw_config['http_base_url']
    port = raw_config.get('http_port', '')
    return 'http://%s%s' % (raw_config.get('ip', ''), ':%s' % port if port != '' else '')


class DigiumPlugin:
    """What the Digium plugin's configure does, with the variables the TypeScript plugin's templates use."""

    def __init__(self, plugin_dir, fsync):
        self._tpl_helper = TemplatePluginHelper(plugin_dir)
        self._tftpboot_dir = os.path.join(plugin_dir, 'var', 'tftpboot')
        self._fsync = fsync

    def configure(self, device, raw_config):
        mac = device['mac'].replace(':', '')
        filename = mac + '.cfg'
        tpl = self._tpl_helper.get_dev_template(filename, device)
        contact_tpl = self._tpl_helper.get_template('contacts.tpl')
        sip_lines = numeric_entries(raw_config['sip_lines'])
        raw_config['XX_server_url'] = server_url(raw_config)
        raw_config['XX_mac'] = mac
        raw_config['XX_sip_lines'] = sip_lines
        raw_config['XX_funckeys'] = numeric_entries(raw_config.get('funckeys'))
        raw_config['XX_main_proxy_ip'] = sip_lines[0][1].get('proxy_ip')
        folder = os.path.join(self._tftpboot_dir, 'Digium')
        self._tpl_helper.dump(tpl, raw_config, os.path.join(folder, filename), fsync=self._fsync)
        self._tpl_helper.dump(contact_tpl, raw_config, os.path.join(folder, mac + '-contacts.xml'), fsync=self._fsync)


def main():
    plugin_dir, devices_file, config_file = sys.argv[1:4]
    fsync = '--fsync' in sys.argv[4:]
    with open(devices_file) as f:
        devices = json.load(f)
    with open(config_file) as f:
        flattened = json.load(f)
    os.makedirs(os.path.join(plugin_dir, 'var', 'tftpboot', 'Digium'), exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    plugin = DigiumPlugin(plugin_dir, fsync)
    for device in devices:
        raw_config = copy.deepcopy(flattened)
        set_defaults_raw_config(raw_config)
        plugin.configure(device, raw_config)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    system = usage.ru_stime - before.ru_stime
    cpu = (usage.ru_utime - before.ru_utime) + system
    print(json.dumps({'seconds': seconds, 'cpu': cpu, 'system': system, 'files': 2 * len(devices)}))


if __name__ == '__main__':
    main()
