"""Renders templates with real Jinja2 for the templates benchmark: JSON on stdin, timing and outputs on stdout.

Input: {"dir": folder, "items": [[template name, context], ...], "rounds": n, "autoescape": bool}.
The environment is Jinja2's default one over a FileSystemLoader, as the established provd's TemplatePluginHelper
builds it; every template is loaded once (get_template caches it), and only rendering is timed.
"""
import json
import sys
import time

import jinja2

data = json.load(sys.stdin)
env = jinja2.Environment(loader=jinja2.FileSystemLoader(data["dir"]), autoescape=data["autoescape"])
items = [(env.get_template(name), ctx) for name, ctx in data["items"]]
best = None
outputs = []
for _ in range(data["rounds"]):
    start = time.perf_counter()
    outputs = [template.render(ctx) for template, ctx in items]
    seconds = time.perf_counter() - start
    best = seconds if best is None else min(best, seconds)
json.dump({"seconds": best, "outputs": outputs[:50], "version": jinja2.__version__}, sys.stdout)
