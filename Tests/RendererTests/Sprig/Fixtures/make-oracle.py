#!/usr/bin/env python3
"""Renders every case of oracle-cases.json with Helm's own Go engine (helm-python-sdk 0.2.2,
Helm v4.2.3) and writes the outputs into oracle-expected.json next to it.

Each case is a function call written as template text: arguments are literals (3, 1.5, "s",
true) or .Values.NAME, with the values given in the case. Run:
    pip3 install helm-python-sdk==0.2.2 && python3 make-oracle.py
"""
import json
import re
import os
import tempfile

from helm_python import Chart

HERE = os.path.dirname(os.path.abspath(__file__))

def render(lines, values):
    with tempfile.TemporaryDirectory() as directory:
        os.makedirs(os.path.join(directory, "templates"))
        with open(os.path.join(directory, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: oracle\nversion: 0.1.0\n")
        with open(os.path.join(directory, "values.yaml"), "w") as f:
            f.write("{}\n")
        with open(os.path.join(directory, "templates", "cases.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        rendered = Chart.load(directory).render(values, name="release-name", namespace="default")
    return next(iter(rendered.values()))


def main():
    """Cases marked "error" are rendered one by one: Helm stops at the first failing call, and
    the case keeps the text after "error calling NAME: " (or the whole message)."""
    with open(os.path.join(HERE, "oracle-cases.json")) as f:
        cases = json.load(f)
    while True:
        values = {}
        lines = []
        indexes = []
        for index, case in enumerate(cases):
            if case.get("error"):
                continue
            for name, value in case.get("values", {}).items():
                values[f"c{index}_{name}"] = value
            lines.append(f"<<<{index}>>>{call(index, case)}<<<end>>>")
            indexes.append(index)
        try:
            text = render(lines, values)
            break
        except Exception as error:
            # A call that fails stops the render: it becomes an error case.
            match = re.search(r"cases.txt:(\d+):", str(error))
            if not match:
                raise
            cases[indexes[int(match.group(1)) - 1]]["error"] = True
    expected = []
    for index, case in enumerate(cases):
        entry = {"function": case["function"], "args": case["args"],
                 "values": case.get("values", {})}
        if case.get("error"):
            case_values = {f"c{index}_{k}": v for k, v in case.get("values", {}).items()}
            try:
                entry["helm"] = render([call(index, case)], case_values)
                entry["error"] = None
            except Exception as error:  # the engine's message is what is kept
                message = str(error)
                marker = f"error calling {case['function']}: "
                entry["error"] = message.split(marker, 1)[1] if marker in message else message
        else:
            start = text.index(f"<<<{index}>>>") + len(f"<<<{index}>>>")
            entry["helm"] = text[start:text.index("<<<end>>>", start)]
        expected.append(entry)
    with open(os.path.join(HERE, "oracle-expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")

def call(index, case):
    args = " ".join(a.replace(".Values.", f".Values.c{index}_") for a in case["args"])
    return f"{{{{ {case['function']} {args} }}}}"


if __name__ == "__main__":
    main()
