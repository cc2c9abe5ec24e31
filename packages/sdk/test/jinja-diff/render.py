"""Renders template cases with real Jinja2, for the differential test (JSON on stdin, JSON on stdout).

Input: {"cases": [{"files": {name: source}, "template": name, "contexts": [ctx, ...], "autoescape": bool}]}.
Output: {"version": jinja2.__version__, "results": [[{"out": text} | {"error": "Type: message", "phase": "compile"|"render"}]]}.
The environment is Jinja2's default one, as the established provd uses it (only the loader differs).
"""
import json
import sys

import jinja2


def main():
    data = json.load(sys.stdin)
    envs = {}
    results = []
    for case in data["cases"]:
        key = bool(case.get("autoescape"))
        loader = jinja2.DictLoader(case["files"])
        env = jinja2.Environment(loader=loader, autoescape=key)
        row = []
        try:
            template = env.get_template(case["template"])
        except Exception as e:  # noqa: BLE001 - every failure is a result
            row = [{"error": f"{type(e).__name__}: {e}", "phase": "compile"} for _ in case["contexts"]]
            results.append(row)
            continue
        for ctx in case["contexts"]:
            try:
                row.append({"out": template.render(ctx)})
            except Exception as e:  # noqa: BLE001
                row.append({"error": f"{type(e).__name__}: {e}", "phase": "render"})
        results.append(row)
    json.dump({"version": jinja2.__version__, "results": results}, sys.stdout)


main()
