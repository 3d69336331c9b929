#!/usr/bin/env python3
"""Render a chart directory with Helm's own Go engine (helm-python-sdk 0.2.2, Helm v4.2.3).

    scripts/helm-oracle.py CHART_DIR [VALUES_JSON_FILE]

Prints what `helm template release-name CHART_DIR` prints for a chart without hooks: the
manifest of a client-side dry-run install (release `release-name`, namespace `default`),
trimmed, with one newline after it. On failure prints `Error: MESSAGE` on standard error and
exits 2. Needs `pip3 install helm-python-sdk==0.2.2` (it runs offline).
"""
import json
import sys

try:
    import helm_python
except ImportError:
    sys.stderr.write("helm-oracle: pip3 install helm-python-sdk==0.2.2\n")
    sys.exit(3)


def main() -> int:
    if len(sys.argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 64
    values = None
    if len(sys.argv) == 3:
        with open(sys.argv[2], encoding="utf-8") as handle:
            values = json.load(handle)
    config = helm_python.Config(namespace="default", storage_driver="memory")
    try:
        release = config.install(
            sys.argv[1], "release-name", values, dry_run="client", namespace="default")
    except Exception as error:  # the SDK raises its own error types with Helm's message
        sys.stderr.write("Error: %s\n" % error)
        return 2
    sys.stdout.write(release["manifest"].strip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
