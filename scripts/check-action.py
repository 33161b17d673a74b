#!/usr/bin/env python3
"""Checks the GitHub Action and the workflows without GitHub (docs/ci.md, "Checking the action"):

  scripts/check-action.py

- action.yml and .github/workflows/*.yml parse as YAML;
- every input and output of action.yml is documented in docs/ci.md (as `name`), and every input
  docs/ci.md's table names exists;
- every input a step reads (inputs.NAME) is declared;
- with shellcheck on PATH, every `run:` script passes it (bash; ${{ … }} replaced by a word).
Needs PyYAML (python3-yaml). Exit status 0 when all hold, 1 otherwise.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("scripts/check-action.py needs PyYAML (apt-get install python3-yaml, or pip install pyyaml)")

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
os.chdir(root)
problems = []

files = ["action.yml"] + sorted(glob.glob(".github/workflows/*.yml"))
documents = {}
for name in files:
    try:
        with open(name) as f:
            documents[name] = yaml.safe_load(f)
    except yaml.YAMLError as error:
        problems.append(f"{name}: not YAML: {error}")

action = documents.get("action.yml") or {}
inputs = action.get("inputs", {})
outputs = action.get("outputs", {})
with open("docs/ci.md") as f:
    ci = f.read()
for kind, names in (("input", inputs), ("output", outputs)):
    for name in names:
        if f"`{name}`" not in ci:
            problems.append(f"action.yml: {kind} {name} is not documented in docs/ci.md")
# The inputs table of docs/ci.md: rows starting with | `name` |.
section = ci.split("### Inputs", 1)[1].split("###", 1)[0] if "### Inputs" in ci else ""
for name in re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M):
    if name not in inputs:
        problems.append(f"docs/ci.md: input {name} is not in action.yml")


def expressions(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from expressions(value)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value)
    elif isinstance(node, str):
        yield node


for text in expressions(action.get("runs", {})):
    for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        if name not in inputs:
            problems.append(f"action.yml: a step reads inputs.{name}, which is not declared")


def scripts(name, document):
    steps = []
    if name == "action.yml":
        steps = document.get("runs", {}).get("steps", [])
    else:
        for job in (document.get("jobs") or {}).values():
            steps += job.get("steps", [])
    for index, step in enumerate(steps):
        if "run" in step:
            yield f"{name} step {index + 1} ({step.get('name', step.get('id', ''))})", step["run"]


shellcheck = shutil.which("shellcheck")
if shellcheck:
    for name, document in documents.items():
        for where, script in scripts(name, document or {}):
            body = re.sub(r"\$\{\{.*?\}\}", "EXPRESSION", script)
            with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
                f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + body)
            result = subprocess.run([shellcheck, "-s", "bash", f.name], capture_output=True, text=True)
            os.unlink(f.name)
            if result.returncode != 0:
                problems.append(f"{where}: shellcheck:\n{result.stdout}")
else:
    print("shellcheck is not on PATH: run scripts not checked", file=sys.stderr)

for problem in problems:
    print(problem, file=sys.stderr)
checked = f"{len(files)} files, {len(inputs)} inputs, {len(outputs)} outputs"
print(f"{checked}: {'ok' if not problems else str(len(problems)) + ' problem(s)'}")
sys.exit(1 if problems else 0)
