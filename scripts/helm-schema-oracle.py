#!/usr/bin/env python3
"""Validate values against values.schema.json with Helm's own Go engine (helm-python-sdk
0.2.2, Helm v4.2.3), many cases in one process.

    scripts/helm-schema-oracle.py < CASES.json

CASES.json is a JSON array of objects {"schema": TEXT, "values": OBJECT}. Each case becomes a
chart `schema-case` whose values.schema.json is TEXT (taken as is, so it may be invalid JSON);
OBJECT is given as the user's values. Prints a JSON array with, for each case, the error Helm
returned (its message, without `Error: `) or the empty string when the install succeeded.
"""
import json
import os
import sys
import tempfile

try:
    import helm_python
except ImportError:
    sys.stderr.write("helm-schema-oracle: pip3 install helm-python-sdk==0.2.2\n")
    sys.exit(3)


def main() -> int:
    cases = json.load(sys.stdin)
    config = helm_python.Config(namespace="default", storage_driver="memory")
    results = []
    with tempfile.TemporaryDirectory() as root:
        chart = os.path.join(root, "schema-case")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w", encoding="utf-8") as handle:
            handle.write("apiVersion: v2\nname: schema-case\nversion: 0.1.0\n")
        with open(os.path.join(chart, "templates", "cm.yaml"), "w", encoding="utf-8") as handle:
            handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
        for case in cases:
            with open(os.path.join(chart, "values.schema.json"), "w", encoding="utf-8") as handle:
                handle.write(case["schema"])
            try:
                config.install(chart, "release-name", case["values"], dry_run="client",
                               namespace="default")
                results.append("")
            except Exception as error:  # the SDK raises its own types with Helm's message
                results.append(str(error))
    json.dump(results, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
