#!/usr/bin/env python3
"""Renders every case of oracle-cases.json with Helm's own Go engine (helm-python-sdk 0.2.2,
Helm v4.2.3) and writes the outputs into oracle-expected.json next to it.

Each case is a function call written as template text: arguments are literals (3, 1.5, "s",
true) or .Values.NAME, with the values given in the case. Run:
    pip3 install helm-python-sdk==0.2.2 && python3 make-oracle.py
"""
import json
import os
import tempfile

from helm_python import Chart

HERE = os.path.dirname(os.path.abspath(__file__))

def main():
    with open(os.path.join(HERE, "oracle-cases.json")) as f:
        cases = json.load(f)
    values = {}
    lines = []
    for index, case in enumerate(cases):
        for name, value in case.get("values", {}).items():
            values[f"c{index}_{name}"] = value
        args = " ".join(a.replace(".Values.", f".Values.c{index}_") for a in case["args"])
        lines.append(f"<<<{index}>>>{{{{ {case['function']} {args} }}}}<<<end>>>")
    with tempfile.TemporaryDirectory() as directory:
        os.makedirs(os.path.join(directory, "templates"))
        with open(os.path.join(directory, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: oracle\nversion: 0.1.0\n")
        with open(os.path.join(directory, "values.yaml"), "w") as f:
            f.write("{}\n")
        with open(os.path.join(directory, "templates", "cases.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        rendered = Chart.load(directory).render(values, name="release-name", namespace="default")
    text = next(iter(rendered.values()))
    expected = []
    for index, case in enumerate(cases):
        start = text.index(f"<<<{index}>>>") + len(f"<<<{index}>>>")
        end = text.index("<<<end>>>", start)
        expected.append({"function": case["function"], "args": case["args"],
                         "values": case.get("values", {}), "helm": text[start:end]})
    with open(os.path.join(HERE, "oracle-expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")

if __name__ == "__main__":
    main()
